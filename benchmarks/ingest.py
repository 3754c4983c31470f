"""Ingestion benchmark: embedding paths (torch fp32, ONNX fp32, ONNX int8) against the CPU's limit.

Measures on this machine:
  (a) float32 matmul GFLOP/s (numpy and torch, 1024x1024, all cores): the arithmetic limit;
  (b) the model's FLOPs per chunk, from its config and the token lengths of the real chunks;
  (c) chunks/s of each embedding path on the demo corpus's chunks, and the fraction of the limit;
  (d) articles/s and chunks/s of the whole ingestion pipeline (``NewsIndex.add``) for the default
      and the fastest path, extrapolated to the whole 9,701-article sample;
  (e) retrieval quality on the XQuAD dev set (dense, whole paragraphs) for torch fp32 vs ONNX int8.

Usage (from the repository root):
    python benchmarks/ingest.py --articles 150 --write benchmarks/RESULTS.md
    python benchmarks/ingest.py --articles 20 --paths torch,onnx-int8 --skip-quality

The machine may be shared, so (c) and (d) run the paths in interleaved rounds (speed-ups are
medians of back-to-back ratios) and take a short matmul measurement beside every timed segment: the
fraction of the limit is against what the CPU delivered at that moment.

``--write FILE`` replaces only the section between ``<!-- ingest:start -->`` and
``<!-- ingest:end -->`` in FILE (appending it if missing); the rest of the file is left alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import itertools
import json
import logging
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from benchmarks import SHARED, offline_environment  # noqa: E402

offline_environment()

import numpy as np  # noqa: E402

from benchmarks.ingest_report import Series, render, verdict  # noqa: E402
from index.chunking import chunk_article  # noqa: E402
from index.model.embedding import EmbeddingConfig, SentenceTransformerEmbedder  # noqa: E402
from index.readers import read_articles  # noqa: E402
from index.schema import Article  # noqa: E402

__all__ = ["main"]

logger = logging.getLogger("benchmarks.ingest")

SEED = SHARED / "data" / "seed" / "haftar_russia_visit.jsonl"
NEWS = SHARED / "data" / "news" / "jawharafm.jsonl.gz"
XQUAD = SHARED / "eval" / "xquad"
SAMPLE_ARTICLES = 9_701
PATHS = ("torch", "onnx", "onnx-int8")
PIPELINE_BATCH = 64  # chunks per embed call, as in index.build.add_articles

# --- (a) the machine ---------------------------------------------------------------------------


def matmul_gflops(n: int = 1024, reps: int = 10, trials: int = 3) -> dict[str, float]:
    """Best-of-``trials`` float32 GFLOP/s of ``reps`` n x n matmuls, numpy and torch (all cores)."""
    import torch

    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((n, n), dtype=np.float32) for _ in range(2))
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    flops = 2.0 * n**3 * reps
    result = {}
    for name, mul in (("numpy", lambda: a @ b), ("torch", lambda: torch.mm(ta, tb))):
        mul()  # warm up the BLAS threads
        best = float("inf")
        for _ in range(trials):
            start = time.perf_counter()
            for _ in range(reps):
                mul()
            best = min(best, time.perf_counter() - start)
        result[name] = flops / best / 1e9
    return result


def quick_limit() -> float:
    """A short matmul measurement (about a second) taken right beside a timed segment."""
    return max(matmul_gflops(reps=4, trials=2).values())


def machine_info() -> dict[str, Any]:
    import torch

    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {
        p: importlib.metadata.version(p) for p in ("torch", "onnxruntime", "sentence-transformers", "numpy")
    }
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "versions": versions,
    }


# --- (b) the model's arithmetic ------------------------------------------------------------------


def flops_per_chunk(config: dict[str, Any], lengths: np.ndarray) -> np.ndarray:
    layers, d, f = config["num_hidden_layers"], config["hidden_size"], config["intermediate_size"]
    n = lengths.astype(np.float64)
    return layers * (8 * n * d**2 + 4 * n * d * f + 4 * n**2 * d)


def token_lengths(model_dir: Path, texts: list[str], max_length: int) -> np.ndarray:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length)
    return np.array([len(e.ids) for e in tokenizer.encode_batch(texts)])


# --- the corpus ----------------------------------------------------------------------------------


def demo_articles(n_news: int) -> list[Article]:
    """The seed article and the first ``n_news`` articles of the news sample, as the pipeline reads them."""
    items = read_articles([str(SEED), str(NEWS)])
    return [a for a in itertools.islice(items, n_news + 1) if isinstance(a, Article)]


def sample_chunk_count() -> tuple[int, int]:
    """(articles, chunks) of the whole news sample: reading and chunking only, no embedding."""
    articles = chunks = 0
    for item in read_articles([str(NEWS)]):
        if isinstance(item, Article):
            articles += 1
            chunks += len(chunk_article(item))
    return articles, chunks


# --- (c) embedding throughput --------------------------------------------------------------------


def load_embedder(backend: str, batch_size: int) -> tuple[SentenceTransformerEmbedder, float]:
    start = time.perf_counter()
    embedder = SentenceTransformerEmbedder(EmbeddingConfig(backend=backend, batch_size=batch_size))
    embedder.embed_passages(["warm up", "تسخين"])
    return embedder, time.perf_counter() - start


def embedding_throughput(
    embedders: dict[str, SentenceTransformerEmbedder], chunks: list[str], flops: np.ndarray, rounds: int
) -> tuple[dict[str, Series], dict[str, np.ndarray]]:
    """Each path embeds each of ``rounds`` slices of the chunks in turn, in pipeline-sized calls."""
    series = {name: Series(name) for name in embedders}
    parts: dict[str, list[np.ndarray]] = {name: [] for name in embedders}
    bounds = np.linspace(0, len(chunks), rounds + 1).astype(int)
    for r, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        for name, embedder in embedders.items():
            before = quick_limit()
            start = time.perf_counter()
            for s in range(lo, hi, PIPELINE_BATCH):
                parts[name].append(embedder.embed_passages(chunks[s : min(s + PIPELINE_BATCH, hi)]))
            took = time.perf_counter() - start
            limit = (before + quick_limit()) / 2
            series[name].add(hi - lo, float(flops[lo:hi].sum()), took, limit)
            logger.info(
                "round %d/%d %s: %.2f chunks/s (matmul %.0f GFLOP/s)",
                r + 1,
                rounds,
                name,
                (hi - lo) / took,
                limit,
            )
    return series, {name: np.concatenate(p) for name, p in parts.items()}


# --- (d) the whole pipeline ----------------------------------------------------------------------


def ingest_once(backend: str, n_news: int, batch_size: int) -> dict[str, float]:
    """One fresh index: ``NewsIndex.add`` of the seed + ``n_news`` articles, model load not timed."""
    from index import NewsIndex

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        idx = NewsIndex.open(tmp, embedding=EmbeddingConfig(backend=backend, batch_size=batch_size))
        try:
            idx.embedder.embed_passages(["warm up"])  # load the model outside the timed part
            before = quick_limit()
            report = idx.add([str(SEED), str(NEWS)], limit=n_news + 1)
            limit = (before + quick_limit()) / 2
        finally:
            idx.close()
    if not report.ok:
        logger.warning("ingestion reported problems: %s", report.problems[:5])
    logger.info("ingest %s: %s (matmul %.0f GFLOP/s)", backend, report.summary(), limit)
    return {
        "articles": report.added + report.updated,
        "chunks": report.chunks,
        "seconds": report.seconds,
        "limit": limit,
    }


# --- (e) retrieval quality -----------------------------------------------------------------------


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def xquad_quality(embedder: SentenceTransformerEmbedder) -> dict[str, dict[str, float]]:
    """Dense retrieval of whole XQuAD paragraphs: recall@1, recall@5 and MRR per question language."""
    paragraphs = _jsonl(XQUAD / "articles.jsonl")
    ids = [p["id"] for p in paragraphs]
    passages = embedder.embed_passages([p["text"] for p in paragraphs])
    out = {}
    for lang in ("en", "ar"):
        questions = [q for q in _jsonl(XQUAD / f"questions_{lang}.jsonl") if q.get("gold_article_ids")]
        scores = embedder.embed_queries([q["question"] for q in questions]) @ passages.T
        order = np.argsort(-scores, axis=1)
        ranks = []
        for q, row in zip(questions, order, strict=True):
            gold = set(q["gold_article_ids"])
            ranks.append(next(i for i, j in enumerate(row, 1) if ids[j] in gold))
        r = np.array(ranks)
        out[f"{lang}→ar"] = {
            "questions": len(r),
            "recall@1": float((r <= 1).mean()),
            "recall@5": float((r <= 5).mean()),
            "mrr": float((1 / r).mean()),
        }
    return out


# --- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--articles", type=int, default=200, help="news articles after the seed (default 200)"
    )
    parser.add_argument("--paths", default=",".join(PATHS), help="comma-separated: torch,onnx,onnx-int8")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds for (c) (default 3)")
    parser.add_argument("--ingest-rounds", type=int, default=2, help="alternating runs for (d) (default 2)")
    parser.add_argument("--batch-size", type=int, default=EmbeddingConfig().batch_size)
    parser.add_argument("--skip-quality", action="store_true", help="skip the XQuAD quality check (e)")
    parser.add_argument("--skip-ingest", action="store_true", help="skip the whole-pipeline runs (d)")
    parser.add_argument("--write", type=Path, help="replace the ingest section of this Markdown file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    if bad := [p for p in paths if p not in PATHS]:
        parser.error(f"--paths: expected some of {', '.join(PATHS)}, got {', '.join(bad)}")

    from index.model import ensure_default_model

    r: dict[str, Any] = {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "command": "python benchmarks/ingest.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "n_news": args.articles,
        "rounds": args.rounds,
        "batch_size": args.batch_size,
        "load_before": os.getloadavg()[0],
        "machine": machine_info(),
    }
    logger.info("(a) matmul GFLOP/s")
    r["gflops_start"] = matmul_gflops()

    model_dir = ensure_default_model()
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    articles = demo_articles(args.articles)
    chunks = [c.text for a in articles for c in chunk_article(a)]
    r["n_chunks"] = len(chunks)
    passage_prefix = EmbeddingConfig().prefixes()[1]
    lengths = token_lengths(model_dir, [passage_prefix + c for c in chunks], EmbeddingConfig().max_seq_length)
    flops = flops_per_chunk(config, lengths)
    r["model"] = {
        "layers": config["num_hidden_layers"],
        "hidden": config["hidden_size"],
        "intermediate": config["intermediate_size"],
        "tokens_mean": float(lengths.mean()),
        "tokens_p10": float(np.percentile(lengths, 10)),
        "tokens_p90": float(np.percentile(lengths, 90)),
        "tokens_max": float(lengths.max()),
        "gflops_per_chunk": float(flops.mean() / 1e9),
    }
    logger.info(
        "(b) %d chunks, %.1f tokens on average, %.2f GFLOP per chunk",
        len(chunks),
        lengths.mean(),
        flops.mean() / 1e9,
    )

    logger.info("(c) loading %s", ", ".join(paths))
    embedders, r["load_seconds"] = {}, {}
    for name in paths:
        embedders[name], r["load_seconds"][name] = load_embedder(name, args.batch_size)
    r["paths"], vectors = embedding_throughput(embedders, chunks, flops, args.rounds)
    r["cosines"] = {}
    if "torch" in vectors:
        for name, v in vectors.items():
            cos = (v * vectors["torch"]).sum(axis=1)
            r["cosines"][name] = (float(cos.min()), float(cos.mean()))
    base = r["paths"].get("torch")
    fastest = max(r["paths"], key=lambda n: r["paths"][n].speedup_over(base) if base else r["paths"][n].rate)

    if not args.skip_quality:
        quality_paths = [p for p in ("torch", "onnx-int8") if p in embedders] or [fastest]
        r["quality"] = {}
        for name in quality_paths:
            logger.info("(e) XQuAD quality with %s", name)
            r["quality"][name] = xquad_quality(embedders[name])
    embedders.clear()  # free the models before the pipeline loads its own

    if not args.skip_ingest:
        r["ingest"] = {}
        for _ in range(args.ingest_rounds):
            for name in dict.fromkeys([EmbeddingConfig().backend, fastest]):
                run = ingest_once(name, args.articles, args.batch_size)
                arts, chks = r["ingest"].setdefault(name, (Series(name), Series(name)))
                useful = float(flops.sum()) * run["chunks"] / len(chunks)
                arts.add(run["articles"], useful, run["seconds"], run["limit"])
                chks.add(run["chunks"], useful, run["seconds"], run["limit"])
        arts, chks = next(iter(r["ingest"].values()))
        r["ingest_chunks_per_article"] = chks.units[0] / arts.units[0]
        r["sample"] = sample_chunk_count()

    r["gflops_end"] = matmul_gflops()
    r["load_after"] = os.getloadavg()[0]
    r["verdict"] = verdict(r)
    text = render(r)
    print(text)
    if args.write:
        from benchmarks.results_file import replace_section

        replace_section(args.write, "ingest", text)
        logger.info("wrote the ingest section of %s", args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
