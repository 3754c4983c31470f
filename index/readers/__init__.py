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
- ``http(s)://`` URLs: fetched by ``index.readers.fetch`` (size and time bounds; optionally public addresses
  only); the content type (or sniffing) picks the reader.

Text is decoded from UTF-8 (with or without BOM), UTF-16/32 with a BOM, or else the encoding that
charset-normalizer detects (windows-1256 Arabic included); binary data is a ``ReadProblem``.
Text, title and source go through ``clean_text``; a record without an ``id`` gets a stable one
from its URL or its title and text; ``lang`` is detected when not given. An ``id`` with control
characters or lone surrogates, or longer than ``MAX_ID_CHARS``, is a problem; such a ``url`` is
dropped with a warning. A file name that is not valid UTF-8 appears as ``\\xNN`` in ``origin``.
"""

from __future__ import annotations

from index.readers.decoding import decode_bytes
from index.readers.dispatch import read_articles
from index.readers.ids import MAX_ID_CHARS, article_fingerprints, normalize_url, text_fingerprint
from index.readers.sources import KNOWN_EXTENSIONS, iter_sources

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
