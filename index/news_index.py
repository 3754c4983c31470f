"""NewsIndex: one index folder with its embedding model, the ingestion side's public entry point."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence

from index.build import AddReport, Progress, add_articles
from index.chunking import ChunkingConfig
from index.model.embedding import Embedder, EmbeddingConfig, SentenceTransformerEmbedder
from index.schema import Article, ReadProblem
from index.store import ArticleInfo, IndexStats, IndexStore, read_index_meta

__all__ = ["NewsIndex"]

logger = logging.getLogger(__name__)


class NewsIndex:
    """An index folder opened with an embedding model.

    >>> idx = NewsIndex.open("my-index")            # the bundled multilingual-e5-small
    >>> idx.add(["articles.jsonl", "https://example.org/feed.xml"]).summary()
    """

    def __init__(self, store: IndexStore, embedder: Embedder, chunking: ChunkingConfig | None = None):
        self.store = store
        self.embedder = embedder
        self.chunking = chunking or ChunkingConfig()

    @classmethod
    def open(
        cls,
        index_dir: str | os.PathLike[str],
        *,
        embedding: EmbeddingConfig | None = None,
        embedder: Embedder | None = None,
        chroma_url: str | None = None,
        chunking: ChunkingConfig | None = None,
        create: bool = True,
    ) -> NewsIndex:
        """Open or create an index. Pass ``embedder`` to reuse a loaded model (or a test fake);
        otherwise ``embedding`` says which model to load (on first use)."""
        if embedder is None:
            if embedding is None:
                meta = read_index_meta(index_dir) or {}
                embedding = EmbeddingConfig(**_config_from_meta(meta))
            embedder = SentenceTransformerEmbedder(embedding)
        model_info = {
            key: value
            for key in ("query_prefix", "passage_prefix")
            if isinstance(value := getattr(embedder, key, None), str)
        }
        store = IndexStore.open(
            index_dir, model=embedder.model_name, chroma_url=chroma_url, create=create, model_info=model_info
        )
        return cls(store, embedder, chunking)

    def add(
        self,
        inputs: Sequence[str] | Iterable[Article | ReadProblem],
        *,
        limit: int | None = None,
        progress: Progress | None = None,
        allow_private_urls: bool = True,
    ) -> AddReport:
        """Add files, folders, globs or URLs (or Article objects); see ``index.build.add_articles``.

        A server that adds URLs its users give should pass ``allow_private_urls=False``.
        """
        return add_articles(
            self.store,
            self.embedder,
            inputs,
            chunking=self.chunking,
            limit=limit,
            progress=progress,
            allow_private_urls=allow_private_urls,
        )

    def remove(self, article_ids: Iterable[str]) -> list[str]:
        with self.store.write_lock():
            return self.store.remove(article_ids)

    def stats(self) -> IndexStats:
        return self.store.stats()

    def list_articles(self, query: str = "", *, limit: int = 50, offset: int = 0) -> list[ArticleInfo]:
        return self.store.list_articles(query, limit=limit, offset=offset)

    def get_article(self, article_id: str) -> Article | None:
        return self.store.get_article(article_id)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> NewsIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _config_from_meta(meta: dict[str, str]) -> dict[str, str]:
    """An existing index reopens with the model (and prefixes) that built it; env vars set defaults."""
    config: dict[str, str] = {}
    model = meta.get("model") or os.environ.get("NEWS_ASSISTANT_MODEL")
    if model:
        config["model"] = model
    for key in ("query_prefix", "passage_prefix"):
        if key in meta:
            config[key] = meta[key]
    backend = os.environ.get("NEWS_ASSISTANT_EMBED_BACKEND")
    if backend:
        config["backend"] = backend
    return config
