"""The web UI: a Gradio chat over the news index, with the sources of every answer beside it.

Run ``python app.py --index-dir DIR [--host 127.0.0.1] [--port 7860] [--llm SPEC]``. One
``Assistant`` is opened at start and shared by every session; this module only calls its public
API. Everything the page shows from articles (titles, passages, answers that quote them) is
escaped here: article text is untrusted input.

Layout: the chat on the left, the sources of the selected answer on the right (clicking ``[2]`` in
an answer scrolls to and highlights source 2), then tabs to add articles and to look after the
index. Files the app writes (uploads, Markdown exports, gradio's own cache) stay under one work
folder, and gradio serves nothing outside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import ipaddress
import logging
import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported: no telemetry calls

import gradio as gr
from starlette.middleware import Middleware

from assistant import ARTICLE_FILE_SUFFIXES, Answer, AssistantError, Citation, IndexingError, SearchFilters

__all__ = [
    "EXAMPLE_QUESTIONS",
    "UPLOAD_SUFFIXES",
    "AuthError",
    "ChatView",
    "NewsUI",
    "UploadError",
    "WorkDirs",
    "build_ui",
    "is_loopback",
    "main",
    "make_filters",
    "parse_urls",
    "prepare_work_dir",
    "render_answer_html",
    "render_sources_html",
    "render_user_html",
    "resolve_auth",
    "safe_upload_name",
    "serve",
    "store_upload",
]

logger = logging.getLogger(__name__)

EXAMPLE_QUESTIONS = (
    "When did Yevkurov meet Haftar?",
    "متى التقى يفكوروف بحفتر؟",
    "Who received Haftar when he arrived in Russia?",
)
# The formats the index reads, longest suffix first.
UPLOAD_SUFFIXES = ARTICLE_FILE_SUFFIXES
AUTH_ENV = "NEWS_ASSISTANT_AUTH"
BUILTIN = "Built-in (extractive, offline)"
LLM_ENDPOINT = "LLM endpoint"
LANG_NAMES = {"ar": "Arabic", "en": "English", "fr": "French", "und": "Unknown"}
_MARKER = re.compile(r"\[(\d{1,3}(?:\s*[,،]\s*\d{1,3})*)\]")
_MAX_NAME = 120

# --------------------------------------------------------------------------------------------------
# Rendering: every string that comes from an article or a user goes through html.escape.


_TEMPLATE_CHARS = str.maketrans({"$": "&#36;", "{": "&#123;", "}": "&#125;", "`": "&#96;"})


def _esc(text: str | None) -> str:
    """HTML-escape, and also ``$ { } `` so no template syntax reaches gradio's HTML component."""
    return html.escape(text or "", quote=True).translate(_TEMPLATE_CHARS)


def _lines_html(text: str) -> str:
    """Escaped text with line breaks as <br>, on one line (so the chat's Markdown leaves it alone)."""
    return _esc(text).replace("\r\n", "\n").replace("\n", "<br>")


def _safe_url(url: str | None) -> str | None:
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


def _direction(text: str | None) -> str:
    """'rtl' or 'ltr' from the first strong letter of ``text`` (as dir="auto" decides), else 'auto'."""
    for ch in text or "":
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "auto"


def _day(published: str | None) -> str:
    return (published or "")[:10]


def _link_markers(escaped: str, turn: int, markers: set[int] | None) -> str:
    """Turn ``[1]`` / ``[1, 2]`` in already escaped text into links to the sources panel."""

    def repl(m: re.Match[str]) -> str:
        numbers = [int(x) for x in re.split(r"\s*[,،]\s*", m.group(1))]
        if markers is not None and not all(n in markers for n in numbers):
            return m.group(0)
        return "".join(
            f'<a class="na-cite" href="#na-src-{turn}-{n}" title="Show source {n}">{n}</a>' for n in numbers
        )

    return _MARKER.sub(repl, escaped)


def render_user_html(question: str) -> str:
    """A user message: escaped, with its own direction (Arabic right-to-left, English left-to-right)."""
    return f'<div dir="auto" class="na-msg na-user-msg">{_lines_html(question)}</div>'


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
    body = "".join(f"<p>{_link_markers(_lines_html(p.strip()), turn, markers)}</p>" for p in paragraphs)
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
        foot = f'<div class="na-foot" dir="ltr">{_esc(" · ".join(bits))}</div>'
        for note in answer.notes:
            foot += f'<div class="na-note" dir="auto">{_esc(note)}</div>'
    return f'<div dir="auto" class="{classes}">{body}{foot}</div>'


def _quote_in_passage(c: Citation) -> tuple[str, str, str]:
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


def _source_card(turn: int, c: Citation) -> str:
    title = _esc(c.title or c.article_id)
    url = _safe_url(c.url)
    title_html = (
        f'<a class="na-title" dir="auto" href="{_esc(url)}" target="_blank" rel="noopener noreferrer nofollow">{title}</a>'
        if url
        else f'<span class="na-title" dir="auto">{title}</span>'
    )
    meta = [x for x in (c.source, _day(c.published)) if x]
    meta_html = " · ".join(f'<span dir="auto">{_esc(x)}</span>' for x in meta)
    if url:
        host = urlsplit(url).netloc
        meta_html += (" · " if meta_html else "") + f'<span dir="ltr">{_esc(host)}</span>'
    before, quote, after = _quote_in_passage(c)
    lead = "… " if (c.passage_start or 0) > 0 else ""
    passage = f"{_lines_html(lead + before)}<mark>{_lines_html(quote)}</mark>{_lines_html(after)}"
    direction = _direction(c.passage or c.quote or c.title)
    return (
        f'<article class="na-card" id="na-src-{turn}-{c.marker}" dir="{direction}">'
        f'<header><span class="na-num">{c.marker}</span>{title_html}</header>'
        f'<div class="na-meta">{meta_html or "<span>outlet and date unknown</span>"}</div>'
        f'<p class="na-passage" dir="auto">{passage}</p>'
        "</article>"
    )


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip() + " …"


def _uncited_passages(answer: Answer, limit: int = 3) -> str:
    cards = []
    for p in answer.passages[:limit]:
        meta = " · ".join(_esc(x) for x in (p.source, _day(p.published)) if x)
        cards.append(
            f'<article class="na-card na-uncited" dir="{_direction(p.text)}">'
            f'<header><span class="na-title" dir="auto">{_esc(p.title or p.article_id)}</span></header>'
            f'<div class="na-meta">{meta}</div>'
            f'<p class="na-passage" dir="auto">{_lines_html(_shorten(p.text, 420))}</p></article>'
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
            f'<span class="na-group-q" dir="auto">{_esc(t.question)}</span></div>'
        )
        if t.answer is None:
            body = '<p class="na-wait">Searching the articles…</p>'
        elif t.answer.citations:
            body = "".join(_source_card(i, c) for c in t.answer.citations)
        else:
            body = (
                '<p class="na-wait">No article supports an answer to this question.</p>'
                + _uncited_passages(t.answer)
            )
        groups.append(f'<section class="{cls}" id="na-group-{i}">{head}{body}</section>')
    return '<div class="na-sources">' + "".join(groups) + "</div>"


def _status_html(message: str = "", kind: str = "info") -> str:
    if not message:
        return ""
    role = ' role="alert"' if kind == "error" else ""
    return f'<div class="na-status na-{kind}"{role} dir="auto">{_lines_html(message)}</div>'


# --------------------------------------------------------------------------------------------------
# Inputs: filters, URLs, uploads, logins.


class UploadError(ValueError):
    """An uploaded file was refused (type, size or name); ``str()`` says why."""


class AuthError(ValueError):
    """The login configuration is missing or malformed; ``str()`` says what was expected."""


def _parse_day(value: Any, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, tz=dt.UTC).date()
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"{what}: expected a date like 2023-09-26, got {text!r}") from None


def make_filters(
    date_from: Any = None,
    date_to: Any = None,
    outlets: Sequence[str] | None = None,
    langs: Sequence[str] | None = None,
) -> SearchFilters | None:
    """The filters for the next question, or None when none is set. Raises ValueError on bad dates."""
    start = _parse_day(date_from, "From date")
    end = _parse_day(date_to, "To date")
    if start and end and start > end:
        raise ValueError(f"The date range is empty: 'from' {start} is after 'to' {end}.")
    sources = tuple(s for s in (outlets or ()) if s)
    languages = tuple(s for s in (langs or ()) if s)
    if not (start or end or sources or languages):
        return None
    return SearchFilters(date_from=start, date_to=end, sources=sources, langs=languages)


def parse_urls(text: str | None) -> tuple[list[str], list[str]]:
    """Split pasted text into http(s) URLs (one per line or separated by spaces) and problems.

    Anything that is not an absolute http(s) URL is refused, so nobody can make the server read
    its own files through this box.
    """
    urls: list[str] = []
    problems: list[str] = []
    for token in (text or "").split():
        token = token.strip().strip("<>\"'")
        if not token:
            continue
        if _safe_url(token) is None:
            problems.append(f"{token}: not an http(s) URL (expected e.g. https://example.com/article)")
        elif token not in urls:
            urls.append(token)
    return urls, problems


def safe_upload_name(name: str) -> str:
    """A file name safe to write under the upload folder: no folders, no ``..``, no hidden files.

    Letters of any script (Arabic included), digits, ``.``, ``-`` and ``_`` are kept; anything else
    becomes ``_``. The known article suffix (``.jsonl.gz`` ...) survives shortening.
    """
    name = unicodedata.normalize("NFC", str(name))
    name = re.split(r"[\\/]", name)[-1]  # the last part of a Windows or POSIX path
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # controls, NUL, bidi marks
    name = re.sub(r"[^\w.\-]+", "_", name, flags=re.UNICODE)
    name = re.sub(r"\.{2,}", ".", name).strip("._- ")
    lowered = name.lower()
    suffix = next((s for s in UPLOAD_SUFFIXES if lowered.endswith(s)), "")
    stem = name[: len(name) - len(suffix)] if suffix else name
    stem = stem.strip("._- ")[: _MAX_NAME - len(suffix)] or "upload"
    return stem + suffix.lower()


def store_upload(
    src: str | Path, upload_dir: Path, *, max_bytes: int, original_name: str | None = None
) -> Path:
    """Copy an uploaded file into ``upload_dir`` under a safe name and return the new path.

    Raises UploadError for a type the index cannot read or a file over ``max_bytes``. A file with the
    same name and content is reused; the same name with other content gets ``-2``, ``-3`` ...
    """
    src = Path(src)
    name = safe_upload_name(original_name or src.name)
    shown = original_name or src.name
    if not any(name.lower().endswith(s) for s in UPLOAD_SUFFIXES):
        raise UploadError(f"{shown}: unsupported file type; expected one of {', '.join(UPLOAD_SUFFIXES)}")
    size = src.stat().st_size
    if size > max_bytes:
        raise UploadError(
            f"{shown}: {size / 1e6:.1f} MB is over the upload limit of {max_bytes / 1e6:.0f} MB"
        )
    upload_dir = upload_dir.resolve()
    upload_dir.mkdir(parents=True, exist_ok=True)
    digest = _file_digest(src)
    suffix = next(s for s in UPLOAD_SUFFIXES if name.lower().endswith(s))
    stem = name[: -len(suffix)]
    for n in range(1, 1000):
        candidate = upload_dir / (name if n == 1 else f"{stem}-{n}{suffix}")
        resolved = candidate.resolve()
        if resolved.parent != upload_dir:  # cannot happen after safe_upload_name; checked anyway
            raise UploadError(f"{shown}: refused file name")
        if resolved.exists():
            if _file_digest(resolved) == digest:
                return resolved
            continue
        shutil.copyfile(src, resolved)
        return resolved
    raise UploadError(f"{shown}: too many uploads with this name")


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _parse_login(line: str, where: str) -> tuple[str, str]:
    user, sep, password = line.partition(":")
    if not sep or not user.strip() or not password:
        raise AuthError(f"{where}: expected 'user:password', got {line[:40]!r}")
    return user.strip(), password


def resolve_auth(
    host: str, auth_file: str | Path | None = None, env: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """The logins for the app: from ``auth_file`` (``user:password`` lines) or ``$NEWS_ASSISTANT_AUTH``.

    Returns [] on a loopback address without logins; raises AuthError when the app would listen on
    another address without one, or when a login is malformed.
    """
    env = os.environ if env is None else env
    logins: list[tuple[str, str]] = []
    if auth_file:
        path = Path(auth_file)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise AuthError(f"cannot read the auth file {path}: {exc.strerror or exc}") from None
        for number, raw in enumerate(lines, start=1):
            line = raw.strip()
            if line and not line.startswith("#"):
                logins.append(_parse_login(line, f"{path}:{number}"))
        if not logins:
            raise AuthError(f"{path}: no 'user:password' line found")
    elif env.get(AUTH_ENV):
        logins.append(_parse_login(env[AUTH_ENV].strip(), f"${AUTH_ENV}"))
    if not logins and not is_loopback(host):
        raise AuthError(
            f"refusing to listen on {host} without a login: anyone on the network could read and change "
            f"the index. Pass --auth-file FILE (lines of 'user:password') or set {AUTH_ENV}=user:password, "
            "or listen on 127.0.0.1."
        )
    return logins


# --------------------------------------------------------------------------------------------------
# The controller: plain methods (no gradio objects) that build_ui wires to the page.


@dataclass
class Turn:
    """One question of the conversation and its final answer (None while it streams)."""

    question: str
    answer: Answer | None = None


class ChatView(NamedTuple):
    """What one step of the chat shows; ``error`` is a message for the user, or ''."""

    textbox: str
    messages: list[dict[str, str]]
    sources: str
    turns: list[Turn]
    status: str
    markdown: str
    download: str | None
    error: str = ""


@dataclass
class WorkDirs:
    """The app's own folder: uploads, gradio's cache and (inside the cache) Markdown exports.

    Gradio serves files from its cache only; the uploads folder is never served.
    """

    root: Path
    uploads: Path = field(init=False)
    exports: Path = field(init=False)
    cache: Path = field(init=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.uploads = self.root / "uploads"
        self.cache = self.root / "gradio"
        self.exports = self.cache / "exports"


def prepare_work_dir(root: str | Path) -> WorkDirs:
    """Create the work folders and point gradio's cache (uploads land there first) inside them.

    Call it before ``build_ui``: gradio reads ``GRADIO_TEMP_DIR`` when components are created.
    """
    dirs = WorkDirs(Path(root))
    for d in (dirs.uploads, dirs.cache, dirs.exports):
        d.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(dirs.cache)
    return dirs


def _messages(turns: Sequence[Turn], partial: str | None = None) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for i, t in enumerate(turns, start=1):
        out.append({"role": "user", "content": render_user_html(t.question)})
        if t.answer is not None:
            out.append({"role": "assistant", "content": render_answer_html(t.answer.text, i, t.answer)})
        elif i == len(turns):
            out.append({"role": "assistant", "content": render_answer_html(partial or "", i, pending=True)})
    return out


def _history(turns: Sequence[Turn]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for t in turns:
        if t.answer is not None:
            out.append({"role": "user", "content": t.question})
            out.append({"role": "assistant", "content": t.answer.text})
    return out


def _user_message(exc: BaseException) -> str:
    if isinstance(exc, AssistantError | IndexingError | ValueError | UploadError):
        return str(exc) or type(exc).__name__
    return f"Something went wrong ({type(exc).__name__}): {exc}. The app is still running; try again."


class NewsUI:
    """The page's behaviour over one Assistant; each method is one callback of the page."""

    def __init__(
        self,
        bot: Any,
        *,
        upload_dir: Path,
        export_dir: Path | None = None,
        max_upload_mb: int = 50,
        default_llm: str | None = None,
        default_k: int = 6,
        allow_private_urls: bool = False,
    ) -> None:
        self.bot = bot
        # URLs typed in the page are fetched by the server: by default only public addresses
        self.allow_private_urls = allow_private_urls
        self.upload_dir = Path(upload_dir).resolve()
        self.export_dir = Path(export_dir or self.upload_dir.parent / "exports").resolve()
        self.max_upload_mb = max_upload_mb
        self.default_llm = default_llm
        self.default_k = default_k
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        self.export_dir.mkdir(parents=True, exist_ok=True)

    # -- chat -------------------------------------------------------------------------------------

    def ask(
        self,
        message: str | None,
        turns: list[Turn] | None,
        date_from: Any = None,
        date_to: Any = None,
        outlets: Sequence[str] | None = None,
        langs: Sequence[str] | None = None,
        answerer: str = BUILTIN,
        endpoint: str | None = None,
        k: int | float | None = None,
    ) -> Iterator[ChatView]:
        """Answer ``message`` with streaming: yields the growing answer, then the final view."""
        turns = list(turns or [])
        question = (message or "").strip()

        def fail(msg: str) -> ChatView:
            return ChatView(
                message or "",
                _messages(turns),
                render_sources_html(turns),
                turns,
                _status_html(msg, "error"),
                self._last_markdown(turns),
                self._last_export(turns),
                msg,
            )

        if not question:
            yield fail("Type a question first, in Arabic or English.")
            return
        try:
            filters = make_filters(date_from, date_to, outlets, langs)
            llm = self._llm_choice(answerer, endpoint)
        except ValueError as exc:
            yield fail(str(exc))
            return
        n_sources = int(k) if k else None
        history = _history(turns)
        pending = [*turns, Turn(question)]
        yield ChatView("", _messages(pending), render_sources_html(pending), turns, "", "", None)
        final: Answer | None = None
        try:
            for item in self.bot.stream(question, history, filters=filters, k=n_sources, llm=llm):
                if isinstance(item, str):
                    yield ChatView(
                        "", _messages(pending, item), render_sources_html(pending), turns, "", "", None
                    )
                else:
                    final = item
        except Exception as exc:  # shown in the page, logged with its traceback
            logger.warning("question failed: %r", question, exc_info=not isinstance(exc, AssistantError))
            yield fail(_user_message(exc))
            return
        if final is None:
            yield fail("The assistant returned no answer; try again.")
            return
        done = [*turns, Turn(question, final)]
        status = ""
        if filters is not None:
            status = _status_html("Filters applied: " + _describe_filters(filters), "info")
        yield ChatView(
            "",
            _messages(done),
            render_sources_html(done),
            done,
            status,
            final.to_markdown(),
            self._export(final),
        )

    def new_chat(self) -> ChatView:
        """Forget the conversation: the next question starts without history."""
        return ChatView("", [], render_sources_html([]), [], "", "", None)

    def _llm_choice(self, answerer: str, endpoint: str | None) -> str:
        if answerer == LLM_ENDPOINT:
            spec = (endpoint or "").strip()
            if not spec:
                raise ValueError(
                    "Enter the LLM endpoint in Settings (e.g. openai:http://127.0.0.1:8080/v1#model), "
                    "or choose the built-in answerer."
                )
            return spec
        return "extractive"

    def _last_markdown(self, turns: Sequence[Turn]) -> str:
        last = next((t.answer for t in reversed(turns) if t.answer is not None), None)
        return last.to_markdown() if last is not None else ""

    def _last_export(self, turns: Sequence[Turn]) -> str | None:
        last = next((t.answer for t in reversed(turns) if t.answer is not None), None)
        return self._export(last) if last is not None else None

    def _export(self, answer: Answer) -> str:
        text = answer.to_markdown()
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
        path = self.export_dir / f"answer-{digest}.md"
        if not path.exists():
            path.write_text(text, encoding="utf-8")
        return str(path)

    # -- adding articles --------------------------------------------------------------------------

    def add(
        self,
        files: Sequence[Any] | None,
        urls_text: str | None,
        progress: Callable[..., Any] | None = None,
    ) -> tuple[str, str]:
        """Add uploaded files and pasted URLs to the index; returns (summary HTML, error message)."""
        problems: list[str] = []
        inputs: list[tuple[str, str]] = []  # (shown name, path or URL)
        for f in files or []:
            path = Path(f if isinstance(f, str | Path) else getattr(f, "name", str(f)))
            original = getattr(f, "orig_name", None) or path.name
            try:
                stored = store_upload(
                    path, self.upload_dir, max_bytes=self.max_upload_mb * 1_000_000, original_name=original
                )
                inputs.append((original, str(stored)))
            except (UploadError, OSError) as exc:
                problems.append(str(exc) if isinstance(exc, UploadError) else f"{original}: {exc}")
            finally:
                _discard_gradio_copy(path)
        urls, url_problems = parse_urls(urls_text)
        problems.extend(url_problems)
        inputs.extend((u, u) for u in urls)
        if not inputs and not problems:
            msg = "Choose files to upload or paste article or feed URLs first."
            return _status_html(msg, "error"), msg
        totals = {
            "added": 0,
            "updated": 0,
            "skipped": 0,
            "duplicates": 0,
            "failed": len(problems),
            "chunks": 0,
        }
        seconds = 0.0
        lines: list[str] = []
        for i, (shown, target) in enumerate(inputs):
            if progress is not None:
                progress(i / max(len(inputs), 1), desc=f"Reading {shown}")

            def step(seen: int, status: str, i: int = i, shown: str = shown) -> None:
                if progress is not None:
                    frac = (i + min(0.95, seen / (seen + 10))) / len(inputs)
                    progress(frac, desc=f"{shown}: {seen} article{'s' if seen != 1 else ''} read · {status}")

            try:
                report = self.bot.add([target], progress=step, allow_private_urls=self.allow_private_urls)
            except Exception as exc:
                logger.warning("adding %s failed", target, exc_info=not isinstance(exc, AssistantError))
                totals["failed"] += 1
                problems.append(f"{shown}: {_user_message(exc)}")
                lines.append(f'<li class="na-bad"><bdi>{_esc(shown)}</bdi>: failed</li>')
                continue
            for key in totals:
                totals[key] += int(getattr(report, key, 0) or 0)
            seconds += float(getattr(report, "seconds", 0.0) or 0.0)
            problems.extend(str(p) for p in getattr(report, "problems", []) or [])
            ok = (report.added + report.updated) > 0
            detail = f"{report.added} added, {report.updated} updated, {report.skipped} unchanged, {report.duplicates} duplicates"
            if report.failed:
                detail += f", {report.failed} failed"
            lines.append(
                f'<li class="{"na-good" if ok else "na-meh"}"><bdi>{_esc(shown)}</bdi>: {_esc(detail)}</li>'
            )
        if progress is not None:
            progress(1.0, desc="Done")
        head = (
            f"{totals['added']} added · {totals['updated']} updated · {totals['skipped']} unchanged · "
            f"{totals['duplicates']} duplicates · {totals['failed']} failed · {totals['chunks']} chunk{'s' if totals['chunks'] != 1 else ''} "
            f"in {seconds:.1f} s"
        )
        kind = "error" if totals["failed"] and not (totals["added"] or totals["updated"]) else "info"
        parts = [f'<div class="na-report na-{kind}"><div class="na-report-head">{_esc(head)}</div>']
        if lines:
            parts.append('<ul class="na-report-list">' + "".join(lines) + "</ul>")
        if problems:
            shown_problems = problems[:30]
            more = f"<li>… and {len(problems) - 30} more</li>" if len(problems) > 30 else ""
            parts.append(
                '<div class="na-subhead">Skipped or failed, and why</div><ul class="na-problems">'
                + "".join(f"<li>{_esc(p)}</li>" for p in shown_problems)
                + more
                + "</ul>"
            )
        if totals["added"] or totals["updated"]:
            parts.append(
                '<div class="na-hint">The new articles are searchable now: ask about them in the chat.</div>'
            )
        parts.append("</div>")
        error = (
            "" if kind == "info" else "Nothing was added: " + (problems[0] if problems else "see the report")
        )
        return "".join(parts), error

    # -- the index --------------------------------------------------------------------------------

    def overview(self) -> tuple[str, str, list[tuple[str, str]], list[tuple[str, str]]]:
        """(header line HTML, statistics HTML, outlet choices, language choices)."""
        try:
            s = self.bot.stats()
        except Exception as exc:
            logger.warning("stats failed", exc_info=True)
            msg = _user_message(exc)
            return _status_html(msg, "error"), _status_html(msg, "error"), [], []
        span = " → ".join(x for x in (_day(s.date_from), _day(s.date_to)) if x) or "no dates"
        header = (
            f'<div class="na-stats-line"><b>{s.articles:,}</b> articles · <b>{len(s.sources):,}</b> outlets · '
            f"{_esc(span)} · model <code>{_esc(s.model)}</code></div>"
        )
        cards = [
            ("Articles", f"{s.articles:,}"),
            ("Chunks", f"{s.chunks:,}"),
            ("Outlets", f"{len(s.sources):,}"),
            ("Dates", span),
            ("Model", s.model or "?"),
        ]
        grid = "".join(
            f'<div class="na-stat"><div class="na-stat-v" dir="auto">{_esc(v)}</div><div class="na-stat-k">{k}</div></div>'
            for k, v in cards
        )
        top = sorted(s.sources.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
        outlets = "".join(f'<li><span dir="auto">{_esc(k)}</span><b>{v:,}</b></li>' for k, v in top)
        langs = "".join(
            f"<li><span>{_esc(LANG_NAMES.get(k, k))}</span><b>{v:,}</b></li>"
            for k, v in sorted(s.languages.items(), key=lambda kv: -kv[1])
        )
        stats_html = (
            f'<div class="na-stat-grid">{grid}</div><div class="na-columns">'
            f'<div><div class="na-subhead">Outlets</div><ul class="na-kv">{outlets or "<li>none yet</li>"}</ul></div>'
            f'<div><div class="na-subhead">Languages</div><ul class="na-kv">{langs or "<li>none yet</li>"}</ul></div>'
            f'</div><div class="na-location">Stored in <code>{_esc(s.location)}</code></div>'
        )
        outlet_choices = [(k, k) for k in sorted(s.sources)]
        lang_choices = [(f"{LANG_NAMES.get(k, k)} ({k})", k) for k in sorted(s.languages)]
        return header, stats_html, outlet_choices, lang_choices

    def articles(
        self, query: str | None = "", limit: int = 200
    ) -> tuple[list[list[Any]], list[tuple[str, str]]]:
        """Rows for the article table (title, outlet, date, language, chunks, id) and remove choices."""
        try:
            infos = self.bot.list_articles((query or "").strip(), limit=limit)
        except Exception:
            logger.warning("listing articles failed", exc_info=True)
            return [], []
        rows = [
            [a.title or "(untitled)", a.source or "", _day(a.published), a.lang, a.n_chunks, a.id]
            for a in infos
        ]
        choices = [(f"{(a.title or '(untitled)')[:70]} · {a.id}", a.id) for a in infos]
        return rows, choices

    def remove(self, article_id: str | None) -> tuple[str, str]:
        """Remove one article; returns (status HTML, error message or '')."""
        if not article_id:
            msg = "Choose an article to remove first (search, then pick it in the list)."
            return _status_html(msg, "error"), msg
        try:
            article = self.bot.get_article(article_id)
            removed = self.bot.remove([article_id])
        except Exception as exc:
            logger.warning("remove failed", exc_info=not isinstance(exc, AssistantError))
            msg = _user_message(exc)
            return _status_html(msg, "error"), msg
        if not removed:
            msg = f"No article with id {article_id} in the index (already removed?)."
            return _status_html(msg, "error"), msg
        title = f"“{article.title}” ({article_id})" if article is not None and article.title else article_id
        return _status_html(f"Removed {title}. It no longer appears in answers.", "info"), ""


def _describe_filters(f: SearchFilters) -> str:
    bits = []
    if f.date_from or f.date_to:
        bits.append(f"{f.date_from or '…'} → {f.date_to or '…'}")
    if f.sources:
        bits.append("outlets: " + ", ".join(f.sources))
    if f.langs:
        bits.append("languages: " + ", ".join(f.langs))
    return "; ".join(bits)


def _discard_gradio_copy(path: Path) -> None:
    """Delete gradio's own temporary copy of an upload once it is stored (only inside its cache)."""
    try:
        cache = Path(os.environ.get("GRADIO_TEMP_DIR", "")).resolve()
        resolved = path.resolve()
        if os.environ.get("GRADIO_TEMP_DIR") and resolved.is_relative_to(cache) and resolved.is_file():
            resolved.unlink()
    except OSError:
        logger.debug("could not delete %s", path, exc_info=True)


# --------------------------------------------------------------------------------------------------
# The page.

THEME = gr.themes.Soft(
    primary_hue="teal",
    secondary_hue="slate",
    neutral_hue="slate",
    radius_size="md",
    font=["system-ui", "-apple-system", "'Segoe UI'", "'Noto Sans'", "'DejaVu Sans'", "sans-serif"],
    font_mono=["ui-monospace", "'DejaVu Sans Mono'", "monospace"],
)

CSS = """
.gradio-container { max-width: 1440px !important; }
#na-header { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; padding: .25rem .25rem .5rem; }
#na-header h1 { font-size: 1.45rem; margin: 0; font-weight: 700; letter-spacing: -.01em; }
#na-header .na-tag { color: var(--body-text-color-subdued); font-size: .95rem; }
.na-stats-line { color: var(--body-text-color-subdued); font-size: .9rem; }
.na-stats-line code { font-size: .85rem; }
#na-chat { border-radius: 12px; }
#na-chat .message-content, #na-chat .prose p, .na-msg p { unicode-bidi: plaintext; text-align: start; }
.na-msg p { margin: 0 0 .5em; line-height: 1.65; }
.na-msg p:last-of-type { margin-bottom: 0; }
.na-answer .na-thinking { color: var(--body-text-color-subdued); font-style: italic; }
a.na-cite { display: inline-block; min-width: 1.35em; padding: 0 .35em; margin: 0 .12em; border-radius: 999px;
  background: var(--color-accent-soft, #ccfbf1); color: var(--color-accent, #0f766e) !important; font-size: .78em;
  font-weight: 700; line-height: 1.5; text-align: center; text-decoration: none !important; vertical-align: .12em;
  cursor: pointer; border: 1px solid var(--primary-300, #5eead4); }
a.na-cite:hover { background: var(--primary-500, #14b8a6); color: white !important; }
.na-foot { margin-top: .5rem; font-size: .78rem; color: var(--body-text-color-subdued); }
.na-note { margin-top: .25rem; font-size: .8rem; color: #b45309; }
#na-input textarea { unicode-bidi: plaintext; text-align: start; font-size: 1rem; }
#na-send { min-width: 96px; }
#na-examples { gap: .4rem; flex-wrap: wrap; align-items: center; }
#na-examples button { flex: 0 0 auto !important; font-weight: 500; }
#na-examples::before { content: "Try:"; color: var(--body-text-color-subdued); font-size: .85rem; padding: 0 .2rem; }
.na-bottom-row { align-items: flex-end !important; }
.na-bottom-row > button { flex-grow: 0 !important; min-width: 170px; height: 42px; margin-bottom: 8px;
  white-space: nowrap; }
#na-sources-box { max-height: 640px; overflow-y: auto !important; padding-right: 4px; scroll-behavior: smooth; }
.na-sources { display: flex; flex-direction: column; gap: .6rem; }
.na-src-group { display: none; flex-direction: column; gap: .6rem; }
.na-src-group.na-active { display: flex; }
.na-group-head { display: flex; flex-direction: column; gap: .1rem; padding: .1rem .1rem .2rem; }
.na-group-label { font-size: .72rem; text-transform: uppercase; letter-spacing: .06em; font-weight: 700;
  color: var(--body-text-color-subdued); }
.na-group-q { font-weight: 600; unicode-bidi: plaintext; text-align: start; }
.na-card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: .7rem .8rem;
  background: var(--background-fill-primary); transition: box-shadow .25s, border-color .25s, background .25s; }
.na-card header { display: flex; gap: .55rem; align-items: flex-start; font-weight: 600; line-height: 1.4; }
.na-card .na-title { unicode-bidi: plaintext; text-align: start; flex: 1; }
.na-card a.na-title { color: var(--link-text-color, #0f766e); text-decoration: none; }
.na-card a.na-title:hover { text-decoration: underline; }
.na-num { flex: 0 0 auto; display: inline-flex; align-items: center; justify-content: center; width: 1.6em;
  height: 1.6em; border-radius: 999px; background: var(--primary-600, #0d9488); color: white; font-size: .8rem; }
.na-meta { font-size: .8rem; color: var(--body-text-color-subdued); margin: .3rem 0 .45rem; }
.na-passage { font-size: .92rem; line-height: 1.75; margin: 0; unicode-bidi: plaintext; text-align: start;
  color: var(--body-text-color); }
.na-passage mark { background: #fef08a; color: inherit; padding: .05em .15em; border-radius: 3px; }
.na-card.na-hl { border-color: var(--primary-500, #14b8a6); box-shadow: 0 0 0 3px var(--primary-200, #99f6e4);
  background: var(--primary-50, #f0fdfa); }
.na-card.na-hl mark { background: #fde047; box-shadow: 0 0 0 2px #facc15; }
.na-uncited { opacity: .85; }
.na-empty { border: 1px dashed var(--border-color-primary); border-radius: 10px; padding: 1rem;
  color: var(--body-text-color-subdued); }
.na-empty-title { font-weight: 700; margin-bottom: .3rem; color: var(--body-text-color); }
.na-wait { color: var(--body-text-color-subdued); font-style: italic; margin: .2rem; }
.na-subhead { font-size: .75rem; text-transform: uppercase; letter-spacing: .06em; font-weight: 700;
  color: var(--body-text-color-subdued); margin: .6rem 0 .3rem; }
#na-status:not(:has(.na-status)) { display: none !important; }
.na-status { border-radius: 8px; padding: .55rem .8rem; font-size: .92rem; }
.na-status.na-error { background: #fef2f2; border: 1px solid #fecaca; color: #991b1b; }
.na-status.na-info { background: var(--background-fill-secondary); border: 1px solid var(--border-color-primary); }
.na-report { border-radius: 10px; padding: .8rem 1rem; border: 1px solid var(--border-color-primary); }
.na-report.na-error { background: #fef2f2; border-color: #fecaca; }
.na-report-head { font-weight: 700; }
.na-report ul { margin: .4rem 0 0 1.1rem; padding: 0; }
.na-report li { margin: .15rem 0; }
.na-good { color: #047857; } .na-bad { color: #b91c1c; } .na-meh { color: var(--body-text-color-subdued); }
.na-hint { margin-top: .5rem; font-size: .9rem; }
.na-stat-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .6rem; }
.na-stat { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: .7rem .9rem;
  background: var(--background-fill-primary); }
.na-stat-v { font-size: 1.15rem; font-weight: 700; word-break: break-word; }
.na-stat-k { font-size: .75rem; color: var(--body-text-color-subdued); text-transform: uppercase; letter-spacing: .05em; }
.na-columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin-top: .4rem; }
.na-kv { list-style: none; margin: 0; padding: 0; }
.na-kv li { display: flex; justify-content: space-between; gap: 1rem; padding: .2rem 0;
  border-bottom: 1px solid var(--border-color-primary); font-size: .9rem; }
.na-location { margin-top: .6rem; font-size: .8rem; color: var(--body-text-color-subdued); }
footer { display: none !important; }
"""

# Clicking a marker shows the sources of that answer, scrolls to the source and highlights it;
# clicking elsewhere in an answer shows that answer's sources. Event delegation on the document, so
# it keeps working when gradio re-renders the chat or the panel.
HEAD = """
<script>
(function () {
  function naShow(turn, n) {
    var groups = document.querySelectorAll('.na-src-group');
    groups.forEach(function (g) { g.classList.toggle('na-active', g.id === 'na-group-' + turn); });
    document.querySelectorAll('.na-card.na-hl').forEach(function (c) { c.classList.remove('na-hl'); });
    if (n === null) return;
    var card = document.getElementById('na-src-' + turn + '-' + n);
    if (!card) return;
    card.classList.add('na-hl');
    card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
  }
  window.naShowSource = naShow;
  document.addEventListener('click', function (e) {
    var t = e.target;
    if (!t || !t.closest) return;
    var a = t.closest('a.na-cite');
    if (a) {
      var m = (a.getAttribute('href') || '').match(/^#na-src-(\\d+)-(\\d+)$/);
      if (!m) return;
      e.preventDefault();
      e.stopPropagation();
      naShow(m[1], m[2]);
      return;
    }
    var ans = t.closest('.na-answer');
    if (ans) {
      var cls = Array.prototype.find.call(ans.classList, function (c) { return c.indexOf('na-turn-') === 0; });
      if (cls) naShow(cls.slice(8), null);
    }
  }, true);
})();
</script>
"""


def build_ui(
    bot: Any,
    *,
    upload_dir: Path,
    max_upload_mb: int = 50,
    export_dir: Path | None = None,
    default_llm: str | None = None,
    default_k: int = 6,
    allow_private_urls: bool = False,
) -> gr.Blocks:
    """Build the page over ``bot`` (an Assistant, or anything with its public API).

    ``allow_private_urls``: whether URLs added in the page may point at loopback, private or
    other non-public addresses (off: the server would fetch them for anyone who can log in).

    Pass the result to :func:`serve` (it adds the theme, the CSS and the script to the page).
    """
    ui = NewsUI(
        bot,
        upload_dir=upload_dir,
        export_dir=export_dir,
        max_upload_mb=max_upload_mb,
        default_llm=default_llm,
        default_k=default_k,
        allow_private_urls=allow_private_urls,
    )

    def show(view: ChatView) -> tuple[Any, ...]:
        if view.error:
            gr.Warning(html.escape(view.error), title="Could not answer")
        return (
            view.textbox,
            view.messages,
            view.sources,
            view.turns,
            view.status,
            view.markdown,
            gr.DownloadButton(value=view.download, interactive=bool(view.download)),
        )

    def on_ask(message, turns, date_from, date_to, outlets, langs, answerer, endpoint, k):
        for view in ui.ask(message, turns, date_from, date_to, outlets, langs, answerer, endpoint, k):
            yield show(view)

    def on_new_chat():
        return show(ui.new_chat())

    def on_add(files, urls_text, progress=gr.Progress()):  # noqa: B008 (how gradio injects a progress bar)
        report, error = ui.add(files, urls_text, progress=progress)
        if error:
            gr.Warning(html.escape(error), title="Nothing added")
        return report, None, "" if not error else urls_text

    def on_overview():
        header, stats_html, outlets, langs = ui.overview()
        return header, stats_html, gr.Dropdown(choices=outlets), gr.Dropdown(choices=langs)

    def on_list(query):
        rows, choices = ui.articles(query)
        return rows, gr.Dropdown(choices=choices, value=None)

    def on_pick(evt: gr.SelectData):
        row = evt.row_value or []
        return row[-1] if row else None

    def on_remove(article_id, query):
        status, error = ui.remove(article_id)
        if error:
            gr.Warning(html.escape(error), title="Not removed")
        rows, choices = ui.articles(query)
        return status, rows, gr.Dropdown(choices=choices, value=None)

    llm_default = default_llm if default_llm and default_llm != "extractive" else None
    with gr.Blocks(title="News assistant", analytics_enabled=False) as demo:
        turns = gr.State([])
        with gr.Row(elem_id="na-header"):
            gr.HTML(
                '<h1>News assistant</h1><span class="na-tag">Ask the articles in Arabic or English; '
                "every answer shows its sources.</span>",
                padding=False,
            )
            header_stats = gr.HTML("", padding=False)
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=7, min_width=420):
                        chatbot = gr.Chatbot(
                            elem_id="na-chat",
                            height=560,
                            show_label=False,
                            buttons=[],
                            feedback_options=None,
                            sanitize_html=True,
                            render_markdown=True,
                            line_breaks=True,
                            latex_delimiters=[],
                            placeholder=(
                                "<div style='text-align:center;opacity:.8'><b>Ask about the news</b><br>"
                                "Answers quote the articles; click a number to see the source.</div>"
                            ),
                        )
                        with gr.Row(equal_height=True):
                            question = gr.Textbox(
                                elem_id="na-input",
                                show_label=False,
                                placeholder="Ask a question… / اطرح سؤالاً…",
                                lines=1,
                                max_lines=6,
                                scale=8,
                                autofocus=True,
                            )
                            send = gr.Button("Ask", variant="primary", elem_id="na-send", scale=1)
                        status = gr.HTML("", elem_id="na-status", padding=False)
                        with gr.Row(elem_id="na-examples"):
                            example_buttons = [
                                gr.Button(q, size="sm", variant="secondary", min_width=10)
                                for q in EXAMPLE_QUESTIONS
                            ]
                        with gr.Row():
                            new_chat = gr.Button("New chat", size="sm", variant="secondary", elem_id="na-new")
                            download = gr.DownloadButton(
                                "Download answer (.md)", size="sm", interactive=False, elem_id="na-download"
                            )
                        with gr.Accordion("Answer as Markdown (copy)", open=False):
                            markdown = gr.Code(
                                "", language="markdown", buttons=["copy"], interactive=False, show_label=False
                            )
                    with gr.Column(scale=5, min_width=340):
                        sources = gr.HTML(render_sources_html([]), elem_id="na-sources-box", padding=False)
                        with gr.Accordion("Filters for the next question", open=False, elem_id="na-filters"):
                            date_from = gr.DateTime(label="From", include_time=False, type="string")
                            date_to = gr.DateTime(label="To", include_time=False, type="string")
                            outlets = gr.Dropdown(label="Outlets", choices=[], multiselect=True, value=[])
                            langs = gr.Dropdown(label="Languages", choices=[], multiselect=True, value=[])
                        with gr.Accordion("Settings", open=False, elem_id="na-settings"):
                            answerer = gr.Radio(
                                [BUILTIN, LLM_ENDPOINT],
                                value=LLM_ENDPOINT if llm_default else BUILTIN,
                                label="Answerer",
                            )
                            endpoint = gr.Textbox(
                                value=llm_default or "",
                                label="LLM endpoint",
                                placeholder="openai:http://127.0.0.1:8080/v1#model",
                                info="An OpenAI-compatible server; used when 'LLM endpoint' is chosen.",
                            )
                            k = gr.Slider(1, 12, value=default_k, step=1, label="Number of sources")
            with gr.Tab("Add articles", id="add"):
                gr.Markdown(
                    "Upload article files or paste article / feed URLs. Formats: "
                    + ", ".join(f"`{s}`" for s in UPLOAD_SUFFIXES)
                    + f" (up to {max_upload_mb} MB each). JSONL records carry `text`, `title`, `published`, "
                    "`source`, `url`, `lang`."
                )
                with gr.Row(equal_height=False):
                    files = gr.File(
                        label="Article files",
                        file_count="multiple",
                        file_types=list(UPLOAD_SUFFIXES),
                        type="filepath",
                        elem_id="na-files",
                        height=180,
                    )
                    urls = gr.Textbox(
                        label="Article or feed URLs (one per line)",
                        lines=7,
                        placeholder="https://example.com/news/article.html\nhttps://example.com/feed.xml",
                        elem_id="na-urls",
                    )
                add_btn = gr.Button("Add to the index", variant="primary", elem_id="na-add")
                add_report = gr.HTML("", elem_id="na-add-report", padding=False)
            with gr.Tab("Index", id="index"):
                stats_box = gr.HTML("", elem_id="na-stats", padding=False)
                with gr.Row(equal_height=False, elem_classes="na-bottom-row"):
                    search = gr.Textbox(
                        label="Search titles", placeholder="e.g. حفتر or Haftar", scale=4, elem_id="na-search"
                    )
                    search_btn = gr.Button("Search", scale=0)
                table = gr.Dataframe(
                    headers=["Title", "Outlet", "Published", "Lang", "Chunks", "ID"],
                    datatype=["str", "str", "str", "str", "number", "str"],
                    type="array",
                    interactive=False,
                    wrap=True,
                    max_height=420,
                    elem_id="na-table",
                )
                with gr.Row(equal_height=False, elem_classes="na-bottom-row"):
                    pick = gr.Dropdown(
                        label="Article to remove (or click a row)", choices=[], scale=4, elem_id="na-pick"
                    )
                    remove_btn = gr.Button("Remove article", variant="stop", scale=0, elem_id="na-remove")
                remove_status = gr.HTML("", padding=False)

        chat_inputs = [question, turns, date_from, date_to, outlets, langs, answerer, endpoint, k]
        chat_outputs = [question, chatbot, sources, turns, status, markdown, download]
        # The Assistant answers concurrent questions; writes (add, remove) take one at a time.
        # 4 at a time: with 20 users on 2 cores, 3.52 answers/s and p95 13.6 s against 3.05 and
        # 18.5 s for 2, 3.31 and 16.9 s for 8 (benchmarks/RESULTS.md, "load").
        ask_opts = {"concurrency_id": "ask", "concurrency_limit": 4, "show_progress": "hidden"}
        send.click(on_ask, chat_inputs, chat_outputs, **ask_opts)
        question.submit(on_ask, chat_inputs, chat_outputs, **ask_opts)
        for button, q in zip(example_buttons, EXAMPLE_QUESTIONS, strict=True):
            button.click(lambda q=q: q, None, question, queue=False).then(
                on_ask, chat_inputs, chat_outputs, **ask_opts
            )
        new_chat.click(on_new_chat, None, chat_outputs, queue=False)
        chatbot.clear(on_new_chat, None, chat_outputs, queue=False)  # the chat's own trash button

        overview_outputs = [header_stats, stats_box, outlets, langs]
        list_outputs = [table, pick]
        add_btn.click(
            on_add, [files, urls], [add_report, files, urls], concurrency_id="write", concurrency_limit=1
        ).then(on_overview, None, overview_outputs).then(on_list, search, list_outputs)
        search.submit(on_list, search, list_outputs)
        search_btn.click(on_list, search, list_outputs)
        table.select(on_pick, None, pick)
        remove_btn.click(
            on_remove,
            [pick, search],
            [remove_status, *list_outputs],
            concurrency_id="write",
            concurrency_limit=1,
        ).then(on_overview, None, overview_outputs)
        demo.load(on_overview, None, overview_outputs).then(on_list, search, list_outputs)
    demo.news_ui = ui  # type: ignore[attr-defined]  # for tests and embedding
    return demo


# --------------------------------------------------------------------------------------------------
# The login gate. Gradio checks the login on some routes only: its queue heartbeat, cancel, reset,
# media streams, OpenAPI schema and helpers answer anyone, and the login page itself embeds the
# description of every endpoint (names, labels, default values such as a private LLM endpoint).
# With logins, this middleware refuses every request without a valid login cookie except the few
# that draw the login page, and strips that description from the page.

# (method, path) a visitor who has not signed in may use, and why.
_OPEN_PATHS = {
    ("GET", "/"),  # the login page (gradio draws its login form there); its API description is removed
    ("HEAD", "/"),
    ("POST", "/login"),  # the login form posts here
    ("POST", "/login/"),
    ("GET", "/theme.css"),  # the login page's colours and fonts
    ("GET", "/favicon.ico"),  # asked for by the browser before anyone signs in
    ("GET", "/manifest.json"),  # browsers fetch it without cookies; app name and gradio's logo only
    ("GET", "/gradio_api/startup-events"),  # launch() calls it without a cookie; answers true/false
}
# gradio's own front-end bundle, scripts and images (no app data), GET or HEAD
_OPEN_PREFIXES = ("/assets/", "/static/")
_API_INFO = re.compile(rb"(<script>window\.gradio_api_info = )(.*?)(;</script>)", re.DOTALL)
_NO_API_INFO = b'{"named_endpoints": {}, "unnamed_endpoints": {}}'
_REFUSED = b'{"detail": {"error": "Not authenticated", "auth_message": "Sign in at /"}}'


def _is_open(method: str, path: str) -> bool:
    """True for the requests that draw the login page (see _OPEN_PATHS)."""
    if (method, path) in _OPEN_PATHS:
        return True
    return method in ("GET", "HEAD") and path.startswith(_OPEN_PREFIXES)


def _signed_in(scope: Mapping[str, Any]) -> bool:
    """True when the request carries a login cookie that gradio issued and still knows.

    Reads gradio's own record of the sessions (``App.tokens``, cookie ``access-token[-unsecure]-ID``);
    if a future gradio renames them, nobody counts as signed in (the gate fails closed).
    """
    server = scope.get("app")  # the gradio App (Starlette puts itself in the scope)
    tokens = getattr(server, "tokens", None)
    cookie_id = getattr(server, "cookie_id", None)
    if not isinstance(tokens, dict) or not cookie_id:
        return False
    cookies: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        if key.lower() == b"cookie":
            for part in value.decode("latin-1").split(";"):
                name, _, token = part.partition("=")
                cookies.setdefault(name.strip(), token.strip().strip('"'))
    for name in (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}"):
        token = cookies.get(name)
        if token and tokens.get(token) is not None:
            return True
    return False


class _LoginGate:
    """ASGI middleware installed by ``serve`` when the app has logins (see the comment above)."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] not in ("http", "websocket") or _signed_in(scope):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "/")
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :] or "/"
        method = scope.get("method", "")
        if scope["type"] == "http" and _is_open(method, path):
            if path == "/" and method == "GET":
                send = self._without_api_info(send)
            await self.app(scope, receive, send)
            return
        logger.info("refused %s %r: not signed in", method or scope["type"], path)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(_REFUSED)).encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": _REFUSED})

    @staticmethod
    def _without_api_info(send: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap ``send`` to replace the login page's endpoint description by an empty one.

        If the description cannot be removed (compressed, or gradio changed its page), the page
        is refused (503) rather than shown with it.
        """
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def wrapped(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            encoded = any(k.lower() == b"content-encoding" for k, _ in headers)
            body, n = _API_INFO.subn(lambda m: m.group(1) + _NO_API_INFO + m.group(3), body)
            status = start.get("status", 200)
            if encoded or (n == 0 and b"gradio_api_info" in body):
                logger.error("the login page still describes the API (gradio changed?); refused it")
                status, body = 503, b"The login page could not be shown safely."
                headers = [(b"content-type", b"text/plain; charset=utf-8")]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        return wrapped


def serve(
    demo: gr.Blocks,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: Sequence[tuple[str, str]] = (),
    work_dirs: WorkDirs,
    blocked: Sequence[str | Path] = (),
    max_upload_mb: int = 50,
    block: bool = True,
) -> str:
    """Start the server (no share link, no analytics); returns the local URL.

    Gradio serves only its own cache (under ``work_dirs``; the Markdown exports are written there);
    ``blocked`` folders (the index) and the stored uploads are never served. With ``auth``, every
    request but those drawing the login page needs the login cookie (``_LoginGate``).
    """
    if not is_loopback(host) and not auth:
        raise AuthError(f"refusing to listen on {host} without a login")
    # gradio also serves its examples cache, by default .gradio/cached_examples under the working
    # directory: keep it inside the work folder too.
    os.environ["GRADIO_EXAMPLES_CACHE"] = str(work_dirs.cache / "examples")
    demo.queue(default_concurrency_limit=2)
    demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        auth=list(auth) or None,
        auth_message="News assistant: sign in" if auth else None,
        inbrowser=False,
        prevent_thread_lock=True,
        quiet=True,
        show_error=False,
        max_file_size=f"{max_upload_mb}mb",
        allowed_paths=[],
        blocked_paths=[str(Path(p).resolve()) for p in blocked] + [str(work_dirs.uploads)],
        footer_links=[],
        run_history=False,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        enable_monitoring=False,
        theme=THEME,
        css=CSS,
        head=HEAD,
        app_kwargs={"middleware": [Middleware(_LoginGate)]} if auth else None,
    )
    url = demo.local_url or f"http://{host}:{port}/"
    print(f"News assistant running at {url}", flush=True)
    if block:
        demo.block_thread()
    return url


def _demo_inputs() -> list[str]:
    shared = Path(os.environ.get("NEWS_ASSISTANT_SHARED", Path(__file__).resolve().parent.parent / "shared"))
    return [
        str(p)
        for p in (shared / "data/seed/haftar_russia_visit.jsonl", shared / "data/news/jawharafm.jsonl.gz")
        if p.exists()
    ]


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="app.py", description="Web UI of the news assistant (Gradio).")
    p.add_argument("--index-dir", required=True, help="the index folder (created when missing)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument(
        "--llm", default=None, help="answerer: 'extractive' (default) or openai:http://HOST:PORT/v1#MODEL"
    )
    p.add_argument("--chroma-url", default=None, help="a Chroma server instead of the embedded store")
    p.add_argument("--top-k", type=int, default=6, help="number of sources per answer (default 6)")
    p.add_argument("--auth-file", default=None, help="file of 'user:password' lines (required off loopback)")
    p.add_argument(
        "--work-dir", default=".cache/app", help="folder for uploads and exports (default .cache/app)"
    )
    p.add_argument("--max-upload-mb", type=int, default=50, help="largest upload accepted (default 50 MB)")
    p.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="let URLs added in the page point at loopback, private or link-local addresses "
        "(off by default: the server fetches them)",
    )
    p.add_argument("--demo", action="store_true", help="fill an empty index with the demo corpus first")
    p.add_argument(
        "--demo-articles", type=int, default=300, help="news articles added by --demo (default 300)"
    )
    p.add_argument("--log-level", default="INFO")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``python app.py --index-dir DIR``; returns the exit status."""
    args = _parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    try:
        auth = resolve_auth(args.host, args.auth_file)
    except AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    work_dirs = prepare_work_dir(args.work_dir)
    from assistant import Assistant

    try:
        bot = Assistant.open(args.index_dir, llm=args.llm, chroma_url=args.chroma_url, top_k=args.top_k)
    except Exception as exc:
        print(f"error: cannot open the index {args.index_dir}: {_user_message(exc)}", file=sys.stderr)
        return 1
    try:
        if args.demo and bot.stats().articles == 0:
            inputs = _demo_inputs()
            if not inputs:
                print("warning: --demo found no demo corpus (set NEWS_ASSISTANT_SHARED)", file=sys.stderr)
            for path in inputs:
                limit = args.demo_articles if path.endswith(".gz") else None
                print(f"adding demo articles from {path} …", flush=True)
                print("  " + bot.add([path], limit=limit).summary(), flush=True)
        demo = build_ui(
            bot,
            upload_dir=work_dirs.uploads,
            export_dir=work_dirs.exports,
            max_upload_mb=args.max_upload_mb,
            default_llm=args.llm,
            default_k=args.top_k,
            allow_private_urls=args.allow_private_urls,
        )
        serve(
            demo,
            host=args.host,
            port=args.port,
            auth=auth,
            work_dirs=work_dirs,
            blocked=[args.index_dir],
            max_upload_mb=args.max_upload_mb,
        )
    except KeyboardInterrupt:
        pass
    finally:
        bot.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
