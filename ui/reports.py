"""The HTML reports of the Add and Index tabs: what an upload did, and what the index holds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ui.render import escape_html, published_day

__all__ = ["LANG_NAMES", "render_add_report", "render_index_overview", "report_line_html"]

LANG_NAMES = {"ar": "Arabic", "en": "English", "fr": "French", "und": "Unknown"}


def report_line_html(shown: str, outcome: str, css_class: str) -> str:
    """One input of the Add report: its name and what happened to it."""
    return f'<li class="{css_class}"><bdi>{escape_html(shown)}</bdi>: {escape_html(outcome)}</li>'


def render_add_report(
    totals: Mapping[str, int], seconds: float, lines: Sequence[str], problems: Sequence[str], kind: str
) -> str:
    """The Add report: the totals, one line per input, the problems (first 30) and a hint."""
    head = (
        f"{totals['added']} added · {totals['updated']} updated · {totals['skipped']} unchanged · "
        f"{totals['duplicates']} duplicates · {totals['failed']} failed · {totals['chunks']} chunk{'s' if totals['chunks'] != 1 else ''} "
        f"in {seconds:.1f} s"
    )
    parts = [f'<div class="na-report na-{kind}"><div class="na-report-head">{escape_html(head)}</div>']
    if lines:
        parts.append('<ul class="na-report-list">' + "".join(lines) + "</ul>")
    if problems:
        shown_problems = problems[:30]
        more = f"<li>… and {len(problems) - 30} more</li>" if len(problems) > 30 else ""
        parts.append(
            '<div class="na-subhead">Skipped or failed, and why</div><ul class="na-problems">'
            + "".join(f"<li>{escape_html(p)}</li>" for p in shown_problems)
            + more
            + "</ul>"
        )
    if totals["added"] or totals["updated"]:
        parts.append(
            '<div class="na-hint">The new articles are searchable now: ask about them in the chat.</div>'
        )
    parts.append("</div>")
    return "".join(parts)


def render_index_overview(s: Any) -> tuple[str, str]:
    """(header line HTML, statistics HTML) from the Assistant's index statistics."""
    span = " → ".join(x for x in (published_day(s.date_from), published_day(s.date_to)) if x) or "no dates"
    header = (
        f'<div class="na-stats-line"><b>{s.articles:,}</b> articles · <b>{len(s.sources):,}</b> outlets · '
        f"{escape_html(span)} · model <code>{escape_html(s.model)}</code></div>"
    )
    cards = [
        ("Articles", f"{s.articles:,}"),
        ("Chunks", f"{s.chunks:,}"),
        ("Outlets", f"{len(s.sources):,}"),
        ("Dates", span),
        ("Model", s.model or "?"),
    ]
    grid = "".join(
        f'<div class="na-stat"><div class="na-stat-v" dir="auto">{escape_html(v)}</div><div class="na-stat-k">{k}</div></div>'
        for k, v in cards
    )
    top = sorted(s.sources.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
    outlets = "".join(f'<li><span dir="auto">{escape_html(k)}</span><b>{v:,}</b></li>' for k, v in top)
    langs = "".join(
        f"<li><span>{escape_html(LANG_NAMES.get(k, k))}</span><b>{v:,}</b></li>"
        for k, v in sorted(s.languages.items(), key=lambda kv: -kv[1])
    )
    stats_html = (
        f'<div class="na-stat-grid">{grid}</div><div class="na-columns">'
        f'<div><div class="na-subhead">Outlets</div><ul class="na-kv">{outlets or "<li>none yet</li>"}</ul></div>'
        f'<div><div class="na-subhead">Languages</div><ul class="na-kv">{langs or "<li>none yet</li>"}</ul></div>'
        f'</div><div class="na-location">Stored in <code>{escape_html(s.location)}</code></div>'
    )
    return header, stats_html
