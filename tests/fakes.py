"""Tiny deterministic stand-ins for the heavy parts (the embedding model, the LLM)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from index.text import tokenize

__all__ = ["FakeEmbedder", "LexiconEncoder", "MarkerEncoder"]


class FakeEmbedder:
    """Hashed bag-of-terms vectors: texts sharing normalised terms get a high cosine.

    Deterministic across runs and machines; counts its calls so tests can check batching.
    """

    def __init__(self, dimension: int = 64, model_name: str = "fake-hash-64") -> None:
        self.dimension = dimension
        self.model_name = model_name
        self.query_prefix = "query: "
        self.passage_prefix = "passage: "
        self.calls: list[int] = []

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dimension, dtype=np.float32)
        for term in tokenize(text) or [text]:
            h = int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "little")
            v[h % self.dimension] += 1.0 if (h >> 32) & 1 else -1.0
        norm = float(np.linalg.norm(v))
        if norm == 0:
            v[0] = 1.0
            norm = 1.0
        return v / norm

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return (
            np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)
        )

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_passages(texts)


class MarkerEncoder:
    """Fake second encoder (the ``encode`` of ``assistant.retrieval.SecondEncoder``): the
    question and texts containing ``marker`` point one way, every other text another; records
    what it was asked to encode."""

    def __init__(self, question: str, marker: str = "") -> None:
        self.question = question
        self.marker = marker
        self.seen: list[str] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        out = np.zeros((len(texts), 2), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i, 0 if (t == self.question or (self.marker and self.marker in t)) else 1] = 1.0
        return out


class LexiconEncoder:
    """Fake second encoder that knows translations: texts listed together in one entry of
    ``lexicon`` share a vector (cosine 1); every other text gets its own near-orthogonal hashed
    vector (cosine about 0 with the rest). Records what it was asked to encode."""

    def __init__(self, lexicon: Sequence[Sequence[str]], dimension: int = 256) -> None:
        self.dimension = dimension
        self.concept = {text: i for i, words in enumerate(lexicon) for text in words}
        self.seen: list[str] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, t in enumerate(texts):
            if t in self.concept:
                out[i, self.concept[t]] = 1.0
            else:
                h = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
                out[i, len(self.concept) + h % (self.dimension - len(self.concept))] = 1.0
        return out
