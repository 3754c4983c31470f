"""Read an HTML page as one article: main text by trafilatura, hidden elements cut first."""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser

from index.readers.fields import ReadFailure, build_article
from index.schema import Article

logger = logging.getLogger(__name__)

_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tr ul".split()
)
_SKIP_TAGS = frozenset("script style noscript template svg head iframe object".split())


class _TextExtractor(HTMLParser):
    """HTML fragment -> plain text: block elements become line breaks, scripts are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    if "<" not in fragment and "&" not in fragment:
        return fragment
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts)


_HIDDEN_OPEN = re.compile(r"<(script|style|noscript|template|iframe|object|frameset)\b", re.IGNORECASE)
_HIDDEN_CLOSE = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE)
    for name in ("script", "style", "noscript", "template", "iframe", "object", "frameset")
}


def _drop_hidden_elements(html: str) -> str:
    """Cut script, style, iframe, object ... elements with their content, in one linear pass.

    An element that is never closed runs to the end of the document (as a browser reads an
    unclosed ``<script>``), so its content cannot leak into the article either.
    """
    out: list[str] = []
    pos = 0
    while (match := _HIDDEN_OPEN.search(html, pos)) is not None:
        out.append(html[pos : match.start()])
        close = _HIDDEN_CLOSE[match.group(1).lower()].search(html, match.end())
        if close is None:
            pos = len(html)
            break
        out.append(" ")
        pos = close.end()
    out.append(html[pos:])
    return "".join(out)


_HTML_MAX_DEPTH = 256  # libxml2's limit without XML_PARSE_HUGE


def _nested_too_deeply(html: str) -> bool:
    """True when libxml2 (under trafilatura) would stop at its depth limit and lose the rest."""
    from lxml import etree

    parser = etree.HTMLParser(encoding="utf-8")
    try:
        etree.fromstring(html.encode("utf-8", "replace"), parser)
    except (etree.LxmlError, ValueError):
        return False
    return any("Excessive depth" in entry.message for entry in parser.error_log)


def read_html(html: str, origin: str, url: str | None, max_chars: int | None = None) -> Article:
    import trafilatura

    html = _drop_hidden_elements(html)
    if _nested_too_deeply(html):
        # trafilatura would silently drop everything past the limit: keep all the text instead.
        logger.warning(
            "%s: HTML nested more than %d elements deep; reading all its text (navigation and other "
            "page furniture included)",
            origin,
            _HTML_MAX_DEPTH,
        )
        doc = None
        text: str | None = html_to_text(html)
    else:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
        text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise ReadFailure("no article text found in this HTML page")
    title = getattr(doc, "title", None)
    if not title:
        match = re.search(r"<title[^>]{0,200}>([^<]{0,2000})</title>", html[:100_000], re.IGNORECASE)
        title = html_to_text(match.group(1)) if match else None
    extra = {}
    author = getattr(doc, "author", None)
    if author:
        extra["author"] = str(author)
    declared = re.search(r"<html[^>]*\blang=[\"']?([A-Za-z_-]+)", html[:5000], re.IGNORECASE)
    return build_article(
        text=text,
        origin=origin,
        where=origin,
        title=title,
        published=getattr(doc, "date", None),
        source=getattr(doc, "sitename", None) or getattr(doc, "hostname", None),
        url=url or getattr(doc, "url", None),
        fallback_lang=declared.group(1) if declared else None,
        title_from_text=True,
        extra=extra,
        max_chars=max_chars,
    )
