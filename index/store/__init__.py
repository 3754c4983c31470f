"""Storage: article texts and metadata in SQLite (with an FTS5 lexical index), vectors in Chroma.

SQLite is the source of truth. Every write follows one protocol so that a process killed at any
point leaves an index that the next open repairs:

1. the articles of a batch are recorded with ``state='writing'`` and their old chunks deleted
   (one SQLite transaction);
2. their old vectors are deleted from Chroma and the new ones added (ids are deterministic);
3. their chunks and lexical terms are inserted and ``state`` set to ``'ok'`` (one transaction).

``repair()`` (run on every writable open) deletes the vectors, chunks and rows of any article left
in ``'writing'``: the article is then simply absent, and the next ``add`` of the same input writes
it again. Removal uses the same marker.

Modules: :mod:`~index.store.manifest` (the SQLite schema and meta), :mod:`~index.store.chroma`
(the vector collection), :mod:`~index.store.writing` (the protocol above and repair),
:mod:`~index.store.reading` (queries and search), :mod:`~index.store.disk` (full-disk detection),
:mod:`~index.store.types` (filters and records), :mod:`~index.store.index_store` (``IndexStore``).
"""

from __future__ import annotations

from index.store.disk import LOW_DISK_BYTES
from index.store.index_store import IndexStore
from index.store.manifest import SCHEMA_VERSION, read_index_meta
from index.store.types import (
    ArticleInfo,
    IndexStats,
    PreparedArticle,
    SearchFilters,
    StoredChunk,
    dumps_stats,
    published_day,
)

__all__ = [
    "LOW_DISK_BYTES",
    "SCHEMA_VERSION",
    "ArticleInfo",
    "IndexStats",
    "IndexStore",
    "PreparedArticle",
    "SearchFilters",
    "StoredChunk",
    "dumps_stats",
    "published_day",
    "read_index_meta",
]
