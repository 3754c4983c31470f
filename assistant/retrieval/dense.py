"""The dense channel: the embedding model's query and sentence vectors (cached) and their scores."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from assistant.retrieval.lexical import held_group_count
from assistant.schema import SentenceSpan
from index import Embedder, IndexStore, SearchFilters, StoredChunk
from index.text import split_sentences

__all__ = ["DenseChannel", "sentence_text"]

_QUERY_CACHE_SIZE = 256
_SENTENCE_CACHE_SIZE = 20_000


class DenseChannel:
    """Questions and sentences under the index's embedding model (e5). Thread-safe."""

    def __init__(self, store: IndexStore, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder
        self._lock = threading.Lock()
        self._sentence_cache: OrderedDict[tuple[str, int, int], np.ndarray] = OrderedDict()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def query_vector(self, question: str) -> np.ndarray:
        """The question's query vector (the last 256 are cached)."""
        with self._lock:
            cached = self._query_cache.get(question)
        if cached is None:
            cached = self.embedder.embed_queries([question])[0]
            with self._lock:
                self._query_cache[question] = cached
                while len(self._query_cache) > _QUERY_CACHE_SIZE:
                    self._query_cache.popitem(last=False)
        return cached

    def search(
        self, query_vector: np.ndarray, k: int, filters: SearchFilters | None
    ) -> list[tuple[str, float]]:
        """The ``k`` chunks nearest to ``query_vector``: ``(chunk id, cosine)``, best first."""
        return self.store.dense_search(query_vector, k, filters)

    def sentence_scores(
        self,
        chunks: Sequence[StoredChunk],
        query_vector: np.ndarray,
        groups: Sequence[Sequence[str]],
        term_bonus: float,
    ) -> dict[str, tuple[SentenceSpan, ...]]:
        """Each sentence's cosine with the question, plus ``term_bonus`` times the share of question
        terms (any spelling variant, e.g. a name in Arabic script) that it contains: among sentences
        of near-equal similarity, the one naming the people asked about wins."""
        spans: list[tuple[str, int, int, str]] = []
        for c in chunks:
            for s, e in split_sentences(c.text):
                spans.append((c.id, c.start + s, c.start + e, c.text[s:e]))
        keys = [(cid.split("::")[0], s, e) for cid, s, e, _ in spans]
        missing = [i for i, key in enumerate(keys) if key not in self._sentence_cache]
        if missing:
            vectors = self.embedder.embed_passages([spans[i][3] for i in missing])
            with self._lock:
                for i, v in zip(missing, vectors, strict=True):
                    self._sentence_cache[keys[i]] = v
                while len(self._sentence_cache) > _SENTENCE_CACHE_SIZE:
                    self._sentence_cache.popitem(last=False)
        out: dict[str, list[SentenceSpan]] = {c.id: [] for c in chunks}
        for (cid, s, e, _), key in zip(spans, keys, strict=True):
            vec = self._sentence_cache.get(key)
            if vec is None:  # evicted by another thread between the two steps
                vec = self.embedder.embed_passages([self.store_text(cid, s, e)])[0]
            score = float(np.dot(vec, query_vector))
            if groups:
                covered = held_group_count(sentence_text(chunks, cid, s, e), groups)
                score += term_bonus * covered / len(groups)
            out[cid].append(SentenceSpan(s, e, round(score, 6)))
        return {cid: tuple(v) for cid, v in out.items()}

    def text_scores(
        self,
        texts: Sequence[str],
        query_vector: np.ndarray,
        groups: Sequence[Sequence[str]],
        term_bonus: float,
    ) -> list[float]:
        """Short texts scored like sentences: cosine plus ``term_bonus`` times the share of question
        terms they contain."""
        vectors = self.embedder.embed_passages(list(texts))
        out = []
        for text, vec in zip(texts, vectors, strict=True):
            covered = held_group_count(text, groups) / len(groups) if groups else 0.0
            out.append(float(np.dot(vec, query_vector)) + term_bonus * covered)
        return out

    def store_text(self, chunk_id: str, start: int, end: int) -> str:
        """The text at ``[start, end)`` of the article holding chunk ``chunk_id`` ("" if gone)."""
        article = self.store.get_article(chunk_id.split("::")[0])
        return article.text[start:end] if article else ""


def sentence_text(chunks: Sequence[StoredChunk], chunk_id: str, start: int, end: int) -> str:
    """The text at article offsets ``[start, end)`` of chunk ``chunk_id`` among ``chunks``."""
    for c in chunks:
        if c.id == chunk_id:
            return c.text[start - c.start : end - c.start]
    return ""
