"""Render answers, sources and status banners as HTML; everything from an article or a user is escaped."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from assistant import Answer, Citation

if TYPE_CHECKING:
    from ui.conversation import Turn

__all__ = [
    "escape_html",
    "escaped_lines_html",
    "published_day",
    "render_answer_html",
    "render_sources_html",
    "render_status_html",
    "render_user_html",
    "safe_url",
    "text_direction",
]

CITATION_MARKER = re.compile(r"\[(\d{1,3}(?:\s*[,،]\s*\d{1,3})*)\]")
_TEMPLATE_CHARS = str.maketrans({"$": "&#36;", "{": "&#123;", "}": "&#125;", "`": "&#96;"})


def escape_html(text: str | None) -> str:
    """HTML-escape, and also ``$ { } `` so no template syntax reaches gradio's HTML component."""
    return html.escape(text or "", quote=True).translate(_TEMPLATE_CHARS)


def escaped_lines_html(text: str) -> str:
    """Escaped text with line breaks as <br>, on one line (so the chat's Markdown leaves it alone)."""
    return escape_html(text).replace("\r\n", "\n").replace("\n", "<br>")


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link, else None (no javascript:, data:, file: ...)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def text_direction(text: str | None) -> str:
    """'rtl' or 'ltr' from the first strong letter of ``text`` (as dir="auto" decides), else 'auto'."""
    for ch in text or "":
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "auto"


def published_day(published: str | None) -> str:
    """The YYYY-MM-DD part of a published timestamp ('' when unknown)."""
    return (published or "")[:10]


def link_citation_markers(escaped: str, turn: int, markers: set[int] | None) -> str:
    """Turn ``[1]`` / ``[1, 2]`` in already escaped text into links to the sources panel."""

    def marker_links(match: re.Match[str]) -> str:
        numbers = [int(x) for x in re.split(r"\s*[,،]\s*", match.group(1))]
        if markers is not None and not all(n in markers for n in numbers):
            return match.group(0)
        return "".join(
            f'<a class="na-cite" href="#na-src-{turn}-{n}" title="Show source {n}">{n}</a>' for n in numbers
        )

    return CITATION_MARKER.sub(marker_links, escaped)


def render_user_html(question: str) -> str:
    """A user message: escaped, with its own direction (Arabic right-to-left, English left-to-right)."""
    return f'<div dir="auto" class="na-msg na-user-msg">{escaped_lines_html(question)}</div>'


def render_answer_html(text: str, turn: int, answer: Answer | None = None, *, pending: bool = False) -> str:
    """An answer message: escaped paragraphs with ``dir="auto"``, markers as links to its sources.

    ``turn`` numbers the answer in the conversation, so ``[2]`` of answer 3 links ``#na-src-3-2``.
    With the final ``answer``, only markers of real citations become links, and a footer names the
    answerer and the number of sources.
    """
    markers = {c.marker for c in answer.citations} if answer is not None else None
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()] or [""]
    # No dir on the paragraphs: the message's dir="auto" then takes the direction of its first
    # strong letter (an Arabic answer is right-to-left as a whole); CSS bidi "plaintext" still
    # gives each paragraph its own direction.
    body = "".join(
        f"<p>{link_citation_markers(escaped_lines_html(p.strip()), turn, markers)}</p>" for p in paragraphs
    )
    classes = f"na-msg na-answer na-turn-{turn}" + (" na-pending" if pending else "")
    if pending and not text.strip():
        body = '<p class="na-thinking">Searching the articles…</p>'
    foot = ""
    if answer is not None:
        bits = [answer.answerer or "answer"]
        n = len(answer.citations)
        bits.append(f"{n} source{'s' if n != 1 else ''}" if n else "no supporting source")
        ms = sum(
            v for k, v in (answer.timings or {}).items() if k.endswith("_ms") and isinstance(v, int | float)
        )
        if ms:
            bits.append(f"{ms / 1000:.1f} s")
        foot = f'<div class="na-foot" dir="ltr">{escape_html(" · ".join(bits))}</div>'
        for note in answer.notes:
            foot += f'<div class="na-note" dir="auto">{escape_html(note)}</div>'
    return f'<div dir="auto" class="{classes}">{body}{foot}</div>'


def split_passage_at_quote(c: Citation) -> tuple[str, str, str]:
    """Split the citation's passage into (before, quote, after); the quote alone if it is not inside."""
    passage = c.passage or ""
    quote = c.quote or ""
    offset = -1
    if passage and c.passage_start is not None:
        offset = c.start - c.passage_start
        if not (0 <= offset and passage[offset : offset + len(quote)] == quote):
            offset = -1
    if offset < 0 and passage and quote:
        offset = passage.find(quote)
    if offset < 0 or not quote:
        return "", quote or passage, ""
    return passage[:offset], quote, passage[offset + len(quote) :]


def render_source_card(turn: int, c: Citation) -> str:
    """One cited source: number, linked title, outlet, date, host and the passage with its quote marked."""
    title = escape_html(c.title or c.article_id)
    url = safe_url(c.url)
    title_html = (
        f'<a class="na-title" dir="auto" href="{escape_html(url)}" target="_blank" rel="noopener noreferrer nofollow">{title}</a>'
        if url
        else f'<span class="na-title" dir="auto">{title}</span>'
    )
    meta = [x for x in (c.source, published_day(c.published)) if x]
    meta_html = " · ".join(f'<span dir="auto">{escape_html(x)}</span>' for x in meta)
    if url:
        host = urlsplit(url).netloc
        meta_html += (" · " if meta_html else "") + f'<span dir="ltr">{escape_html(host)}</span>'
    before, quote, after = split_passage_at_quote(c)
    lead = "… " if (c.passage_start or 0) > 0 else ""
    passage = f"{escaped_lines_html(lead + before)}<mark>{escaped_lines_html(quote)}</mark>{escaped_lines_html(after)}"
    direction = text_direction(c.passage or c.quote or c.title)
    return (
        f'<article class="na-card" id="na-src-{turn}-{c.marker}" dir="{direction}">'
        f'<header><span class="na-num">{c.marker}</span>{title_html}</header>'
        f'<div class="na-meta">{meta_html or "<span>outlet and date unknown</span>"}</div>'
        f'<p class="na-passage" dir="auto">{passage}</p>'
        "</article>"
    )


def shorten_at_word(text: str, limit: int) -> str:
    """``text`` cut to about ``limit`` characters at a space, with " …" when cut."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip() + " …"


def render_uncited_passages(answer: Answer, limit: int = 3) -> str:
    """The closest passages of an answer that cites nothing, shown as plain cards ('' when none)."""
    cards = []
    for p in answer.passages[:limit]:
        meta = " · ".join(escape_html(x) for x in (p.source, published_day(p.published)) if x)
        cards.append(
            f'<article class="na-card na-uncited" dir="{text_direction(p.text)}">'
            f'<header><span class="na-title" dir="auto">{escape_html(p.title or p.article_id)}</span></header>'
            f'<div class="na-meta">{meta}</div>'
            f'<p class="na-passage" dir="auto">{escaped_lines_html(shorten_at_word(p.text, 420))}</p></article>'
        )
    if not cards:
        return ""
    return '<div class="na-subhead">Closest passages (they do not answer it)</div>' + "".join(cards)


def render_sources_html(turns: Sequence[Turn], active: int | None = None) -> str:
    """The sources panel: one group per answer; the ``active`` one (default: the last) is shown.

    Clicking a marker or an answer in the chat shows its group (a small script in the page head).
    """
    if not turns:
        return (
            '<div class="na-sources na-empty"><div class="na-empty-title">Sources</div>'
            "<p>Ask a question: every source the answer uses appears here with its outlet, date and "
            "link, and the quoted sentence highlighted. Click a number in the answer to jump to it.</p></div>"
        )
    active = len(turns) if active is None else active
    groups = []
    for i, t in enumerate(turns, start=1):
        cls = "na-src-group" + (" na-active" if i == active else "")
        head = (
            f'<div class="na-group-head"><span class="na-group-label">Sources of answer {i}</span>'
            f'<span class="na-group-q" dir="auto">{escape_html(t.question)}</span></div>'
        )
        if t.answer is None:
            body = '<p class="na-wait">Searching the articles…</p>'
        elif t.answer.citations:
            body = "".join(render_source_card(i, c) for c in t.answer.citations)
        else:
            body = (
                '<p class="na-wait">No article supports an answer to this question.</p>'
                + render_uncited_passages(t.answer)
            )
        groups.append(f'<section class="{cls}" id="na-group-{i}">{head}{body}</section>')
    return '<div class="na-sources">' + "".join(groups) + "</div>"


def render_status_html(message: str = "", kind: str = "info") -> str:
    """A status banner ('info' or 'error', the latter with role="alert"); '' for no message."""
    if not message:
        return ""
    role = ' role="alert"' if kind == "error" else ""
    return f'<div class="na-status na-{kind}"{role} dir="auto">{escaped_lines_html(message)}</div>'
