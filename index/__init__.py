"""Ingestion side of the news assistant: read, clean, chunk, embed and store articles.

Heavy libraries (sentence-transformers, chromadb, llama-index) are imported only where used, so
``import index`` and ``python -m index --help`` stay fast.
"""

from __future__ import annotations

from index.build import AddReport
from index.chunking import ChunkingConfig, chunk_article
from index.errors import (
    DiskFullError,
    IndexCorruptError,
    IndexingError,
    ModelMismatchError,
    ModelUnavailableError,
)
from index.model.embedding import Embedder, EmbeddingConfig, SentenceTransformerEmbedder
from index.news_index import NewsIndex
from index.schema import Article, Chunk, ReadProblem
from index.store import ArticleInfo, IndexStats, IndexStore, SearchFilters, StoredChunk

__all__ = [
    "AddReport",
    "Article",
    "ArticleInfo",
    "Chunk",
    "ChunkingConfig",
    "DiskFullError",
    "Embedder",
    "EmbeddingConfig",
    "IndexCorruptError",
    "IndexStats",
    "IndexStore",
    "IndexingError",
    "ModelMismatchError",
    "ModelUnavailableError",
    "NewsIndex",
    "ReadProblem",
    "SearchFilters",
    "SentenceTransformerEmbedder",
    "StoredChunk",
    "chunk_article",
]
