"""Retrieval of Arabic passages for English questions, one ``RetrievalConfig`` knob at a time.

Runs the real retriever (:meth:`Assistant.retrieve` through :func:`assistant.eval.evaluate_dataset`
with ``ask=False``) on the XQuAD English questions over the Arabic paragraphs, once per value of
one numeric ``RetrievalConfig`` field, and reports MRR@10 and recall@1 on the two halves of the
questions split by gold paragraph (sorted paragraph ids alternate A, B: tune on A, report B; the
same halves as ``benchmarks/sentence_choice.py``). Example, the weight of the term coverage in the
second encoder's ranking (``assistant.retrieval.term_coverage``)::

    .venv/bin/python benchmarks/cross_script.py second_order_term_weight 0,0.3,0.6,1,1.5 \\
        --index-dir /tmp/sentence-choice-idx --write benchmarks/RESULTS.md

Each value takes 3-6 minutes on 2 busy cores once the index exists. ``--write`` replaces the
``cross_script`` section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.sentence_choice import (  # noqa: E402  (also sets the offline environment)
    QUESTION_FILE,
    XQUAD_DIR,
    _positive,
    _weights,
    english_table,
    halves_by_paragraph,
)

SECTION = "cross_script"


def _factory(field: str, value: float) -> Any:
    def open_assistant(path: Path) -> Any:
        from assistant import Assistant
        from assistant.retrieval import RetrievalConfig

        return Assistant.open(path, retrieval=RetrievalConfig(**{field: value}))

    return open_assistant


def _numeric_fields() -> list[str]:
    from assistant.retrieval import RetrievalConfig

    return [
        f.name
        for f in dataclasses.fields(RetrievalConfig)
        if isinstance(getattr(RetrievalConfig(), f.name), (int, float))
        and not isinstance(getattr(RetrievalConfig(), f.name), bool)
    ]


def run_value(
    field: str, value: float, *, xquad_dir: Path, index_dir: Path, limit: int | None, show_progress: bool
) -> dict[str, Any]:
    """MRR@10 and recall@1 per half for ``RetrievalConfig(field=value)``."""
    from assistant.eval import load_questions

    half_of = halves_by_paragraph(load_questions(xquad_dir / QUESTION_FILE))
    t0 = time.perf_counter()
    table = english_table(
        xquad_dir,
        index_dir=index_dir,
        limit=limit,
        assistant_factory=_factory(field, value),
        show_progress=show_progress,
        ask=False,
    )
    row: dict[str, Any] = {"value": value, "seconds": time.perf_counter() - t0}
    row["errors"] = sum(r.error is not None for r in table.results)
    for half in "AB":
        scored = [r for r in table.results if half_of.get(r.id) == half and r.mrr is not None]
        row[half] = (
            sum(r.mrr for r in scored) / len(scored) if scored else 0.0,
            sum(r.recall.get("recall@1", 0.0) for r in scored) / len(scored) if scored else 0.0,
            len(scored),
        )
    return row


def format_rows(field: str, rows: Sequence[dict[str, Any]]) -> str:
    lines = [
        f"| {field} | A: MRR@10 | A: R@1 | B: MRR@10 | B: R@1 | questions A/B | errors | seconds |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        (ma, ra, na), (mb, rb, nb) = r["A"], r["B"]
        lines.append(
            f"| {r['value']:g} | {ma:.4f} | {ra:.3f} | {mb:.4f} | {rb:.3f} | {na}/{nb} | "
            f"{r['errors']} | {r['seconds']:.0f} |"
        )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python benchmarks/cross_script.py",
        description="XQuAD English questions over Arabic paragraphs: retrieval MRR per half, "
        "for each value of one numeric RetrievalConfig field.",
    )
    p.add_argument("field", help="a numeric field of assistant.retrieval.RetrievalConfig")
    p.add_argument("values", type=_weights, help="comma-separated values >= 0, e.g. 0,0.3,0.6")
    p.add_argument("--limit", type=_positive, help="first N questions only")
    p.add_argument(
        "--index-dir",
        type=Path,
        help="keep the index in INDEX_DIR/xquad (built when missing); default: temporary",
    )
    p.add_argument("--xquad-dir", type=Path, default=XQUAD_DIR, help=f"XQuAD folder (default {XQUAD_DIR})")
    p.add_argument("--write", type=Path, metavar="RESULTS_MD", help=f"replace the '{SECTION}' section")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    fields = _numeric_fields()
    if args.field not in fields:
        print(
            f"error: expected a numeric RetrievalConfig field ({', '.join(fields)}), got {args.field!r}",
            file=sys.stderr,
        )
        return 2
    for path in (args.xquad_dir / QUESTION_FILE, args.xquad_dir / "articles.jsonl"):
        if not path.is_file():
            print(f"error: expected {path}, found nothing", file=sys.stderr)
            return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="cross-script-idx-") as tmp:
        for value in args.values:
            rows.append(
                run_value(
                    args.field,
                    value,
                    xquad_dir=args.xquad_dir,
                    index_dir=args.index_dir or Path(tmp),
                    limit=args.limit,
                    show_progress=not args.quiet,
                )
            )
            print(f"{args.field}={value:g} done in {rows[-1]['seconds']:.0f} s", file=sys.stderr, flush=True)
    table = format_rows(args.field, rows)
    print(table)
    if args.write:
        from benchmarks.results_file import replace_section

        limit = f" --limit {args.limit}" if args.limit else ""
        values = ",".join(f"{v:g}" for v in args.values)
        replace_section(
            args.write,
            SECTION,
            "## English questions over Arabic paragraphs, one retrieval knob (`benchmarks/cross_script.py`)\n\n"
            "XQuAD English questions, halves A/B split by gold paragraph (tune on A, report B); "
            "the real retriever, nothing else changed.\n\n"
            f"{table}\n\n"
            f"Run {time.strftime('%Y-%m-%d')} (shared machine). Command: `.venv/bin/python "
            f"benchmarks/cross_script.py {args.field} {values}{limit} --write benchmarks/RESULTS.md`\n",
        )
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
