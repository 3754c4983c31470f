"""The crash-safe write protocol: the write lock, batches in three steps, removal and repair."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
from collections.abc import Iterable, Iterator, Sequence

from index.errors import DiskFullError, IndexingError, ModelMismatchError
from index.readers.ids import article_fingerprints
from index.store.chroma import text_nodes
from index.store.disk import LOW_DISK_BYTES, free_bytes, says_disk_full
from index.store.handles import StoreHandles
from index.store.manifest import LOCK_NAME
from index.store.types import PreparedArticle, published_day
from index.text import tokenize

logger = logging.getLogger(__name__)


class LockBusy(IndexingError):
    """Another process holds the index's write lock."""


class WriteProtocol(StoreHandles):
    """The writing half of ``IndexStore`` (see the protocol in :mod:`index.store`)."""

    _disk_full: DiskFullError | None

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """Exclusive between processes: two writers on one index would interleave their batches."""
        lock_path = self.index_dir / LOCK_NAME
        with open(lock_path, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise LockBusy(
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
        free = free_bytes(self.index_dir)
        if not (says_disk_full(exc) or (free is not None and free < LOW_DISK_BYTES)):
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
            nodes = [node for p in prepared for node in text_nodes(p)]
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
