"""HNSW settings for the Chroma collection, chosen by measured recall on real embeddings.

Embeds the chunks of the first N demo-corpus articles with the index's model (any backend),
stores them in Chroma collections built with different HNSW settings, queries each with the
embeddings of held-out chunks (as queries) and compares the top 10 with exact search.

    .venv/bin/python benchmarks/hnsw.py --articles 1500 --backend onnx-int8 --write benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks import offline_environment  # noqa: E402

offline_environment()

SETTINGS = {
    "chroma default": {"space": "cosine"},
    "ef_c 100, ef_s 100, M 16": {
        "space": "cosine",
        "ef_construction": 100,
        "ef_search": 100,
        "max_neighbors": 16,
    },
    "ef_c 200, ef_s 200, M 32 (ours)": {
        "space": "cosine",
        "ef_construction": 200,
        "ef_search": 200,
        "max_neighbors": 32,
    },
}


def embed_corpus(n_articles: int, backend: str, shared: Path) -> np.ndarray:
    from index.chunking import chunk_article
    from index.model.embedding import EmbeddingConfig, SentenceTransformerEmbedder
    from index.readers import read_articles
    from index.schema import Article

    texts = []
    for item in itertools.islice(
        read_articles([str(shared / "data" / "news" / "jawharafm.jsonl.gz")]), n_articles
    ):
        if isinstance(item, Article):
            texts.extend(c.text for c in chunk_article(item))
    embedder = SentenceTransformerEmbedder(EmbeddingConfig(backend=backend))
    t0 = time.perf_counter()
    vectors = embedder.embed_passages(texts)
    print(f"embedded {len(texts)} chunks in {time.perf_counter() - t0:.0f} s ({backend})", file=sys.stderr)
    return vectors


def measure(vectors: np.ndarray, n_queries: int, k: int = 10) -> list[tuple[str, float, float, float]]:
    import chromadb
    from chromadb.config import Settings

    rng = np.random.default_rng(0)
    q_idx = rng.choice(len(vectors), size=min(n_queries, len(vectors) // 10), replace=False)
    mask = np.ones(len(vectors), bool)
    mask[q_idx] = False
    base, queries = vectors[mask], vectors[q_idx]
    exact = np.argsort(-(queries @ base.T), axis=1)[:, :k]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        client = chromadb.PersistentClient(path=tmp, settings=Settings(anonymized_telemetry=False))
        for name, hnsw in SETTINGS.items():
            col = client.create_collection(f"hnsw-{len(rows)}", configuration={"hnsw": hnsw})
            t0 = time.perf_counter()
            for s in range(0, len(base), 5000):
                col.add(
                    ids=[str(i) for i in range(s, min(s + 5000, len(base)))], embeddings=base[s : s + 5000]
                )
            build = time.perf_counter() - t0
            t0 = time.perf_counter()
            res = col.query(query_embeddings=queries, n_results=k, include=[])
            per_query = (time.perf_counter() - t0) / len(queries) * 1000
            recall = np.mean(
                [
                    len({int(i) for i in got} & set(want.tolist())) / k
                    for got, want in zip(res["ids"], exact, strict=True)
                ]
            )
            rows.append((name, float(recall), build, per_query))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1500)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--backend", default="onnx-int8")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--write", type=Path, help="update the hnsw section of this Markdown file")
    args = ap.parse_args()
    vectors = embed_corpus(args.articles, args.backend, args.shared)
    rows = measure(vectors, args.queries)
    lines = [
        f"Recall@10 of Chroma's HNSW against exact search: {len(vectors)} real chunk embeddings "
        f"(multilingual-e5-small, {args.backend}) of the first {args.articles} demo-corpus articles, "
        f"{min(args.queries, len(vectors) // 10)} held-out chunks as queries.",
        "",
        "| HNSW settings | recall@10 | build s | ms/query |",
        "|---|---:|---:|---:|",
        *[f"| {n} | {r:.3f} | {b:.1f} | {q:.2f} |" for n, r, b, q in rows],
        "",
        f"Command: `.venv/bin/python benchmarks/hnsw.py --articles {args.articles} --backend {args.backend} "
        f"--write benchmarks/RESULTS.md`",
    ]
    table = "\n".join(lines)
    print(table)
    if args.write:
        from benchmarks.results_file import replace_section

        replace_section(args.write, "hnsw", "## HNSW settings (`benchmarks/hnsw.py`)\n\n" + table)


if __name__ == "__main__":
    main()
