"""Pick the reader for each source (by extension, content type or sniffing) and never raise."""

from __future__ import annotations

import gzip
import io
import logging
import os
import zlib
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import urlsplit

from index.readers.decoding import decode_bytes
from index.readers.feed import looks_like_feed, read_feed
from index.readers.fetch import FetchError, fetch
from index.readers.fields import ReadFailure
from index.readers.html_page import read_html
from index.readers.json_records import read_json, read_jsonl
from index.readers.plain_text import read_text
from index.readers.sources import display_name, is_url, iter_sources, kind_of
from index.schema import Article, ReadProblem

logger = logging.getLogger(__name__)


def _sniff(text: str) -> str:
    head = text[:2000].lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        return "json"
    if head.startswith("["):
        return "json"
    if head.startswith("<"):
        if looks_like_feed(text):
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
        raise ReadFailure(str(exc)) from exc
    if kind is None:
        kind = _sniff(text)
    if kind == "xml":
        if not looks_like_feed(text):
            raise ReadFailure("this XML document is neither an RSS nor an Atom feed")
        kind = "feed"
    if kind == "feed":
        yield from read_feed(text, origin, max_chars)
    elif kind == "json":
        yield from read_json(text, origin, max_chars)
    elif kind == "jsonl":
        yield from read_jsonl(io.BytesIO(text.encode("utf-8")), origin, max_chars)
    elif kind == "html":
        yield read_html(text, origin, url, max_chars)
    else:
        yield read_text(text, origin, markdown=kind == "markdown", url=url, max_chars=max_chars)


def _read_path(
    path: str, max_bytes: int, origin: str, max_chars: int | None = None
) -> Iterator[Article | ReadProblem]:
    kind = kind_of(path)
    if kind == "jsonl":
        with open(path, "rb") as stream:
            yield from read_jsonl(stream, origin, max_chars)
        return
    if kind == "jsonl.gz":
        with gzip.open(path, "rb") as stream:
            yield from read_jsonl(stream, origin, max_chars)  # type: ignore[arg-type]
        return
    size = os.path.getsize(path)
    if size > max_bytes:
        raise ReadFailure(f"file is {size:,} bytes, more than max_bytes={max_bytes:,}")
    with open(path, "rb") as stream:
        data = stream.read()
    yield from _read_document(data, origin, kind, max_chars=max_chars)


# --- URLs ------------------------------------------------------------------------------------


def _kind_from_content_type(content_type: str, url: str) -> str | None:
    path_kind = kind_of(urlsplit(url).path)
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
        raise ReadFailure(exc.message) from exc
    body, content_type, charset = fetched.body, fetched.content_type, fetched.charset
    kind = _kind_from_content_type(content_type, url)
    if kind == "jsonl":
        yield from read_jsonl(io.BytesIO(body), url, max_chars)
        return
    yield from _read_document(body, url, kind, declared=charset, url=url, max_chars=max_chars)


# --- entry point -----------------------------------------------------------------------------


def _guarded(source: str, items: Iterable[Article | ReadProblem]) -> Iterator[Article | ReadProblem]:
    """Turn any failure while reading ``source`` into a ReadProblem, after what was already read."""
    try:
        yield from items
    except ReadFailure as problem:
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
    included; see ``index.readers.fetch``). With ``allow_private_urls=False`` (for a server fetching URLs
    its users give) a URL, or a redirect, to a private, loopback, link-local, multicast or
    reserved address is a problem and is not fetched.
    """
    for source in iter_sources(inputs):
        if isinstance(source, ReadProblem):
            yield ReadProblem(display_name(source.origin), source.message, source.line)
            continue
        name = display_name(source)
        if is_url(source):
            yield from _guarded(name, _read_url(source, timeout, max_bytes, max_chars, allow_private_urls))
        else:
            yield from _guarded(name, _read_path(source, max_bytes, name, max_chars))
