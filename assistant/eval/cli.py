"""Command line of the evaluation harness: ``python -m assistant.eval DATASET_DIR [...]`` (see the package)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from assistant.eval.results import TableResult
from assistant.eval.runner import AssistantFactory, evaluate_dataset
from assistant.eval.tables import format_misses, format_summary, format_table

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m assistant.eval",
        description="Evaluate retrieval and answers on dataset folders (articles.jsonl + questions*.jsonl).",
    )
    p.add_argument("datasets", nargs="+", metavar="DATASET_DIR", help="folders with questions*.jsonl")
    p.add_argument(
        "--articles",
        action="append",
        default=[],
        metavar="[NAME=]PATH",
        help="articles to index instead of DATASET_DIR/articles.jsonl; NAME=PATH applies to the dataset "
        "folder called NAME only (repeatable)",
    )
    p.add_argument(
        "--index-dir",
        help="keep indexes in INDEX_DIR/<dataset> between runs (re-adding is idempotent); "
        "default: a temporary index per dataset",
    )
    p.add_argument("--k", type=int, default=10, help="passages retrieved per question (default 10)")
    p.add_argument("--limit", type=int, help="first N questions of each question file")
    p.add_argument("--sample", type=int, help="a random subset of N questions of each question file")
    p.add_argument("--seed", type=int, default=0, help="random seed for --sample (default 0)")
    p.add_argument("--json", metavar="OUT", help="write metrics and per-question results to OUT")
    p.add_argument("--markdown", action="store_true", help="print tables as Markdown")
    p.add_argument(
        "--retrieval-only", action="store_true", help="only retrieve (recall, MRR, latency); do not ask"
    )
    p.add_argument("--misses", action="store_true", help="also print the questions that missed")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    return p


def _articles_for(specs: Sequence[str], datasets: Sequence[Path]) -> dict[Path, str]:
    """``--articles`` values: a plain PATH applies to every dataset, NAME=PATH to the one called NAME
    (and wins over a plain PATH)."""
    names = {d.name for d in datasets}
    plain = [s for s in specs if s.partition("=")[0] not in names or "=" not in s]
    targeted = [s.partition("=") for s in specs if s not in plain]
    if len(plain) > 1:
        raise ValueError(f"--articles: expected one plain PATH (use NAME=PATH for the others), got {plain}")
    chosen = {d: plain[0] for d in datasets} if plain else {}
    for name, _, path in targeted:
        chosen.update({d: path for d in datasets if d.name == name})
    return chosen


def main(argv: Sequence[str] | None = None, *, assistant_factory: AssistantFactory | None = None) -> int:
    for key, value in (
        ("HF_HUB_OFFLINE", "1"),
        ("TRANSFORMERS_OFFLINE", "1"),
        ("ANONYMIZED_TELEMETRY", "False"),
        ("TOKENIZERS_PARALLELISM", "false"),
    ):
        os.environ.setdefault(key, value)
    args = build_parser().parse_args(argv)
    level = logging.WARNING if args.verbose <= 0 else logging.INFO if args.verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for number, flag in ((args.k, "--k"), (args.limit, "--limit"), (args.sample, "--sample")):
        if number is not None and number < 1:
            print(f"error: {flag} expects a positive number, got {number}", file=sys.stderr)
            return 2
    datasets = [Path(d) for d in args.datasets]
    try:
        articles = _articles_for(args.articles, datasets)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    tables: list[TableResult] = []
    started = time.perf_counter()
    try:
        for d in datasets:
            tables += evaluate_dataset(
                d,
                articles=articles.get(d),
                index_dir=args.index_dir,
                k=args.k,
                limit=args.limit,
                sample=args.sample,
                seed=args.seed,
                assistant_factory=assistant_factory,
                show_progress=not args.quiet,
                ask=not args.retrieval_only,
            )
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for t in tables:
        print(format_table(t, markdown=args.markdown))
    errors = sum(t.metrics["errors"] for t in tables)
    if len(tables) > 1:
        print(
            ("### Summary\n\n" if args.markdown else "Summary\n\n")
            + format_summary(tables, markdown=args.markdown)
        )
    if args.misses:
        for t in tables:
            print(format_misses(t))
    if args.json:
        payload = {
            "config": {
                "datasets": [str(d) for d in datasets],
                "articles": {str(d): p for d, p in articles.items()},
                "k": args.k,
                "limit": args.limit,
                "sample": args.sample,
                "seed": args.seed,
                "retrieval_only": args.retrieval_only,
                "seconds": round(time.perf_counter() - started, 1),
            },
            "tables": [t.to_dict() for t in tables],
        }
        Path(args.json).write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    if errors:
        print(f"warning: {errors} question(s) raised an error (see the tables)", file=sys.stderr)
    return 1 if errors else 0
