"""Clean the fields of one article (text, title, language, date, id) and build the ``Article``."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from index.dates import parse_published
from index.readers.ids import UNSTORABLE, stable_id
from index.readers.language_codes import LANGUAGE_CODES
from index.schema import Article
from index.text.cleaning import clean_text
from index.text.langid import detect_language

logger = logging.getLogger(__name__)

_MAX_TITLE = 300


RAW_CHARS_FACTOR = 4
"""A text more than this many times ``max_chars`` long is refused before it is cleaned."""


class ReadFailure(Exception):
    """A reason to give up on an input (or one line of it); becomes a ``ReadProblem``."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# --- building articles -----------------------------------------------------------------------


def _normalize_lang(value: str | None) -> str | None:
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    primary = LANGUAGE_CODES.get(primary, primary)
    return primary if re.fullmatch(r"[a-z]{2}", primary) else None


def _one_line(value: str | None) -> str:
    if not value:
        return ""
    return " ".join(clean_text(value).split())


def _title_from_text(text: str) -> str:
    first = next((line for line in text.split("\n") if line.strip()), "")
    first = first.strip().lstrip("#").strip()
    if len(first) > _MAX_TITLE:
        cut = first.rfind(" ", 0, _MAX_TITLE)
        first = first[: cut if cut > _MAX_TITLE // 2 else _MAX_TITLE].rstrip() + "…"
    return first


def _published(value: object, where: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_published(value)
    except ValueError as exc:
        logger.warning("%s: ignoring 'published': %s", where, exc)
        return None


def build_article(
    *,
    text: str,
    origin: str,
    where: str,
    id: str | None = None,
    title: str | None = None,
    published: object = None,
    source: str | None = None,
    url: str | None = None,
    lang: str | None = None,
    fallback_lang: str | None = None,
    title_from_text: bool = False,
    extra: Mapping[str, str] | None = None,
    max_chars: int | None = None,
) -> Article:
    """Clean the fields and make the Article; ``ReadFailure`` when no text is left, or when the text
    is longer than ``max_chars`` (checked before cleaning too, when it is far too long)."""
    if max_chars is not None and len(text) > RAW_CHARS_FACTOR * max_chars:
        # Cleaning costs about 15 times the text's size in memory; it only removes spaces,
        # invisible characters and edge boilerplate, so it cannot bring this under the limit.
        raise ReadFailure(too_long_message(len(text), max_chars, " before cleaning"))
    cleaned = clean_text(text)
    if not cleaned:
        raise ReadFailure("empty article (no text left after cleaning)")
    if max_chars is not None and len(cleaned) > max_chars:
        raise ReadFailure(too_long_message(len(cleaned), max_chars))
    clean_title = _one_line(title) if title else ""
    if not clean_title and title_from_text:
        clean_title = _title_from_text(cleaned)
    clean_url = url.strip() if url and url.strip() else None
    if clean_url and UNSTORABLE.search(clean_url):
        logger.warning(
            "%s: ignoring 'url' %s (control characters or lone surrogates)", where, ascii(clean_url)[:80]
        )
        clean_url = None
    given_lang = _normalize_lang(lang)
    if lang and given_lang is None:
        logger.warning("%s: ignoring 'lang' %r (expected an ISO 639-1 code such as 'ar')", where, lang)
    detected = given_lang or detect_language(cleaned)
    if detected == "und" and fallback_lang:
        detected = _normalize_lang(fallback_lang) or "und"
    article_id = id.strip() if id and id.strip() else stable_id(clean_url, clean_title, cleaned)
    return Article(
        id=article_id,
        text=cleaned,
        title=clean_title,
        published=_published(published, where),
        source=_one_line(source) or None,
        url=clean_url,
        lang=detected,
        origin=origin,
        extra=dict(extra or {}),
    )


def too_long_message(chars: int, max_chars: int, when: str = "") -> str:
    return (
        f"article text is {chars:,} characters{when}, more than the limit of {max_chars:,}; "
        "split it into several articles"
    )
