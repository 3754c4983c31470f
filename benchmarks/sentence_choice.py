"""Which sentence answers an English question over Arabic articles: e5 alone, or e5 + w x USE
cosine + t x cross-lingual term coverage?

When a question's script differs from most of its candidate passages, the retriever runs a second
encoder (multilingual USE, ``assistant/retrieval/second_encoder.py``) and, with
``RetrievalConfig.second_sentence_weight = w`` and ``second_term_weight = t``, orders the passages'
sentences by the e5 sentence score plus ``w`` times the sentence's USE cosine plus ``t`` times its
term coverage (:func:`assistant.retrieval.term_coverage`; abstention still on e5's scale). This
script runs the real pipeline (:meth:`Assistant.ask`, citation checks included) once per pair of
weights (every ``w`` with every ``t``) and reports:

- XQuAD English questions over the Arabic paragraphs (``questions_en.jsonl``), on two halves split
  by gold paragraph (the sorted paragraph ids alternate A, B; tune on A, report B): the share of
  answerable questions whose FIRST citation quote contains a gold answer (``answers`` plus
  ``answers_ar``, :func:`assistant.eval.contains_any`; an abstention counts as a miss), and the
  false abstention;
- the seed set (``/work/shared/eval/seed``, English and Arabic questions over one Arabic article):
  how many answerable questions cite a gold sentence first (:func:`assistant.eval.quote_matches_gold`)
  and how many unanswerable ones are declined.

Indexes are built (or found) by :func:`assistant.eval.evaluate_dataset` in ``INDEX_DIR/xquad`` and
``INDEX_DIR/seed`` (the layout of ``python -m assistant.eval --index-dir``); without ``--index-dir``
a temporary folder holds them for the run. The full run (1,190 + 13 questions per pair)::

    .venv/bin/python benchmarks/sentence_choice.py live --weights 0.2 --term-weights 0,0.3 \
        --index-dir /tmp/sentence-choice-idx

``--limit N`` asks only the first N questions of each question file (the halves still come from
the whole file). ``--write benchmarks/RESULTS.md`` replaces the ``sentence_choice`` section there.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks import SHARED, offline_environment  # noqa: E402

offline_environment()

from assistant.eval import (  # noqa: E402
    EvalQuestion,
    QuestionResult,
    contains_any,
    evaluate_dataset,
    load_questions,
    quote_matches_gold,
)

XQUAD_DIR = SHARED / "eval" / "xquad"
SEED_DIR = SHARED / "eval" / "seed"
SEED_ARTICLES = SHARED / "data" / "seed" / "haftar_russia_visit.jsonl"
QUESTION_FILE = "questions_en.jsonl"
SECTION = "sentence_choice"


# ------------------------------------------------------------------------------------------ metrics
@dataclass(frozen=True)
class HalfScore:
    """XQuAD English questions of one half: answerable ones, first-citation hits, abstentions."""

    n: int
    first_cited_hits: int
    abstained: int

    @property
    def first_cited_share(self) -> float:
        return self.first_cited_hits / self.n if self.n else 0.0

    @property
    def false_abstention(self) -> float:
        return self.abstained / self.n if self.n else 0.0


@dataclass(frozen=True)
class SeedScore:
    """Seed set: gold sentence cited first (of answerable), unanswerable ones declined."""

    gold_first: int
    answerable: int
    declined: int
    unanswerable: int


@dataclass(frozen=True)
class WeightRow:
    weight: float
    term_weight: float
    halves: dict[str, HalfScore]
    seed: SeedScore
    errors: int
    seconds: float


def halves_by_paragraph(questions: Sequence[EvalQuestion]) -> dict[str, str]:
    """Question id -> ``"A"`` or ``"B"``: the sorted gold paragraph ids alternate A, B, A, ...

    Computed on the whole question file, so that a ``--limit`` run keeps each question's half.
    Questions with no gold paragraph belong to neither half."""
    paragraphs = sorted({q.gold_article_ids[0] for q in questions if q.gold_article_ids})
    half_of = {p: "AB"[i % 2] for i, p in enumerate(paragraphs)}
    return {q.id: half_of[q.gold_article_ids[0]] for q in questions if q.gold_article_ids}


def first_quote(result: QuestionResult) -> str | None:
    """The quote of the answer's first citation, or None when it abstained, cited nothing or failed."""
    if result.error or not result.answered or not result.citations:
        return None
    return str(result.citations[0]["quote"])


def score_halves(results: Sequence[QuestionResult], half_of: dict[str, str]) -> dict[str, HalfScore]:
    """First-citation-contains-gold and false abstention of the answerable questions, per half."""
    counts = {h: [0, 0, 0] for h in "AB"}  # n, hits, abstained
    for r in results:
        half = half_of.get(r.id)
        if half is None or not r.answerable:
            continue
        c = counts[half]
        c[0] += 1
        quote = first_quote(r)
        if quote is None:
            c[2] += not r.error  # a question that raised is a miss, not an abstention
            continue
        c[1] += contains_any(quote, r.gold_answers)
    return {h: HalfScore(n, hits, abst) for h, (n, hits, abst) in counts.items()}


def score_seed(results: Sequence[QuestionResult], questions: Sequence[EvalQuestion]) -> SeedScore:
    """Gold sentence cited first (plain quote match, as the study did) and unanswerables declined."""
    gold = {q.id: q.gold_quotes for q in questions}
    gold_first = answerable = declined = unanswerable = 0
    for r in results:
        if not r.answerable:
            unanswerable += 1
            declined += r.answered is False
            continue
        answerable += 1
        quote = first_quote(r)
        gold_first += quote is not None and quote_matches_gold(quote, gold.get(r.id, ()))
    return SeedScore(gold_first, answerable, declined, unanswerable)


# ------------------------------------------------------------------------------------------ running
def _factory(weight: float, term_weight: float) -> Any:
    def open_assistant(path: Path) -> Any:
        from assistant import Assistant
        from assistant.retrieval import RetrievalConfig

        config = RetrievalConfig(second_sentence_weight=weight, second_term_weight=term_weight)
        return Assistant.open(path, retrieval=config)

    return open_assistant


def _english_only(dataset_dir: Path, into: Path) -> Path:
    """A folder named like ``dataset_dir`` holding only its English question file, so that
    :func:`evaluate_dataset` (which asks every ``questions*.jsonl``) asks only those, and keeps the
    index in ``INDEX_DIR/<dataset name>``."""
    view = into / dataset_dir.name
    view.mkdir(parents=True, exist_ok=True)
    link = view / QUESTION_FILE
    if not link.exists():
        link.symlink_to((dataset_dir / QUESTION_FILE).resolve())
    return view


def english_table(
    xquad_dir: Path,
    *,
    index_dir: Path,
    limit: int | None,
    assistant_factory: Any,
    show_progress: bool,
    ask: bool = True,
) -> Any:
    """:func:`evaluate_dataset` on the XQuAD English questions only (index in ``INDEX_DIR/xquad``):
    their :class:`~assistant.eval.TableResult`."""
    with tempfile.TemporaryDirectory(prefix="xquad-en-") as tmp:
        (table,) = evaluate_dataset(
            _english_only(xquad_dir, Path(tmp)),
            articles=xquad_dir / "articles.jsonl",
            index_dir=index_dir,
            limit=limit,
            assistant_factory=assistant_factory,
            show_progress=show_progress,
            ask=ask,
        )
    return table


def run_weight(
    weight: float,
    term_weight: float,
    *,
    xquad_dir: Path,
    seed_dir: Path,
    seed_articles: Path,
    index_dir: Path,
    limit: int | None,
    show_progress: bool,
) -> WeightRow:
    """Ask the XQuAD English questions and the seed questions with ``second_sentence_weight=weight``
    and ``second_term_weight=term_weight``."""
    xq_questions = load_questions(xquad_dir / QUESTION_FILE)
    seed_questions = load_questions(seed_dir / "questions.jsonl")
    t0 = time.perf_counter()
    xq_table = english_table(
        xquad_dir,
        index_dir=index_dir,
        limit=limit,
        assistant_factory=_factory(weight, term_weight),
        show_progress=show_progress,
    )
    seed_tables = evaluate_dataset(
        seed_dir,
        articles=seed_articles,
        index_dir=index_dir,
        limit=limit,
        assistant_factory=_factory(weight, term_weight),
        show_progress=show_progress,
    )
    seed_results = [r for t in seed_tables for r in t.results]
    errors = sum(r.error is not None for r in [*xq_table.results, *seed_results])
    return WeightRow(
        weight=weight,
        term_weight=term_weight,
        halves=score_halves(xq_table.results, halves_by_paragraph(xq_questions)),
        seed=score_seed(seed_results, seed_questions),
        errors=errors,
        seconds=time.perf_counter() - t0,
    )


def format_rows(rows: Sequence[WeightRow]) -> str:
    """One Markdown row per weight."""
    header = (
        "| USE weight w | term weight t | A: first cited quote ⊇ gold | A: false abstention "
        "| B: first cited quote ⊇ gold | B: false abstention "
        "| seed: gold sentence cited first | seed: unanswerable declined | errors | seconds |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    lines = [header]
    for r in rows:
        a, b, s = r.halves["A"], r.halves["B"], r.seed
        lines.append(
            f"| {r.weight:g} | {r.term_weight:g} | {a.first_cited_share:.3f} ({a.first_cited_hits}/{a.n}) | "
            f"{a.false_abstention:.3f} | {b.first_cited_share:.3f} ({b.first_cited_hits}/{b.n}) | "
            f"{b.false_abstention:.3f} | {s.gold_first}/{s.answerable} | "
            f"{s.declined}/{s.unanswerable} | {r.errors} | {r.seconds:.0f} |"
        )
    return "\n".join(lines)


def _weights(text: str) -> list[float]:
    try:
        weights = [float(w) for w in text.split(",") if w.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers like 0,0.2, got {text!r}"
        ) from None
    if not weights or any(w < 0 for w in weights):
        raise argparse.ArgumentTypeError(f"expected one or more weights >= 0, got {text!r}")
    return weights


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python benchmarks/sentence_choice.py",
        description="Answer-sentence choice for English questions over Arabic articles: "
        "e5 + w x USE cosine + t x term coverage (RetrievalConfig.second_sentence_weight and "
        "second_term_weight), through Assistant.ask.",
    )
    sub = p.add_subparsers(dest="mode", required=True)
    live = sub.add_parser("live", help="run the real pipeline once per weight and print a Markdown table")
    live.add_argument(
        "--weights", type=_weights, default=[0.2], help="USE cosine weights w, comma-separated (default 0.2)"
    )
    live.add_argument(
        "--term-weights",
        type=_weights,
        default=[0.0, 0.3],
        help="term coverage weights t, comma-separated (default 0,0.3)",
    )
    live.add_argument("--limit", type=_positive, help="first N questions of each question file")
    live.add_argument(
        "--index-dir",
        type=Path,
        help="keep the indexes in INDEX_DIR/xquad and INDEX_DIR/seed (built when missing); "
        "default: a temporary folder",
    )
    live.add_argument("--xquad-dir", type=Path, default=XQUAD_DIR, help=f"XQuAD folder (default {XQUAD_DIR})")
    live.add_argument("--seed-dir", type=Path, default=SEED_DIR, help=f"seed folder (default {SEED_DIR})")
    live.add_argument(
        "--seed-articles", type=Path, default=SEED_ARTICLES, help=f"seed articles (default {SEED_ARTICLES})"
    )
    live.add_argument("--write", type=Path, metavar="RESULTS_MD", help=f"replace the '{SECTION}' section")
    live.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    return p


def _section(table: str, args: argparse.Namespace) -> str:
    limit = f" --limit {args.limit}" if args.limit else ""
    weights = ",".join(f"{w:g}" for w in args.weights)
    terms = ",".join(f"{t:g}" for t in args.term_weights)
    return (
        "## Answer sentence for English questions over Arabic articles (`benchmarks/sentence_choice.py`)\n\n"
        "XQuAD English questions over the Arabic paragraphs, halves A/B split by gold paragraph; "
        "share of answerable questions whose first citation quote contains a gold answer. "
        "Sentences ordered by e5 + w x USE cosine + t x cross-lingual term coverage; the defaults "
        "were chosen on half A only. "
        "Seed: gold sentence cited first, unanswerable questions declined.\n\n"
        f"{table}\n\n"
        "Command: `.venv/bin/python benchmarks/sentence_choice.py live "
        f"--weights {weights} --term-weights {terms}{limit} --write benchmarks/RESULTS.md`\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for path, what in (
        (args.xquad_dir / QUESTION_FILE, "XQuAD English questions"),
        (args.xquad_dir / "articles.jsonl", "XQuAD articles"),
        (args.seed_dir / "questions.jsonl", "seed questions"),
        (args.seed_articles, "seed articles"),
    ):
        if not path.is_file():
            print(f"error: expected {what} at {path}, found nothing", file=sys.stderr)
            return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="sentence-choice-idx-") as tmp:
        index_dir = args.index_dir or Path(tmp)
        for weight, term_weight in itertools.product(args.weights, args.term_weights):
            row = run_weight(
                weight,
                term_weight,
                xquad_dir=args.xquad_dir,
                seed_dir=args.seed_dir,
                seed_articles=args.seed_articles,
                index_dir=index_dir,
                limit=args.limit,
                show_progress=not args.quiet,
            )
            rows.append(row)
            print(f"w={weight:g} t={term_weight:g} done in {row.seconds:.0f} s", file=sys.stderr, flush=True)
    table = format_rows(rows)
    print(table)
    if args.write:
        from benchmarks.results_file import replace_section

        replace_section(args.write, SECTION, _section(table, args))
    return 1 if any(r.errors for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
