"""Read an RSS or Atom feed, every entry an article; XML declaring entities is refused first."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from typing import Any

from index.dates import parse_published
from index.readers.fields import ReadFailure, build_article
from index.readers.html_page import html_to_text
from index.schema import Article, ReadProblem

_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF|channel)\b", re.IGNORECASE)
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)


def looks_like_feed(text: str) -> bool:
    return _FEED_ROOT.search(text[:5000]) is not None


def _check_xml_is_safe(text: str) -> None:
    """Refuse entity declarations (billion laughs, external entities) before any XML parser runs."""
    if _ENTITY_DECLARATION.search(text):
        raise ReadFailure(
            "the XML declares entities (<!ENTITY ...>); refusing to expand them "
            "(possible 'billion laughs' or external-entity attack)"
        )
    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    try:
        safe_et.fromstring(text.encode("utf-8"))
    except DefusedXmlException as exc:
        raise ReadFailure(f"unsafe XML refused: {exc}") from exc
    except safe_et.ParseError:
        pass  # malformed but entity-free: feedparser's tolerant parser may still read it


def _entry_text(entry: Mapping[str, Any]) -> str:
    contents = [c for c in entry.get("content") or [] if isinstance(c, Mapping) and c.get("value")]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        value, kind = best["value"], best.get("type", "text/html")
    else:
        value = entry.get("summary") or ""
        kind = (entry.get("summary_detail") or {}).get("type", "text/html")
    return value if kind == "text/plain" else html_to_text(value)


def _entry_published(entry: Mapping[str, Any], where: str) -> object:
    for key in ("published", "updated", "created"):
        value = entry.get(key)
        if not value:
            continue
        try:
            return parse_published(value)
        except ValueError:
            parsed = entry.get(f"{key}_parsed")
            if parsed:
                return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", parsed)
            return value  # logged as a warning by build_article
    return None


_XML_ENCODING = re.compile(r"""(<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")


def _feed_entry_id(guid: object) -> str | None:
    """An entry's guid when it looks globally unique (URL, URN, tag: or long); else None (hashed)."""
    if not isinstance(guid, str) or not guid.strip():
        return None
    guid = guid.strip()
    return guid if ":" in guid or len(guid) >= 16 else None


def read_feed(text: str, origin: str, max_chars: int | None = None) -> Iterator[Article | ReadProblem]:
    # The text is already decoded: drop the declared encoding so parsers read it as UTF-8.
    text = _XML_ENCODING.sub(r"\1", text.lstrip("\ufeff"), count=1)
    _check_xml_is_safe(text)
    import feedparser

    parsed = feedparser.parse(
        text.encode("utf-8"), response_headers={"content-type": "application/xml; charset=utf-8"}
    )
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            raise ReadFailure(f"not a readable RSS/Atom feed: {parsed.get('bozo_exception')}")
        raise ReadFailure("the feed has no entries")
    feed = parsed.get("feed") or {}
    feed_title = feed.get("title")
    feed_lang = feed.get("language")
    for number, entry in enumerate(entries, 1):
        where = f"{origin} entry {number}"
        source = (entry.get("source") or {}).get("title") or feed_title
        extra = {"author": str(entry["author"])} if entry.get("author") else {}
        title = entry.get("title")
        if title and (entry.get("title_detail") or {}).get("type") == "text/html":
            title = html_to_text(title)
        try:
            yield build_article(
                text=_entry_text(entry),
                origin=origin,
                where=where,
                id=_feed_entry_id(entry.get("id")),
                title=title,
                published=_entry_published(entry, where),
                source=source,
                url=entry.get("link"),
                fallback_lang=feed_lang,
                title_from_text=True,
                extra=extra,
                max_chars=max_chars,
            )
        except ReadFailure as problem:
            yield ReadProblem(origin, f"entry {number}: {problem.message}")
