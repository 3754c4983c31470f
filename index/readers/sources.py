"""Expand the inputs (files, folders, globs, URLs) into the sources to read, each file once."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence

from index.schema import ReadProblem

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


# --- sources ---------------------------------------------------------------------------------


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def kind_of(name: str) -> str | None:
    lower = name.lower()
    for ext in KNOWN_EXTENSIONS:
        if lower.endswith(ext):
            return _KINDS[ext]
    return None


def _walk_folder(folder: str) -> Iterator[str]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and kind_of(name) is not None:
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
        if is_url(item):
            yield item
        elif os.path.exists(item):
            yield from expand(item)
        elif glob.has_magic(item):
            matches = [
                m
                for m in sorted(glob.glob(item, recursive=True))
                if os.path.isdir(m) or kind_of(m) is not None
            ]
            if not matches:
                yield ReadProblem(
                    item, f"no files match this pattern (looking for {' '.join(KNOWN_EXTENSIONS)})"
                )
            for match in matches:
                yield from expand(match)
        else:
            yield ReadProblem(item, "no such file or folder")


def display_name(path: str) -> str:
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
