"""How often the built-in answerer's "who" and "where" answers name the right person or place.

For a "who" or "where" question the extractive answerer leads with a name taken from the best
sentence (``assistant.answering.slots.name_slot``: names found by the probe of
``assistant/retrieval/name_probe.py``, ranked by the words around them and by kind) and quotes the sentence
after it; when no name clearly wins it quotes the sentence alone. This script asks every "who"
and "where" question of the XQuAD files (English and Arabic questions over the Arabic paragraphs)
and of the seed set, and reports per question language and type:

- ``n``: questions; ``in quote``: the answer's first cited sentence holds a gold answer, or for a
  Latin gold answer an Arabic spelling of one of its names (only there can a name from it be right);
- ``named``: answers that lead with a name; ``exact``: the name contains a gold answer
  (normalised as in :func:`assistant.eval.contains_any`) or spells one; ``overlap``: it contains
  one, is contained in one (a partial name: "جيجين" for "جيجين خان") or spells a name of one;
- ``precision``: overlap / named, among questions whose quote holds the answer
  (``precision*``) and overall.

Indexes come from ``python -m assistant.eval DATASET --index-dir DIR`` (``DIR/xquad``,
``DIR/seed``)::

    .venv/bin/python benchmarks/who_where.py --index-dir /tmp/eval-idx [--write benchmarks/RESULTS.md]

``--set key=value`` overrides a field of ``ExtractiveConfig`` or ``RetrievalConfig`` (numbers
only), to compare settings.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks import SHARED as SHARED_DATA  # noqa: E402
from benchmarks import offline_environment  # noqa: E402

offline_environment()

from assistant.answering import ExtractiveConfig, question_type  # noqa: E402
from assistant.eval import contains_any, load_questions, normalize  # noqa: E402
from assistant.retrieval import NameMatcher, RetrievalConfig, name_tokens  # noqa: E402
from benchmarks.results_file import replace_section  # noqa: E402

SHARED = SHARED_DATA / "eval"
FILES = {
    "xquad": [SHARED / "xquad" / "questions_en.jsonl", SHARED / "xquad" / "questions_ar.jsonl"],
    "seed": [SHARED / "seed" / "questions.jsonl"],
}
SECTION = "who_where"
_LEAD = re.compile(r"^(?P<value>.+?) \[1\]\. ")


def lead_name(text: str) -> str | None:
    """The name an answer leads with (the ``who``/``where`` templates: "VALUE [1]. According to
    ..."), or None for a quote-only answer."""
    m = _LEAD.match(text)
    return m.group("value") if m else None


def spells(text: str, golds: tuple[str, ...]) -> bool:
    """A word of ``text`` (Arabic) is a spelling of a name in a (Latin) gold answer, under
    :class:`~assistant.retrieval.NameMatcher`: the seed set's gold answers are English."""
    matcher = NameMatcher(Counter(text.split()))
    return any(matcher.expand(token, limit=1, min_score=0.62) for g in golds for token in name_tokens(g))


def grade(value: str, golds: tuple[str, ...]) -> tuple[bool, bool]:
    """(exact, overlap): the value contains a gold answer or spells a name of one; or it does, or
    is part of a gold answer ("جيجين" for "جيجين خان")."""
    v = normalize(value)
    if not v:
        return False, False
    exact = contains_any(value, golds) or spells(value, golds)
    return exact, exact or any(v in normalize(g) for g in golds)


def configs(pairs: list[str]) -> tuple[ExtractiveConfig, RetrievalConfig]:
    extractive, retrieval = {}, {}
    names_e = {f.name for f in dataclasses.fields(ExtractiveConfig)}
    names_r = {f.name for f in dataclasses.fields(RetrievalConfig)}
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key in names_e:
            extractive[key] = type(getattr(ExtractiveConfig(), key))(float(value))
        elif key in names_r:
            retrieval[key] = float(value)
        else:
            raise SystemExit(f"--set {pair}: expected a numeric field of ExtractiveConfig or RetrievalConfig")
    return ExtractiveConfig(**extractive), RetrievalConfig(**retrieval)


def run(index_dir: Path, pairs: list[str], show: bool) -> tuple[list[list[str]], float]:
    from assistant import Assistant

    extractive, retrieval = configs(pairs)
    counts: defaultdict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    started = time.perf_counter()
    for dataset, files in FILES.items():
        folder = index_dir / dataset
        if not folder.is_dir():
            raise SystemExit(
                f"{folder}: expected an index (python -m assistant.eval ... --index-dir {index_dir})"
            )
        bot = Assistant.open(folder, extractive=extractive, retrieval=retrieval)
        try:
            for path in files:
                for q in load_questions(path):
                    kind = question_type(q.question)
                    if kind not in ("who", "where") or not q.answerable:
                        continue
                    golds = q.accepted_answers()
                    answer = bot.ask(q.question)
                    c = counts[(dataset, q.lang, kind)]
                    c["n"] += 1
                    quote = answer.citations[0].quote if answer.citations else ""
                    in_quote = bool(quote) and (contains_any(quote, golds) or spells(quote, golds))
                    c["in_quote"] += in_quote
                    value = lead_name(answer.text) if answer.answerable else None
                    if value is None:
                        continue
                    exact, over = grade(value, golds)
                    c["named"] += 1
                    c["exact"] += exact
                    c["overlap"] += over
                    c["named_in"] += in_quote
                    c["overlap_in"] += in_quote and over
                    if show and not over:
                        print(
                            f"  {q.id}: {q.question} | gold {golds[:2]} | named {value} | in quote {in_quote}"
                        )
        finally:
            bot.close()
    rows = []
    for key in sorted(counts):
        c = counts[key]
        rows.append(
            [
                *key,
                str(c["n"]),
                str(c["in_quote"]),
                str(c["named"]),
                str(c["exact"]),
                str(c["overlap"]),
                f"{c['overlap_in'] / c['named_in']:.2f}" if c["named_in"] else "-",
                f"{c['overlap'] / c['named']:.2f}" if c["named"] else "-",
            ]
        )
    return rows, time.perf_counter() - started


HEADER = ["set", "lang", "type", "n", "in quote", "named", "exact", "overlap", "precision*", "precision"]


def table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--write", type=Path)
    args = parser.parse_args(argv)
    rows, seconds = run(args.index_dir, args.set, args.show_misses)
    out = table(rows)
    print(out)
    print(f"({seconds:.0f} s)")
    if args.write:
        settings = " ".join(f"--set {p}" for p in args.set)
        replace_section(
            args.write,
            SECTION,
            "## Who and where: the name the built-in answerer leads with\n\n"
            f"`.venv/bin/python benchmarks/who_where.py --index-dir /tmp/eval-idx {settings}`"
            f" ({time.strftime('%Y-%m-%d')}, {seconds:.0f} s). Columns: see the script's docstring.\n\n"
            + out,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
