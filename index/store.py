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
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import logging
import math
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from index.errors import DiskFullError, IndexCorruptError, IndexingError, ModelMismatchError
from index.readers.ids import article_fingerprints
from index.schema import Article, Chunk
from index.text import tokenize

__all__ = [
    "LOW_DISK_BYTES",
    "SCHEMA_VERSION",
    "ArticleInfo",
    "IndexStats",
    "IndexStore",
    "SearchFilters",
    "StoredChunk",
    "read_index_meta",
]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
APP_MARK = "news-assistant-index"
DB_NAME = "articles.sqlite3"
CHROMA_DIR = "chroma"
LOCK_NAME = ".write.lock"
# HNSW parameters: Chroma's defaults gave recall@10 of about 0.5 on 10k random vectors here,
# these about 0.92 (see benchmarks/RESULTS.md for the measurement on real embeddings).
HNSW = {"space": "cosine", "ef_construction": 200, "ef_search": 200, "max_neighbors": 32}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    url_norm TEXT,
    title TEXT NOT NULL,
    published TEXT,
    published_day INTEGER,
    source TEXT,
    url TEXT,
    lang TEXT NOT NULL,
    origin TEXT NOT NULL,
    text TEXT NOT NULL,
    n_chunks INTEGER NOT NULL DEFAULT 0,
    added_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_text_hash ON articles(text_hash);
CREATE INDEX IF NOT EXISTS articles_url_norm ON articles(url_norm);
CREATE INDEX IF NOT EXISTS articles_state ON articles(state);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    article_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    body, title, tokenize = 'unicode61 remove_diacritics 0'
);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocab USING fts5vocab(chunks_fts, 'row');
"""


def published_day(published: str | None) -> int | None:
    """``"2023-09-26"`` or ``"2023-09-26T10:00:00+02:00"`` -> ``20230926`` (for range filters)."""
    if not published or len(published) < 10:
        return None
    try:
        day = dt.date.fromisoformat(published[:10])
    except ValueError:
        return None
    return day.year * 10000 + day.month * 100 + day.day


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search: publication date range (inclusive), outlets, languages."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.date_from or self.date_to or self.sources or self.langs)

    def chroma_where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.date_from:
            clauses.append({"published_day": {"$gte": _day(self.date_from)}})
        if self.date_to:
            clauses.append({"published_day": {"$lte": _day(self.date_to)}})
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.langs:
            clauses.append({"lang": {"$in": list(self.langs)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def sql(self, alias: str = "a") -> tuple[str, list[Any]]:
        parts: list[str] = []
        args: list[Any] = []
        if self.date_from:
            parts.append(f"{alias}.published_day >= ?")
            args.append(_day(self.date_from))
        if self.date_to:
            parts.append(f"{alias}.published_day <= ?")
            args.append(_day(self.date_to))
        if self.sources:
            parts.append(f"{alias}.source IN ({','.join('?' * len(self.sources))})")
            args.extend(self.sources)
        if self.langs:
            parts.append(f"{alias}.lang IN ({','.join('?' * len(self.langs))})")
            args.extend(self.langs)
        return (" AND ".join(parts) or "1"), args


def _day(d: dt.date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as stored, with its article's metadata for display and filtering."""

    id: str
    article_id: str
    position: int
    start: int
    end: int
    text: str
    title: str
    published: str | None
    source: str | None
    url: str | None
    lang: str


@dataclass(frozen=True)
class ArticleInfo:
    id: str
    title: str
    published: str | None
    source: str | None
    url: str | None
    lang: str
    n_chunks: int
    chars: int
    origin: str


@dataclass(frozen=True)
class IndexStats:
    articles: int
    chunks: int
    vectors: int
    sources: dict[str, int]
    languages: dict[str, int]
    date_from: str | None
    date_to: str | None
    model: str
    dimension: int | None
    location: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class PreparedArticle:
    """An article ready to be written: its chunks, their vectors and lexical terms."""

    article: Article
    chunks: Sequence[Chunk]
    vectors: np.ndarray


class _LockBusy(IndexingError):
    """Another process holds the index's write lock."""


LOW_DISK_BYTES = 5_000_000
"""A write that fails with less free space than this on the index's disk is reported as a full
disk (Chroma's errors do not always say so)."""


class IndexStore:
    """One index folder: ``articles.sqlite3`` plus a Chroma collection (embedded or on a server).

    Open it with :meth:`open`; it is safe to share one instance between threads.
    """

    def __init__(self, index_dir: Path, conn: sqlite3.Connection, collection: Any, model: str, location: str):
        self.index_dir = index_dir
        self._conn = conn
        self._collection = collection
        self._lock = threading.RLock()
        self.model = model
        self.location = location
        self._disk_full: DiskFullError | None = None
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.vector_store = ChromaVectorStore(chroma_collection=collection)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        index_dir: str | os.PathLike[str],
        *,
        model: str,
        chroma_url: str | None = None,
        create: bool = True,
        repair: bool = True,
        model_info: dict[str, str] | None = None,
    ) -> IndexStore:
        """Open (or create) the index in ``index_dir`` for the embedding ``model``.

        Raises ``ModelMismatchError`` if the index was built by another model, and
        ``IndexCorruptError`` if the folder is not an index of this tool or is damaged.
        """
        path = Path(index_dir)
        db_path = path / DB_NAME
        if not db_path.exists():
            if path.exists() and not path.is_dir():
                raise IndexCorruptError(f"{path}: expected an index folder, found a file")
            if path.exists() and any(p.name not in (LOCK_NAME,) for p in path.iterdir()):
                found = ", ".join(sorted(p.name for p in path.iterdir())[:5])
                raise IndexCorruptError(
                    f"{path}: not a news-assistant index (expected {DB_NAME}, found {found}); "
                    "refusing to write into it. Choose an empty or new folder."
                )
            if not create:
                raise IndexCorruptError(f"{path}: no index here (expected {db_path})")
            path.mkdir(parents=True, exist_ok=True)
        conn = _connect(db_path)
        meta = _read_meta(conn, db_path)
        if not meta:
            meta = {
                "app": APP_MARK,
                "schema_version": str(SCHEMA_VERSION),
                "model": model,
                "index_uuid": uuid.uuid4().hex,
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                **(model_info or {}),
            }
            with conn:
                conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", meta.items())
        if meta.get("app") != APP_MARK:
            raise IndexCorruptError(f"{db_path}: not a news-assistant index (app={meta.get('app')!r})")
        if int(meta.get("schema_version", "0")) != SCHEMA_VERSION:
            raise IndexCorruptError(
                f"{db_path}: index schema version {meta.get('schema_version')}, this version reads {SCHEMA_VERSION}"
            )
        if meta["model"] != model:
            raise ModelMismatchError(
                f"{path} was built with embedding model {meta['model']!r}, but {model!r} was asked for. "
                f"Open it with --model {meta['model']!r}, or build a new index for the other model."
            )
        collection_name = f"news-{meta['index_uuid']}"
        client, location = _chroma_client(path, chroma_url)
        try:
            collection = client.get_or_create_collection(
                name=collection_name,
                configuration={"hnsw": HNSW},
                metadata={"model": model, "app": APP_MARK},
            )
        except Exception as exc:  # chroma raises many types for a damaged folder
            raise IndexCorruptError(
                f"{location}: cannot open the Chroma collection {collection_name}: {exc}"
            ) from exc
        store = cls(path, conn, collection, model, location)
        if repair:
            store._repair_on_open()
        return store

    def _repair_on_open(self) -> None:
        """Repair under the write lock: a half-written batch of a live writer is not debris."""
        try:
            with self.write_lock():  # repairs once it holds the lock
                pass
        except _LockBusy:
            logger.info("%s: another process is writing; it repairs before it writes", self.index_dir)
        except DiskFullError as exc:
            logger.warning("%s; opened without repairing (reads ignore half-written articles)", exc)
        except OSError as exc:  # no lock file possible (read-only folder): repair without the lock
            logger.debug("%s: cannot take the write lock (%s)", self.index_dir, exc)
            self.repair()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> IndexStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """Exclusive between processes: two writers on one index would interleave their batches."""
        lock_path = self.index_dir / LOCK_NAME
        with open(lock_path, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise _LockBusy(
                    f"{self.index_dir} is being written by another process; wait for it to finish"
                ) from None
            try:
                self._refuse_after_disk_full()
                self._repair_for_writing()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _repair_for_writing(self) -> None:
        """Every writer starts from a repaired index (an earlier failure may have left debris)."""
        with self._stopping_on_full_disk():
            self.repair()

    @contextlib.contextmanager
    def _stopping_on_full_disk(self) -> Iterator[None]:
        """Turn an error meaning "the disk is full" into ``DiskFullError`` and stop writing."""
        try:
            yield
        except Exception as exc:
            full = self._disk_full_error(exc)
            if full is None:
                raise
            self._disk_full = full
            raise full from exc

    # ------------------------------------------------------------------ meta
    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def dimension(self) -> int | None:
        value = self.meta("dimension")
        return int(value) if value else None

    # ------------------------------------------------------------------ state queries
    def known_hash(self, article_id: str) -> str | None:
        """The content hash of a completely written article, or None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT content_hash FROM articles WHERE id = ? AND state = 'ok'", (article_id,)
            ).fetchone()
        return row[0] if row else None

    def find_duplicate(self, article: Article) -> str | None:
        """The id of another stored article with the same text or the same URL, if any."""
        text_hash, url = article_fingerprints(article)
        # One indexed lookup per fingerprint. ``+state`` keeps SQLite off the ``state`` index:
        # nearly every row is 'ok', so with it the query scanned the whole table per article.
        lookups = [("text_hash", text_hash)] + ([("url_norm", url)] if url else [])
        with self._lock:
            for column, value in lookups:
                row = self._conn.execute(
                    f"SELECT id FROM articles WHERE {column} = ? AND +state = 'ok' AND id != ? LIMIT 1",
                    (value, article.id),
                ).fetchone()
                if row:
                    return row[0]
        return None

    # ------------------------------------------------------------------ writing
    def write(self, prepared: Sequence[PreparedArticle]) -> int:
        """Write (add or replace) a batch of articles following the crash-safe protocol.

        If the disk fills up, raises ``DiskFullError`` naming the index folder, and this store
        accepts no more writes: the batch's half-written articles are invisible to reads and are
        removed when the index is next opened (Chroma's embedded store may not recover from a
        failed write inside the same process, so nothing more is asked of it here).
        """
        if not prepared:
            return 0
        dims = {p.vectors.shape[1] for p in prepared if len(p.chunks)}
        with self._lock:
            self._refuse_after_disk_full()
            with self._stopping_on_full_disk():
                self._check_dimension(dims)
                self._write(prepared)
        return sum(len(p.chunks) for p in prepared)

    def _refuse_after_disk_full(self) -> None:
        if self._disk_full is not None:
            raise DiskFullError(
                f"{self.index_dir}: writing stopped after the disk filled up. Free some space, then "
                "open the index again from a new process: it repairs itself and the same add completes."
            )

    def _disk_full_error(self, exc: BaseException) -> DiskFullError | None:
        """A ``DiskFullError`` if ``exc`` (or what caused it) means the disk is full, else None."""
        free = _free_bytes(self.index_dir)
        if not (_says_disk_full(exc) or (free is not None and free < LOW_DISK_BYTES)):
            return None
        shown = "unknown" if free is None else f"{free / 1e6:.1f} MB"
        return DiskFullError(
            f"{self.index_dir}: the disk is full (no space left on device; {shown} free). The last "
            f"batch of articles was not indexed (the articles indexed before it are intact); free some "
            f"space and run the same add again in a new process, which repairs the index first. "
            f"({exc.__class__.__name__}: {exc})"
        )

    def _write(self, prepared: Sequence[PreparedArticle]) -> None:
        with self._lock:
            ids = [p.article.id for p in prepared]
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            with self._conn:  # step 1
                for p in prepared:
                    a = p.article
                    text_hash, url_norm = article_fingerprints(a)
                    self._delete_chunk_rows(a.id)
                    self._conn.execute(
                        """INSERT OR REPLACE INTO articles (id, state, content_hash, text_hash, url_norm, title,
                           published, published_day, source, url, lang, origin, text, n_chunks, added_at)
                           VALUES (?, 'writing', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        (
                            a.id,
                            a.content_hash,
                            text_hash,
                            url_norm,
                            a.title,
                            a.published,
                            published_day(a.published),
                            a.source,
                            a.url,
                            a.lang,
                            a.origin,
                            a.text,
                            len(p.chunks),
                            now,
                        ),
                    )
            self._delete_vectors(ids)  # step 2
            nodes = [node for p in prepared for node in _nodes(p)]
            if nodes:
                self.vector_store.add(nodes)
            with self._conn:  # step 3
                for p in prepared:
                    title_terms = " ".join(tokenize(p.article.title))
                    for c in p.chunks:
                        cur = self._conn.execute(
                            'INSERT INTO chunks (id, article_id, position, start, "end") VALUES (?, ?, ?, ?, ?)',
                            (c.id, c.article_id, c.position, c.start, c.end),
                        )
                        self._conn.execute(
                            "INSERT INTO chunks_fts (rowid, body, title) VALUES (?, ?, ?)",
                            (cur.lastrowid, " ".join(tokenize(c.text)), title_terms),
                        )
                self._conn.executemany("UPDATE articles SET state = 'ok' WHERE id = ?", [(i,) for i in ids])

    def _check_dimension(self, dims: set[int]) -> None:
        if not dims:
            return
        if len(dims) > 1:
            raise ValueError(f"vectors of one batch must share one dimension, got {sorted(dims)}")
        (dim,) = dims
        stored = self.dimension
        if stored is None:
            with self._conn:
                self._conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('dimension', ?)", (str(dim),)
                )
        elif stored != dim:
            raise ModelMismatchError(
                f"{self.index_dir} holds {stored}-dimensional vectors from {self.model!r}; got {dim}-dimensional ones"
            )

    def _delete_chunk_rows(self, article_id: str) -> None:
        rowids = [
            r[0] for r in self._conn.execute("SELECT rowid FROM chunks WHERE article_id = ?", (article_id,))
        ]
        if rowids:
            self._conn.executemany("DELETE FROM chunks_fts WHERE rowid = ?", [(r,) for r in rowids])
            self._conn.execute("DELETE FROM chunks WHERE article_id = ?", (article_id,))

    def _delete_vectors(self, article_ids: Sequence[str]) -> None:
        for start in range(0, len(article_ids), 500):
            batch = list(article_ids[start : start + 500])
            self._collection.delete(where={"document_id": {"$in": batch}})

    def remove(self, article_ids: Iterable[str]) -> list[str]:
        """Delete articles (rows, chunks, vectors); returns the ids that existed."""
        with self._lock:
            ids = [i for i in dict.fromkeys(article_ids) if self._exists(i)]
            if not ids:
                return []
            with self._conn:
                self._conn.executemany(
                    "UPDATE articles SET state = 'writing' WHERE id = ?", [(i,) for i in ids]
                )
            self._finish_removal(ids)
        return ids

    def _exists(self, article_id: str) -> bool:
        return self._conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def _finish_removal(self, ids: Sequence[str]) -> None:
        self._delete_vectors(ids)
        with self._conn:
            for i in ids:
                self._delete_chunk_rows(i)
            self._conn.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in ids])

    def repair(self) -> list[str]:
        """Remove articles a killed run left half-written; returns their ids."""
        with self._lock:
            ids = [r[0] for r in self._conn.execute("SELECT id FROM articles WHERE state != 'ok'")]
            if ids:
                logger.warning("repairing %d article(s) left half-written by an interrupted run", len(ids))
                self._finish_removal(ids)
        return ids

    # ------------------------------------------------------------------ reading
    def stats(self) -> IndexStats:
        with self._lock:
            c = self._conn
            articles = c.execute("SELECT COUNT(*) FROM articles WHERE state = 'ok'").fetchone()[0]
            chunks = c.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
            sources = dict(
                c.execute(
                    "SELECT COALESCE(source, ''), COUNT(*) FROM articles WHERE state = 'ok' GROUP BY 1 ORDER BY 2 DESC"
                ).fetchall()
            )
            langs = dict(
                c.execute("SELECT lang, COUNT(*) FROM articles WHERE state = 'ok' GROUP BY 1").fetchall()
            )
            lo, hi = c.execute(
                "SELECT MIN(published), MAX(published) FROM articles WHERE state = 'ok' AND published IS NOT NULL"
            ).fetchone()
        return IndexStats(
            articles=articles,
            chunks=chunks,
            vectors=self._collection.count(),
            sources=sources,
            languages=langs,
            date_from=lo,
            date_to=hi,
            model=self.model,
            dimension=self.dimension,
            location=self.location,
        )

    def list_articles(self, query: str = "", *, limit: int = 50, offset: int = 0) -> list[ArticleInfo]:
        """Articles whose title (or id) contains ``query``, newest first."""
        like = f"%{query.strip()}%"
        with self._lock:
            rows = self._conn.execute(
                """SELECT id, title, published, source, url, lang, n_chunks, LENGTH(text), origin FROM articles
                   WHERE state = 'ok' AND (title LIKE ? OR id LIKE ?)
                   ORDER BY published IS NULL, published DESC, id LIMIT ? OFFSET ?""",
                (like, like, limit, offset),
            ).fetchall()
        return [ArticleInfo(*r) for r in rows]

    def get_article(self, article_id: str) -> Article | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT id, text, title, published, source, url, lang, origin FROM articles WHERE id = ? AND state = 'ok'",
                (article_id,),
            ).fetchone()
        if row is None:
            return None
        return Article(*row)

    def get_chunks(self, chunk_ids: Sequence[str]) -> list[StoredChunk]:
        """Chunks by id, in the order asked (unknown ids are left out)."""
        if not chunk_ids:
            return []
        out: dict[str, StoredChunk] = {}
        with self._lock:
            for start in range(0, len(chunk_ids), 500):
                batch = list(chunk_ids[start : start + 500])
                rows = self._conn.execute(
                    f"""SELECT c.id, c.article_id, c.position, c.start, c."end", a.text, a.title, a.published,
                               a.source, a.url, a.lang
                        FROM chunks c JOIN articles a ON a.id = c.article_id
                        WHERE a.state = 'ok' AND c.id IN ({",".join("?" * len(batch))})""",
                    batch,
                ).fetchall()
                for cid, aid, pos, s, e, text, title, pub, src, url, lang in rows:
                    out[cid] = StoredChunk(cid, aid, pos, s, e, text[s:e], title, pub, src, url, lang)
        return [out[i] for i in chunk_ids if i in out]

    def article_chunk_ids(self, article_id: str) -> list[str]:
        with self._lock:
            return [
                r[0]
                for r in self._conn.execute(
                    "SELECT id FROM chunks WHERE article_id = ? ORDER BY position", (article_id,)
                )
            ]

    def dense_search(
        self, vector: np.ndarray, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks by cosine similarity: ``[(chunk_id, cosine), ...]``, best first."""
        from llama_index.core.vector_stores.types import VectorStoreQuery

        if k <= 0 or self._collection.count() == 0:
            return []
        where = filters.chroma_where() if filters else None
        kwargs = {"where": where} if where else {}
        result = self.vector_store.query(
            VectorStoreQuery(query_embedding=[float(x) for x in vector], similarity_top_k=k), **kwargs
        )
        # ChromaVectorStore reports exp(-distance); with cosine space distance = 1 - cosine.
        return [
            (node_id, 1.0 + math.log(max(score, 1e-12)))
            for node_id, score in zip(result.ids or [], result.similarities or [], strict=False)
        ]

    def lexical_search(
        self, groups: Sequence[Sequence[str]], k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]:
        """BM25 over the normalised terms. ``groups``: each inner list is one query term with its
        alternatives (spelling variants); a chunk matches a group if it holds any of them."""
        clauses = []
        for group in groups:
            terms = [t for t in dict.fromkeys(group) if t]
            if terms:
                clauses.append("(" + " OR ".join('"' + t.replace('"', '""') + '"' for t in terms) + ")")
        if not clauses or k <= 0:
            return []
        where, args = (filters or SearchFilters()).sql("a")
        sql = f"""SELECT c.id, bm25(chunks_fts, 1.0, 0.4) AS score
                  FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid
                  JOIN articles a ON a.id = c.article_id
                  WHERE chunks_fts MATCH ? AND a.state = 'ok' AND {where}
                  ORDER BY score LIMIT ?"""
        with self._lock:
            rows = self._conn.execute(sql, [" OR ".join(clauses), *args, k]).fetchall()
        return [(cid, -score) for cid, score in rows]  # FTS5's bm25() is lower-is-better

    def vocabulary(self, min_df: int = 1) -> dict[str, int]:
        """Lexical terms of the index with their document (chunk) frequency."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT term, doc FROM chunks_vocab WHERE doc >= ?", (min_df,)
            ).fetchall()
        return dict(rows)

    def iter_texts(self, article_ids: Iterable[str] | None = None) -> Iterator[tuple[str, str]]:
        """``(article_id, text)`` of every stored article (or of the given ones), in batches."""
        with self._lock:
            ids = (
                [r[0] for r in self._conn.execute("SELECT id FROM articles WHERE state = 'ok'")]
                if article_ids is None
                else list(article_ids)
            )
        for start in range(0, len(ids), 200):
            batch = ids[start : start + 200]
            with self._lock:
                rows = self._conn.execute(
                    f"SELECT id, title || char(10) || text FROM articles WHERE state = 'ok' AND id IN "
                    f"({','.join('?' * len(batch))})",
                    batch,
                ).fetchall()
            yield from rows

    def chunk_count(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]

    def vector_ids(self) -> set[str]:
        """All ids in the Chroma collection (for consistency checks)."""
        ids: set[str] = set()
        total = self._collection.count()
        for offset in range(0, total, 5000):
            ids.update(self._collection.get(limit=5000, offset=offset, include=[])["ids"])
        return ids

    def chunk_ids(self) -> set[str]:
        with self._lock:
            return {r[0] for r in self._conn.execute("SELECT id FROM chunks")}


def _free_bytes(path: Path) -> int | None:
    try:
        stat = os.statvfs(path)
    except OSError:
        return None
    return stat.f_bavail * stat.f_frsize


_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_DISK_FULL_WORDS = ("no space left", "disk is full", "disk full", "os error 28", "quota exceeded")


def _says_disk_full(exc: BaseException | None) -> bool:
    """True if ``exc`` or an exception in its chain reports ENOSPC / SQLITE_FULL."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _DISK_FULL_ERRNOS:
            return True
        if getattr(exc, "sqlite_errorcode", None) == getattr(sqlite3, "SQLITE_FULL", 13):
            return True
        if any(word in str(exc).lower() for word in _DISK_FULL_WORDS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def read_index_meta(index_dir: str | os.PathLike[str]) -> dict[str, str] | None:
    """The ``meta`` table of an existing index (model, dimension, ...), or None if there is none."""
    db_path = Path(index_dir) / DB_NAME
    if not db_path.exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
            return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        raise IndexCorruptError(f"{db_path}: damaged index database ({exc})") from exc


def _connect(db_path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(db_path, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.executescript(_SCHEMA)
    except sqlite3.DatabaseError as exc:
        raise IndexCorruptError(f"{db_path}: not a readable index database ({exc})") from exc
    return conn


def _read_meta(conn: sqlite3.Connection, db_path: Path) -> dict[str, str]:
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        raise IndexCorruptError(f"{db_path}: damaged index database ({exc})") from exc


def _chroma_client(index_dir: Path, chroma_url: str | None) -> tuple[Any, str]:
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    if chroma_url:
        parts = urlsplit(chroma_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"chroma_url must look like http://HOST:PORT, got {chroma_url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 8000)
        try:
            client = chromadb.HttpClient(
                host=parts.hostname, port=port, ssl=parts.scheme == "https", settings=settings
            )
            client.heartbeat()
        except Exception as exc:
            raise IndexingError(f"cannot reach the Chroma server at {chroma_url}: {exc}") from exc
        return client, chroma_url
    chroma_path = index_dir / CHROMA_DIR
    try:
        client = chromadb.PersistentClient(path=str(chroma_path), settings=settings)
    except Exception as exc:
        raise IndexCorruptError(f"{chroma_path}: cannot open the Chroma store: {exc}") from exc
    return client, str(chroma_path)


def _nodes(p: PreparedArticle) -> list[Any]:
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    a = p.article
    day = published_day(a.published) or 0
    nodes = []
    for chunk, vector in zip(p.chunks, p.vectors, strict=True):
        nodes.append(
            TextNode(
                id_=chunk.id,
                text=chunk.text,
                embedding=[float(x) for x in vector],
                metadata={
                    "article_id": a.id,
                    "position": chunk.position,
                    "start": chunk.start,
                    "end": chunk.end,
                    "published_day": day,
                    "source": a.source or "",
                    "lang": a.lang,
                },
                excluded_embed_metadata_keys=[],
                relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=a.id)},
            )
        )
    return nodes


def dumps_stats(stats: IndexStats) -> str:
    return json.dumps(stats.as_dict(), ensure_ascii=False, indent=2)
