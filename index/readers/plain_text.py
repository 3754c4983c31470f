"""Read a plain-text or Markdown file (with optional front matter) as one article."""

from __future__ import annotations

import re

from index.readers.fields import RAW_CHARS_FACTOR, ReadFailure, build_article, too_long_message
from index.schema import Article

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)


def read_text(
    text: str, origin: str, *, markdown: bool, url: str | None = None, max_chars: int | None = None
) -> Article:
    meta: dict[str, str] = {}
    if max_chars is not None and len(text) > RAW_CHARS_FACTOR * max_chars:
        raise ReadFailure(too_long_message(len(text), max_chars, " before cleaning"))  # before any copy
    if markdown:
        text = text.replace("\r\n", "\n")
        match = _FRONT_MATTER.match(text)
        if match:
            for line in match.group(1).split("\n"):
                key, sep, value = line.partition(":")
                if sep:
                    meta[key.strip().lower()] = value.strip().strip("'\"")
            text = text[match.end() :]
        text = _MD_HEADING.sub(r"\1", text)
    return build_article(
        text=text,
        origin=origin,
        where=origin,
        id=meta.get("id"),
        title=meta.get("title"),
        published=meta.get("published") or meta.get("date"),
        source=meta.get("source"),
        url=meta.get("url") or url,
        lang=meta.get("lang") or meta.get("language"),
        title_from_text=True,
        max_chars=max_chars,
    )
