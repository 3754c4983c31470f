"""Result tables as text or Markdown: one per question file, a summary, and the misses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.eval.results import TableResult

__all__ = ["format_misses", "format_summary", "format_table"]

_TABLE_ROWS: list[tuple[str, str]] = [
    ("questions", "questions (answerable / unanswerable)"),
    ("recall@1", "recall@1"),
    ("recall@5", "recall@5"),
    ("recall@10", "recall@10"),
    ("mrr@10", "MRR@10"),
    ("answer_contains_gold", "answer contains gold"),
    ("evidence_contains_gold", "cited quote contains gold"),
    ("cites_gold_article", "cites gold article"),
    ("gold_quote_cited", "gold quote cited"),
    ("exact_quote_rate", "exact-quote rate (citations)"),
    ("abstention_unanswerable", "abstention on unanswerable"),
    ("false_abstention", "false abstention on answerable"),
    ("retrieve_ms", "retrieve latency p50 / p95 (ms)"),
    ("retrieve_warm_ms", "retrieve again after ask, warm (ms)"),
    ("ask_ms", "ask latency p50 / p95 (ms)"),
    ("errors", "errors"),
]


def _format_value(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _metric_cell(metrics: dict[str, Any], key: str) -> str:
    if key == "questions":
        return f"{metrics['questions']} ({metrics['answerable']} / {metrics['unanswerable']})"
    if key.endswith("_ms"):
        p50, p95 = metrics.get(f"{key[:-3]}_p50_ms"), metrics.get(f"{key[:-3]}_p95_ms")
        return "–" if p50 is None else f"{p50:.0f} / {p95:.0f}"
    if key == "exact_quote_rate" and metrics.get("citations"):
        return f"{_format_value(metrics[key])} of {metrics['citations']}"
    return _format_value(metrics.get(key))


def _render_table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = ["  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(out)


def format_table(table: TableResult, *, markdown: bool = False) -> str:
    """One question file's metrics as a metric/value table, with the baseline column when known."""
    header = ["metric", "value"] + (["baseline (e5-small dense)"] if table.baseline else [])
    rows = []
    for key, label in _TABLE_ROWS:
        if key == "errors" and not table.metrics.get("errors"):
            continue
        if key == "retrieve_warm_ms" and table.metrics.get("retrieve_warm_p50_ms") is None:
            continue
        row = [label, _metric_cell(table.metrics, key)]
        if table.baseline:
            row.append(_format_value(table.baseline.get(key)))
        rows.append(row)
    title = f"### {table.name}" if markdown else table.name
    return f"{title}\n\n{_render_table(header, rows, markdown)}\n"


def format_summary(tables: Sequence[TableResult], *, markdown: bool = False) -> str:
    """All question files in one table, one row each, with baseline rows under the XQuAD ones."""
    keys = [
        "recall@1",
        "recall@5",
        "recall@10",
        "mrr@10",
        "answer_contains_gold",
        "cites_gold_article",
        "exact_quote_rate",
        "abstention_unanswerable",
        "false_abstention",
    ]
    header = [
        "set",
        "n",
        "R@1",
        "R@5",
        "R@10",
        "MRR",
        "ans⊇gold",
        "cites gold",
        "exact",
        "abstain",
        "false abst.",
    ]
    header += ["retrieve ms p50/p95", "ask ms p50/p95"]
    rows = []
    for t in tables:
        m = t.metrics
        rows.append([t.name, str(m["questions"]), *[_format_value(m.get(k)) for k in keys]])
        rows[-1] += [_metric_cell(m, "retrieve_ms"), _metric_cell(m, "ask_ms")]
        if t.baseline:
            rows.append(
                [f"  baseline e5-small ({t.question_lang}→{t.article_lang})", ""]
                + [_format_value(t.baseline.get(k)) if k in t.baseline else "" for k in keys]
                + ["", ""]
            )
    return _render_table(header, rows, markdown) + "\n"


def format_misses(table: TableResult, *, limit: int | None = None) -> str:
    """The questions of a table that missed, with why, the gold, the answer and the top-3 articles."""
    misses = table.misses()
    lines = [f"misses in {table.name}: {len(misses)} of {len(table.results)}"]
    for r in misses[:limit] if limit else misses:
        answer = " ".join(r.answer_text.split())
        lines.append(f"- {r.id} [{', '.join(r.miss_reasons())}] {r.question}")
        lines.append(f"    gold: {r.gold_answers} in {r.gold_article_ids}; top3: {r.top3}")
        lines.append(f"    answer: {answer[:300]}" + ("…" if len(answer) > 300 else ""))
        if r.error:
            lines.append(f"    error: {r.error}")
    return "\n".join(lines) + "\n"
