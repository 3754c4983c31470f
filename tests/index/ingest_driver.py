"""A real ingestion process for the kill tests: adds generated articles with a slowed fake model.

Usage: python -m tests.index.ingest_driver INDEX_DIR N_ARTICLES SEED
"""

from __future__ import annotations

import random
import sys
import time

from index import Article, NewsIndex
from tests.fakes import FakeEmbedder


class SlowFakeEmbedder(FakeEmbedder):
    def embed_passages(self, texts):
        time.sleep(0.02 + 0.002 * len(texts))
        return super().embed_passages(texts)


def articles(n: int, seed: int) -> list[Article]:
    rng = random.Random(seed)
    words = "storm harbour council minister election river bridge market school hospital".split()
    out = []
    for i in range(n):
        sentences = [
            f"Report {i} sentence {j} about the {rng.choice(words)} and the {rng.choice(words)}."
            for j in range(rng.randint(3, 30))
        ]
        out.append(
            Article(
                id=f"gen-{i}",
                text=" ".join(sentences),
                title=f"Generated {i}",
                lang="en",
                published=f"2024-01-{1 + i % 28:02d}",
                source="Gen",
            )
        )
    return out


def main() -> None:
    index_dir, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with NewsIndex.open(index_dir, embedder=SlowFakeEmbedder()) as idx:
        report = idx.add(articles(n, seed))
    print(report.summary(), flush=True)


if __name__ == "__main__":
    main()
