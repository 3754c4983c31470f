"""Temporary shim: moved to index/model/embedding.py; removed when the restructure branches are merged."""

from __future__ import annotations

from index.model.embedding import Embedder, EmbeddingConfig, SentenceTransformerEmbedder

__all__ = ["Embedder", "EmbeddingConfig", "SentenceTransformerEmbedder"]
