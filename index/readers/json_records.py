"""Read JSON Lines (streamed, one article per line) and JSON (one article or a list) documents."""

from __future__ import annotations

import codecs
import io
import json
import zlib
from collections.abc import Iterator
from typing import IO, Any

from index.readers.decoding import BINARY_MESSAGE, bom_encoding
from index.readers.fields import ReadFailure, build_article
from index.readers.ids import MAX_ID_CHARS, UNSTORABLE
from index.schema import Article, ReadProblem

_RECORD_FIELDS = ("id", "text", "title", "published", "source", "url", "lang")


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
    """Validate one JSON record and build its Article; ``ReadFailure`` with what was expected."""
    expected = "expected a JSON object with a string 'text'"
    if not isinstance(record, dict):
        raise ReadFailure(f"{label}{expected}, got {_json_type(record)}")
    if "text" not in record:
        keys = ", ".join(sorted(map(str, record))[:8]) or "none"
        raise ReadFailure(f"{label}{expected}, got an object without 'text' (keys: {keys})")
    text = record["text"]
    if not isinstance(text, str):
        raise ReadFailure(f"{label}{expected}, got 'text' as {_json_type(text)} ({_short(text)})")
    for name in ("title", "source", "url", "lang"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise ReadFailure(
                f"{label}'{name}' must be a string or null, got {_json_type(value)} ({_short(value)})"
            )
    raw_id = record.get("id")
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, str | int)):
        raise ReadFailure(
            f"{label}'id' must be a string or an integer, got {_json_type(raw_id)} ({_short(raw_id)})"
        )
    if isinstance(raw_id, str) and UNSTORABLE.search(raw_id):
        raise ReadFailure(
            f"{label}'id' must be printable text, got one with control characters or lone "
            f"surrogates ({ascii(raw_id)[:60]})"
        )
    if isinstance(raw_id, str) and len(raw_id) > MAX_ID_CHARS:
        raise ReadFailure(f"{label}'id' must be at most {MAX_ID_CHARS} characters, got {len(raw_id):,}")
    extra = {
        str(k): v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True)
        for k, v in record.items()
        if k not in _RECORD_FIELDS and v is not None
    }
    try:
        return build_article(
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
    except ReadFailure as problem:
        raise ReadFailure(f"{label}{problem.message}") from None


# --- JSON and JSON Lines ---------------------------------------------------------------------


_TOO_DEEP = "JSON nested too deeply; expected one article object per line"


def _json_error(exc: json.JSONDecodeError) -> str:
    hint = " (truncated line?)" if exc.msg.startswith(("Unterminated", "Expecting")) else ""
    return f"invalid JSON: {exc.msg} (column {exc.colno}){hint}; expected one JSON object per line"


def _jsonl_lines(stream: IO[bytes]) -> Iterator[tuple[int, str | ReadFailure]]:
    """(line number, text or problem) for each non-blank line of a binary stream."""
    buffered: Any = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[arg-type]
    encoding = bom_encoding(buffered.peek(4)[:4])
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
            yield number, ReadFailure(BINARY_MESSAGE, number)
            return
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield (
                number,
                ReadFailure(f"not valid UTF-8 at byte {exc.start} (JSON Lines files must be UTF-8)", number),
            )
            continue
        if line.strip():
            yield number, line


def read_jsonl(
    stream: IO[bytes], origin: str, max_chars: int | None = None
) -> Iterator[Article | ReadProblem]:
    last = 0
    records = 0
    try:
        for number, line in _jsonl_lines(stream):
            last = number
            records += 1
            if isinstance(line, ReadFailure):
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
            except ReadFailure as problem:
                yield ReadProblem(origin, problem.message, number)
            except RecursionError:
                yield ReadProblem(origin, _TOO_DEEP, number)
    except (OSError, EOFError, zlib.error) as exc:
        yield ReadProblem(origin, f"could not read past line {last}: {exc} (truncated or corrupt file?)")
        return
    if not records:
        yield ReadProblem(origin, "no records: the file is empty or blank; expected one JSON object per line")


def read_json(text: str, origin: str, max_chars: int | None = None) -> Iterator[Article | ReadProblem]:
    if not text.strip("\ufeff \t\r\n"):
        yield ReadProblem(origin, "the file is empty or blank; expected a JSON object or a list of objects")
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several objects: it is JSON Lines after all
            yield from read_jsonl(io.BytesIO(text.encode("utf-8")), origin, max_chars)
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
            except ReadFailure as problem:
                yield ReadProblem(origin, problem.message)
            except RecursionError:
                yield ReadProblem(
                    origin, f"item {number}: JSON nested too deeply; expected an article object"
                )
        return
    try:
        yield _from_record(value, origin=origin, where=origin, max_chars=max_chars)
    except ReadFailure as problem:
        yield ReadProblem(origin, problem.message)
