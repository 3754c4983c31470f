"""Reads of an index: meta, duplicates, stats, articles and chunks, dense and lexical search."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from index.readers.ids import article_fingerprints
from index.schema import Article
from index.store.handles import StoreHandles
from index.store.types import ArticleInfo, IndexStats, SearchFilters, StoredChunk


class StoreReads(StoreHandles):
    """The reading half of ``IndexStore``: every query takes the store's lock."""

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
