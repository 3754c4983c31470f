"""The Chroma side of an index: the client (embedded or a server) and the nodes it stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from index.errors import IndexCorruptError, IndexingError
from index.store.types import PreparedArticle, published_day

CHROMA_DIR = "chroma"


# HNSW parameters: Chroma's defaults gave recall@10 of about 0.5 on 10k random vectors here,
# these about 0.92 (see benchmarks/RESULTS.md for the measurement on real embeddings).
HNSW = {"space": "cosine", "ef_construction": 200, "ef_search": 200, "max_neighbors": 32}


def chroma_client(index_dir: Path, chroma_url: str | None) -> tuple[Any, str]:
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


def text_nodes(p: PreparedArticle) -> list[Any]:
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
