"""Read articles from files, folders, globs and URLs into cleaned ``Article`` records.

``read_articles`` is what callers use: it yields ``Article``s and ``ReadProblem``s in input order
and never raises for bad input. Formats:

- ``.jsonl`` / ``.ndjson`` / ``.jsonl.gz``: one Article record per line (DESIGN.md), streamed line
  by line. ``origin`` is ``PATH:LINE``.
- ``.json``: one record, or a list of records.
- ``.txt`` / ``.md``: the whole file is one article; its title is the first non-empty line (for
  Markdown without ``#`` marks; heading marks are dropped from the text). A Markdown file may start
  with a ``---`` front-matter block of ``key: value`` lines (``title``, ``date``/``published``,
  ``source``, ``url``, ``lang``, ``id``).
- ``.html`` / ``.htm``: main text by trafilatura; title, site name and date from the page metadata.
  ``<script>``, ``<style>``, ``<iframe>``, ``<noscript>``, ``<object>`` ... are cut first (an
  unclosed one runs to the end). A page nested deeper than libxml2's limit (256) is read whole by a
  plain HTML parser instead (with a warning), since trafilatura would drop what lies past the limit.
- RSS / Atom (``.xml``, ``.rss``, ``.atom``, or sniffed): every entry is an article (its longest
  content, else its summary). Documents that declare XML entities are refused before any parsing
  (no "billion laughs").
- ``http(s)://`` URLs: fetched by ``index.fetch`` (size and time bounds; optionally public addresses
  only); the content type (or sniffing) picks the reader.

Text is decoded from UTF-8 (with or without BOM), UTF-16/32 with a BOM, or else the encoding that
charset-normalizer detects (windows-1256 Arabic included); binary data is a ``ReadProblem``.
Text, title and source go through ``clean_text``; a record without an ``id`` gets a stable one
from its URL or its title and text; ``lang`` is detected when not given. An ``id`` with control
characters or lone surrogates, or longer than ``MAX_ID_CHARS``, is a problem; such a ``url`` is
dropped with a warning. A file name that is not valid UTF-8 appears as ``\\xNN`` in ``origin``.
"""

from __future__ import annotations

import codecs
import glob
import gzip
import hashlib
import io
import json
import logging
import os
import re
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from html.parser import HTMLParser
from typing import IO, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from index.cleaning import clean_text
from index.dates import parse_published
from index.fetch import FetchError, fetch
from index.langid import detect_language
from index.schema import Article, ReadProblem

__all__ = [
    "KNOWN_EXTENSIONS",
    "MAX_ID_CHARS",
    "article_fingerprints",
    "decode_bytes",
    "iter_sources",
    "normalize_url",
    "read_articles",
    "text_fingerprint",
]

logger = logging.getLogger(__name__)

KNOWN_EXTENSIONS = (
    ".jsonl.gz",
    ".jsonl",
    ".ndjson",
    ".json",
    ".txt",
    ".md",
    ".markdown",
    ".html",
    ".htm",
    ".xml",
    ".rss",
    ".atom",
)
_KINDS = {
    ".jsonl.gz": "jsonl.gz",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xml": "xml",
    ".rss": "feed",
    ".atom": "feed",
}
_RECORD_FIELDS = ("id", "text", "title", "published", "source", "url", "lang")
_BINARY_MESSAGE = (
    "binary file, expected UTF-8 text (UTF-16 with a byte-order mark, or a legacy encoding such as "
    "windows-1256, also works)"
)
_MAX_TITLE = 300
MAX_ID_CHARS = 1000
"""Longer ``id`` values are refused (an id is a key, repeated in every chunk id)."""
# Characters SQLite cannot store (lone surrogates) or that make an id or URL unprintable.
_UNSTORABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_RAW_CHARS_FACTOR = 4
"""A text more than this many times ``max_chars`` long is refused before it is cleaned."""


class _Problem(Exception):
    """A reason to give up on an input (or one line of it); becomes a ``ReadProblem``."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# --- sources ---------------------------------------------------------------------------------


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _kind_of(name: str) -> str | None:
    lower = name.lower()
    for ext in KNOWN_EXTENSIONS:
        if lower.endswith(ext):
            return _KINDS[ext]
    return None


def _walk_folder(folder: str) -> Iterator[str]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and _kind_of(name) is not None:
                yield os.path.join(root, name)


def iter_sources(inputs: Sequence[str] | str) -> Iterator[str | ReadProblem]:
    """Expand inputs into readable sources, in order, each file at most once.

    Files are passed through (whatever their extension), folders are walked recursively in sorted
    order keeping only known extensions and skipping hidden entries, globs are expanded (``**``
    included), ``http(s)://`` URLs are passed through. A missing path, a glob that matches nothing,
    or a folder with no article files is yielded as a ``ReadProblem``.
    """
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]  # type: ignore[list-item]
    seen: set[str] = set()

    def once(path: str) -> bool:
        key = os.path.realpath(path)
        if key in seen:
            return False
        seen.add(key)
        return True

    def expand(path: str) -> Iterator[str | ReadProblem]:
        if os.path.isdir(path):
            found = False
            for file in _walk_folder(path):
                found = True
                if once(file):
                    yield file
            if not found:
                yield ReadProblem(path, f"no article files ({' '.join(KNOWN_EXTENSIONS)}) in this folder")
        elif once(path):
            yield path

    for raw in inputs:
        item = os.fspath(raw)
        if _is_url(item):
            yield item
        elif os.path.exists(item):
            yield from expand(item)
        elif glob.has_magic(item):
            matches = [
                m
                for m in sorted(glob.glob(item, recursive=True))
                if os.path.isdir(m) or _kind_of(m) is not None
            ]
            if not matches:
                yield ReadProblem(
                    item, f"no files match this pattern (looking for {' '.join(KNOWN_EXTENSIONS)})"
                )
            for match in matches:
                yield from expand(match)
        else:
            yield ReadProblem(item, "no such file or folder")


# --- fingerprints and ids --------------------------------------------------------------------

_TRACKING_PARAMS = re.compile(r"^(?:utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|igshid|_ga)$", re.IGNORECASE)


def normalize_url(url: str | None) -> str | None:
    """A URL in a canonical form for duplicate detection (not for fetching).

    Scheme and host in lower case, default port, fragment and tracking parameters (``utm_*``,
    ``fbclid`` ...) dropped, percent-escapes decoded, no trailing slash. ``None`` for an empty value.
    """
    if url is None:
        return None
    text = url.strip()
    if not text:
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    if not parts.scheme or not parts.netloc:
        return text
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    default_port = {"http": 80, "https": 443}.get(scheme)
    netloc = host if port is None or port == default_port else f"{host}:{port}"
    path = unquote(parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = "&".join(
        f"{k}={v}" if v else k
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING_PARAMS.match(k)
    )
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def text_fingerprint(text: str) -> str:
    """SHA-1 (hex) of ``text`` with runs of whitespace made one space."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def article_fingerprints(article: Article) -> tuple[str, str | None]:
    """(text hash, normalised URL) of an article, for the store's duplicate detection."""
    return text_fingerprint(article.text), normalize_url(article.url)


def _stable_id(url: str | None, title: str, text: str) -> str:
    norm = normalize_url(url)
    basis = f"url:{norm}" if norm else f"text:{title}\n{text}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


# --- decoding --------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _bom_encoding(head: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode a document: BOM, else UTF-8, else ``declared``, else detected; ``ValueError`` if binary."""
    encoding = _bom_encoding(data[:4])
    if encoding is not None:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"starts with a {encoding} byte-order mark but is not valid {encoding}: {exc}"
            ) from exc
    if b"\x00" in data:
        raise ValueError(_BINARY_MESSAGE)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            logger.debug("declared charset %r does not decode the data", declared)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ValueError(_BINARY_MESSAGE)
    text = str(best)
    if len(_CONTROL.findall(text[:100_000])) > max(2, len(text[:100_000]) // 100):
        raise ValueError(_BINARY_MESSAGE)
    logger.debug("decoded as %s (detected)", best.encoding)
    return text


# --- building articles -----------------------------------------------------------------------

_LANG_NAMES = {
    "ara": "ar",
    "arabic": "ar",
    "eng": "en",
    "english": "en",
    "fra": "fr",
    "fre": "fr",
    "french": "fr",
    "spa": "es",
    "deu": "de",
    "ger": "de",
    "rus": "ru",
    "tur": "tr",
    "fas": "fa",
    "per": "fa",
    "urd": "ur",
}


def _normalize_lang(value: str | None) -> str | None:
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    primary = _LANG_NAMES.get(primary, primary)
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


def _build_article(
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
    """Clean the fields and make the Article; ``_Problem`` when no text is left, or when the text
    is longer than ``max_chars`` (checked before cleaning too, when it is far too long)."""
    if max_chars is not None and len(text) > _RAW_CHARS_FACTOR * max_chars:
        # Cleaning costs about 15 times the text's size in memory; it only removes spaces,
        # invisible characters and edge boilerplate, so it cannot bring this under the limit.
        raise _Problem(_too_long(len(text), max_chars, " before cleaning"))
    cleaned = clean_text(text)
    if not cleaned:
        raise _Problem("empty article (no text left after cleaning)")
    if max_chars is not None and len(cleaned) > max_chars:
        raise _Problem(_too_long(len(cleaned), max_chars))
    clean_title = _one_line(title) if title else ""
    if not clean_title and title_from_text:
        clean_title = _title_from_text(cleaned)
    clean_url = url.strip() if url and url.strip() else None
    if clean_url and _UNSTORABLE.search(clean_url):
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
    article_id = id.strip() if id and id.strip() else _stable_id(clean_url, clean_title, cleaned)
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


def _too_long(chars: int, max_chars: int, when: str = "") -> str:
    return (
        f"article text is {chars:,} characters{when}, more than the limit of {max_chars:,}; "
        "split it into several articles"
    )


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _short(value: object) -> str:
    shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _from_record(
    record: object, *, origin: str, where: str, label: str = "", max_chars: int | None = None
) -> Article:
    """Validate one JSON record and build its Article; ``_Problem`` with what was expected."""
    expected = "expected a JSON object with a string 'text'"
    if not isinstance(record, dict):
        raise _Problem(f"{label}{expected}, got {_json_type(record)}")
    if "text" not in record:
        keys = ", ".join(sorted(map(str, record))[:8]) or "none"
        raise _Problem(f"{label}{expected}, got an object without 'text' (keys: {keys})")
    text = record["text"]
    if not isinstance(text, str):
        raise _Problem(f"{label}{expected}, got 'text' as {_json_type(text)} ({_short(text)})")
    for name in ("title", "source", "url", "lang"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise _Problem(
                f"{label}'{name}' must be a string or null, got {_json_type(value)} ({_short(value)})"
            )
    raw_id = record.get("id")
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, str | int)):
        raise _Problem(
            f"{label}'id' must be a string or an integer, got {_json_type(raw_id)} ({_short(raw_id)})"
        )
    if isinstance(raw_id, str) and _UNSTORABLE.search(raw_id):
        raise _Problem(
            f"{label}'id' must be printable text, got one with control characters or lone "
            f"surrogates ({ascii(raw_id)[:60]})"
        )
    if isinstance(raw_id, str) and len(raw_id) > MAX_ID_CHARS:
        raise _Problem(f"{label}'id' must be at most {MAX_ID_CHARS} characters, got {len(raw_id):,}")
    extra = {
        str(k): v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True)
        for k, v in record.items()
        if k not in _RECORD_FIELDS and v is not None
    }
    try:
        return _build_article(
            text=text,
            origin=origin,
            where=where,
            id=None if raw_id is None else str(raw_id),
            title=record.get("title"),
            published=record.get("published"),
            source=record.get("source"),
            url=record.get("url"),
            lang=record.get("lang"),
            extra=extra,
            max_chars=max_chars,
        )
    except _Problem as problem:
        raise _Problem(f"{label}{problem.message}") from None


# --- JSON and JSON Lines ---------------------------------------------------------------------


_TOO_DEEP = "JSON nested too deeply; expected one article object per line"


def _json_error(exc: json.JSONDecodeError) -> str:
    hint = " (truncated line?)" if exc.msg.startswith(("Unterminated", "Expecting")) else ""
    return f"invalid JSON: {exc.msg} (column {exc.colno}){hint}; expected one JSON object per line"


def _jsonl_lines(stream: IO[bytes]) -> Iterator[tuple[int, str | _Problem]]:
    """(line number, text or problem) for each non-blank line of a binary stream."""
    buffered: Any = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[arg-type]
    encoding = _bom_encoding(buffered.peek(4)[:4])
    if encoding in {"utf-16", "utf-32"}:
        wrapper = io.TextIOWrapper(buffered, encoding=encoding, newline="")
        try:
            for number, line in enumerate(wrapper, 1):
                if line.strip():
                    yield number, line
        finally:
            wrapper.detach()  # the caller owns (and closes) the underlying stream
        return
    for number, raw in enumerate(buffered, 1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        if b"\x00" in raw:
            yield number, _Problem(_BINARY_MESSAGE, number)
            return
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield (
                number,
                _Problem(f"not valid UTF-8 at byte {exc.start} (JSON Lines files must be UTF-8)", number),
            )
            continue
        if line.strip():
            yield number, line


def _read_jsonl(
    stream: IO[bytes], origin: str, max_chars: int | None = None
) -> Iterator[Article | ReadProblem]:
    last = 0
    records = 0
    try:
        for number, line in _jsonl_lines(stream):
            last = number
            records += 1
            if isinstance(line, _Problem):
                yield ReadProblem(origin, line.message, number)
                continue
            try:
                record = json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as exc:
                yield ReadProblem(origin, _json_error(exc), number)
                continue
            except RecursionError:
                yield ReadProblem(origin, _TOO_DEEP, number)
                continue
            try:
                yield _from_record(
                    record, origin=f"{origin}:{number}", where=f"{origin}:{number}", max_chars=max_chars
                )
            except _Problem as problem:
                yield ReadProblem(origin, problem.message, number)
            except RecursionError:
                yield ReadProblem(origin, _TOO_DEEP, number)
    except (OSError, EOFError, zlib.error) as exc:
        yield ReadProblem(origin, f"could not read past line {last}: {exc} (truncated or corrupt file?)")
        return
    if not records:
        yield ReadProblem(origin, "no records: the file is empty or blank; expected one JSON object per line")


def _read_json(text: str, origin: str, max_chars: int | None = None) -> Iterator[Article | ReadProblem]:
    if not text.strip("\ufeff \t\r\n"):
        yield ReadProblem(origin, "the file is empty or blank; expected a JSON object or a list of objects")
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several objects: it is JSON Lines after all
            yield from _read_jsonl(io.BytesIO(text.encode("utf-8")), origin, max_chars)
            return
        yield ReadProblem(origin, f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno)
        return
    if isinstance(value, list):
        if not value:
            yield ReadProblem(origin, "the JSON list is empty; expected article objects")
        for number, record in enumerate(value, 1):
            try:
                yield _from_record(
                    record,
                    origin=origin,
                    where=f"{origin} item {number}",
                    label=f"item {number}: ",
                    max_chars=max_chars,
                )
            except _Problem as problem:
                yield ReadProblem(origin, problem.message)
            except RecursionError:
                yield ReadProblem(
                    origin, f"item {number}: JSON nested too deeply; expected an article object"
                )
        return
    try:
        yield _from_record(value, origin=origin, where=origin, max_chars=max_chars)
    except _Problem as problem:
        yield ReadProblem(origin, problem.message)


# --- plain text and Markdown -----------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)


def _read_text(
    text: str, origin: str, *, markdown: bool, url: str | None = None, max_chars: int | None = None
) -> Article:
    meta: dict[str, str] = {}
    if max_chars is not None and len(text) > _RAW_CHARS_FACTOR * max_chars:
        raise _Problem(_too_long(len(text), max_chars, " before cleaning"))  # before any copy
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
    return _build_article(
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


# --- HTML ------------------------------------------------------------------------------------

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


def _html_to_text(fragment: str) -> str:
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


def _read_html(html: str, origin: str, url: str | None, max_chars: int | None = None) -> Article:
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
        text: str | None = _html_to_text(html)
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
        raise _Problem("no article text found in this HTML page")
    title = getattr(doc, "title", None)
    if not title:
        match = re.search(r"<title[^>]{0,200}>([^<]{0,2000})</title>", html[:100_000], re.IGNORECASE)
        title = _html_to_text(match.group(1)) if match else None
    extra = {}
    author = getattr(doc, "author", None)
    if author:
        extra["author"] = str(author)
    declared = re.search(r"<html[^>]*\blang=[\"']?([A-Za-z_-]+)", html[:5000], re.IGNORECASE)
    return _build_article(
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


# --- feeds -----------------------------------------------------------------------------------

_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF|channel)\b", re.IGNORECASE)
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)


def _looks_like_feed(text: str) -> bool:
    return _FEED_ROOT.search(text[:5000]) is not None


def _check_xml_is_safe(text: str) -> None:
    """Refuse entity declarations (billion laughs, external entities) before any XML parser runs."""
    if _ENTITY_DECLARATION.search(text):
        raise _Problem(
            "the XML declares entities (<!ENTITY ...>); refusing to expand them "
            "(possible 'billion laughs' or external-entity attack)"
        )
    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    try:
        safe_et.fromstring(text.encode("utf-8"))
    except DefusedXmlException as exc:
        raise _Problem(f"unsafe XML refused: {exc}") from exc
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
    return value if kind == "text/plain" else _html_to_text(value)


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
            return value  # logged as a warning by _build_article
    return None


_XML_ENCODING = re.compile(r"""(<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")


def _feed_entry_id(guid: object) -> str | None:
    """An entry's guid when it looks globally unique (URL, URN, tag: or long); else None (hashed)."""
    if not isinstance(guid, str) or not guid.strip():
        return None
    guid = guid.strip()
    return guid if ":" in guid or len(guid) >= 16 else None


def _read_feed(text: str, origin: str, max_chars: int | None = None) -> Iterator[Article | ReadProblem]:
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
            raise _Problem(f"not a readable RSS/Atom feed: {parsed.get('bozo_exception')}")
        raise _Problem("the feed has no entries")
    feed = parsed.get("feed") or {}
    feed_title = feed.get("title")
    feed_lang = feed.get("language")
    for number, entry in enumerate(entries, 1):
        where = f"{origin} entry {number}"
        source = (entry.get("source") or {}).get("title") or feed_title
        extra = {"author": str(entry["author"])} if entry.get("author") else {}
        title = entry.get("title")
        if title and (entry.get("title_detail") or {}).get("type") == "text/html":
            title = _html_to_text(title)
        try:
            yield _build_article(
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
        except _Problem as problem:
            yield ReadProblem(origin, f"entry {number}: {problem.message}")


# --- dispatch --------------------------------------------------------------------------------


def _sniff(text: str) -> str:
    head = text[:2000].lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        return "json"
    if head.startswith("["):
        return "json"
    if head.startswith("<"):
        if _looks_like_feed(text):
            return "feed"
        return "html"
    return "text"


def _read_document(
    data: bytes,
    origin: str,
    kind: str | None,
    *,
    declared: str | None = None,
    url: str | None = None,
    max_chars: int | None = None,
) -> Iterator[Article | ReadProblem]:
    """Read one whole document (not JSON Lines) of a known or sniffed kind."""
    try:
        text = decode_bytes(data, declared)
    except ValueError as exc:
        raise _Problem(str(exc)) from exc
    if kind is None:
        kind = _sniff(text)
    if kind == "xml":
        if not _looks_like_feed(text):
            raise _Problem("this XML document is neither an RSS nor an Atom feed")
        kind = "feed"
    if kind == "feed":
        yield from _read_feed(text, origin, max_chars)
    elif kind == "json":
        yield from _read_json(text, origin, max_chars)
    elif kind == "jsonl":
        yield from _read_jsonl(io.BytesIO(text.encode("utf-8")), origin, max_chars)
    elif kind == "html":
        yield _read_html(text, origin, url, max_chars)
    else:
        yield _read_text(text, origin, markdown=kind == "markdown", url=url, max_chars=max_chars)


def _display_name(path: str) -> str:
    """``path`` as text that can be stored and printed: undecodable bytes of a file name (kept by
    Python as lone surrogates) become ``\\xNN``."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        pass
    try:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return path.encode("utf-8", "backslashreplace").decode("utf-8")


def _read_path(
    path: str, max_bytes: int, origin: str, max_chars: int | None = None
) -> Iterator[Article | ReadProblem]:
    kind = _kind_of(path)
    if kind == "jsonl":
        with open(path, "rb") as stream:
            yield from _read_jsonl(stream, origin, max_chars)
        return
    if kind == "jsonl.gz":
        with gzip.open(path, "rb") as stream:
            yield from _read_jsonl(stream, origin, max_chars)  # type: ignore[arg-type]
        return
    size = os.path.getsize(path)
    if size > max_bytes:
        raise _Problem(f"file is {size:,} bytes, more than max_bytes={max_bytes:,}")
    with open(path, "rb") as stream:
        data = stream.read()
    yield from _read_document(data, origin, kind, max_chars=max_chars)


# --- URLs ------------------------------------------------------------------------------------


def _kind_from_content_type(content_type: str, url: str) -> str | None:
    path_kind = _kind_of(urlsplit(url).path)
    if path_kind == "jsonl.gz":
        path_kind = "jsonl"
    if content_type in {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}:
        return "feed"
    if content_type in {
        "application/x-ndjson",
        "application/jsonl",
        "application/jsonlines",
        "application/x-jsonlines",
    }:
        return "jsonl"
    if content_type == "application/json" or content_type.endswith("+json"):
        return "jsonl" if path_kind == "jsonl" else "json"
    if content_type in {"text/xml", "application/xml"}:
        return "xml"
    if content_type in {"text/html", "application/xhtml+xml"}:
        return None  # sniffed: feeds are sometimes served as HTML
    if content_type == "text/markdown":
        return "markdown"
    if content_type == "text/plain":  # some hosts serve every file as text/plain
        return path_kind
    return path_kind


def _read_url(
    url: str, timeout: float, max_bytes: int, max_chars: int | None = None, allow_private: bool = True
) -> Iterator[Article | ReadProblem]:
    try:
        fetched = fetch(url, timeout=timeout, max_bytes=max_bytes, allow_private=allow_private)
    except FetchError as exc:
        raise _Problem(exc.message) from exc
    body, content_type, charset = fetched.body, fetched.content_type, fetched.charset
    kind = _kind_from_content_type(content_type, url)
    if kind == "jsonl":
        yield from _read_jsonl(io.BytesIO(body), url, max_chars)
        return
    yield from _read_document(body, url, kind, declared=charset, url=url, max_chars=max_chars)


# --- entry point -----------------------------------------------------------------------------


def _guarded(source: str, items: Iterable[Article | ReadProblem]) -> Iterator[Article | ReadProblem]:
    """Turn any failure while reading ``source`` into a ReadProblem, after what was already read."""
    try:
        yield from items
    except _Problem as problem:
        yield ReadProblem(source, problem.message, problem.line)
    except (UnicodeDecodeError, OSError, EOFError, zlib.error) as exc:
        yield ReadProblem(source, f"could not read: {exc}")
    except RecursionError:
        yield ReadProblem(source, "document is nested too deeply to read; expected article records")
    except Exception as exc:  # a reader bug must not stop the other inputs
        logger.exception("%s: unexpected error while reading", source)
        yield ReadProblem(source, f"unexpected error while reading: {exc.__class__.__name__}: {exc}")


def read_articles(
    inputs: Sequence[str] | str,
    *,
    timeout: float = 20.0,
    max_bytes: int = 50_000_000,
    max_chars: int | None = None,
    allow_private_urls: bool = True,
) -> Iterator[Article | ReadProblem]:
    """Yield cleaned Articles and ReadProblems for ``inputs`` (files, folders, globs, URLs), in order.

    Never raises for bad input: unreadable files, malformed lines, empty articles and unreachable
    URLs come out as ``ReadProblem``s naming the file (and line) or URL. ``timeout`` is in seconds
    per network operation (a whole download may take at most ten times that); ``max_bytes`` caps
    a download and a whole-document file (JSON Lines files are streamed and not capped).
    ``max_chars``, if given, refuses an article whose cleaned text is longer (a text far longer
    is refused before the costly cleaning). ``timeout`` also bounds each whole download (headers
    included; see ``index.fetch``). With ``allow_private_urls=False`` (for a server fetching URLs
    its users give) a URL, or a redirect, to a private, loopback, link-local, multicast or
    reserved address is a problem and is not fetched.
    """
    for source in iter_sources(inputs):
        if isinstance(source, ReadProblem):
            yield ReadProblem(_display_name(source.origin), source.message, source.line)
            continue
        name = _display_name(source)
        if _is_url(source):
            yield from _guarded(name, _read_url(source, timeout, max_bytes, max_chars, allow_private_urls))
        else:
            yield from _guarded(name, _read_path(source, max_bytes, name, max_chars))
