"""The load test's report: one Markdown table row per scenario."""

from __future__ import annotations

from collections.abc import Sequence

from benchmarks.loadtest.scenario import ScenarioResult


def _first_items(items: Sequence[str], n: int = 2) -> str:
    return "; ".join(x.replace("|", "\\|").replace("\n", " ")[:160] for x in items[:n])


def markdown_table(results: Sequence[ScenarioResult]) -> str:
    head = (
        "| scenario | users | s | requests | distinct | req/s | p50 s | p95 s | max s | errors | history mix-ups "
        "| off-topic follow-ups | invalid citations | uncited | ingested | ingestion s | load avg before → after |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = []
    for r in results:
        s = r.scenario
        ingest = "–"
        if s.ingest:
            ingest = f"{r.ingested}/{r.ingest_expected}"
            if r.missing_after:
                ingest += f" ({len(r.missing_after)} missing after)"
        rows.append(
            f"| {s.name} | {s.users} | {r.wall:.0f} | {r.completed} | {len(r.distinct)} | "
            f"{r.throughput:.2f} | "
            f"{r.percentile(50):.2f} | {r.percentile(95):.2f} | {max(r.latencies, default=float('nan')):.2f} | "
            f"{len(r.errors)} | {len(r.history_violations)} | {len(r.topic_violations)} | "
            f"{len(r.invalid_citations)} | {r.uncited} | {ingest} | "
            f"{'–' if r.ingest_seconds is None else f'{r.ingest_seconds:.0f}'} | "
            f"{r.load_before[0]:.1f} → {r.load_after[0]:.1f} |"
        )
    notes = []
    for r in results:
        problems = [
            ("errors", r.errors),
            ("history", r.history_violations),
            ("topic", r.topic_violations),
            ("citations", r.invalid_citations),
            ("missing", r.missing_after),
        ]
        for label, items in problems:
            if items:
                notes.append(f"- {r.scenario.name}: {label}: {len(items)}, first: {_first_items(items)}")
        if r.ingest_error:
            notes.append(f"- {r.scenario.name}: ingestion: {r.ingest_error}")
    return head + "\n".join(rows) + ("\n\n" + "\n".join(notes) if notes else "") + "\n"
