"""Find the dates written inside an article and resolve them against the article's own date.

"Tuesday", "17 سبتمبر الجاري", "a month ago", "مطلع 2017": an article means these relative to the
day it was published, never relative to the day someone reads it. ``find_dates`` finds such
expressions in Arabic and English text and resolves each one with the publication date as the
anchor; without a publication date it returns only dates that carry their own year.

Conventions (each resolved mention has one "best single day" plus a granularity):

- day/month without a year: the year that puts the date closest to, and not after, the
  publication date (a tolerance of ``FUTURE_TOLERANCE_DAYS`` admits announced events a few days
  ahead). "الجاري"/"الحالي"/"this year" mean the publication year; "الماضي"/"last" strictly
  before; "المقبل"/"next" strictly after.
- weekdays: the latest such day on or before publication (the same day when publication falls on
  it); "last Tuesday"/"الثلاثاء الماضي" strictly before, "next Tuesday"/"الثلاثاء المقبل" after.
- "N days ago" is exact (granularity day); "N weeks/months/years ago", "last week" and qualified
  periods ("early September", "مطلع 2017") are approximate. "last month", "this year" are exact
  at month/year granularity. A month or year written alone resolves to its first day; ``period``
  gives the whole span.
- "قبل يوم واحد من X" / "two days before X" count from an event, not from publication: they are
  not returned (an unanchored guess would be worse than nothing).
- numeric dates are read day first (``05/09/2023`` is 5 September) unless that is impossible.

Kept over dateparser because it measurably wins (``benchmarks/dates.py``, RESULTS.md "Dates",
2026-12-04): on the date tests' 220 in-text cases and the seed article, dateparser 1.5.0
(``search_dates``, ar+en, RELATIVE_BASE = publication date) gets 91 of 220 right (0.41; Arabic 0.32)
and 2 of the seed's 7 dates with 5 false ones, at 2.3 ms a case; these rules get all of them, at
0.16 ms.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging

from assistant.dates.arabic_rules import ARABIC_RULES
from assistant.dates.calendar import anchor_date
from assistant.dates.english_rules import ENGLISH_RULES
from assistant.dates.mention import DateMention
from assistant.dates.normalize import TRAILING_MARKS, normalize
from assistant.dates.numeric_rules import NUMERIC_RULES
from assistant.dates.rules import DateRule, MatchContext, Resolution

__all__ = ["RULES", "find_dates"]

logger = logging.getLogger(__name__)

RULES: tuple[DateRule, ...] = (*ARABIC_RULES, *ENGLISH_RULES, *NUMERIC_RULES)
"""Every rule, in priority order (an earlier rule wins a tie on the same span)."""


def _rule_families(lang: str | None) -> frozenset[str]:
    code = (lang or "").lower()
    if code.startswith("ar"):
        return frozenset({"ar", "num"})
    if code.startswith("en"):
        return frozenset({"en", "num"})
    return frozenset({"ar", "en", "num"})


def _candidates(
    norm: str, index: list[int], ctx: MatchContext, families: frozenset[str]
) -> dict[tuple[int, int], tuple[int, Resolution]]:
    """Every resolved match of every rule, by span in the original text (first rule wins a span)."""
    candidates: dict[tuple[int, int], tuple[int, Resolution]] = {}
    for priority, rule in enumerate(RULES):
        if rule.family not in families:
            continue
        pos = 0
        while pos <= len(norm):
            m = rule.regex.search(norm, pos)
            if m is None:
                break
            pos = m.start() + 1
            s, e = m.span("m")
            if s == e:
                continue
            try:
                resolution = rule.resolve(m, ctx)
            except (ValueError, OverflowError) as exc:  # dates beyond datetime's range
                logger.debug("date %r not resolved by %s: %s", m.group("m"), rule.name, exc)
                continue
            if resolution is None:
                continue
            span = (index[s], index[e - 1] + 1)
            if span not in candidates:
                candidates[span] = (priority, resolution)
    return candidates


def find_dates(text: str, published: dt.date | None, lang: str | None = None) -> list[DateMention]:
    """Find date expressions in ``text`` and resolve them against ``published``.

    Returns mentions sorted by position, never overlapping (the longest expression wins).
    With ``published=None`` only absolute dates that carry a year are returned: nothing is
    anchored on today. ``lang`` ("ar", "en") only narrows which patterns run; None runs all.
    ``published`` may also be an ISO 8601 string (``Article.published``).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    pub = anchor_date(published)
    norm, index = normalize(text)
    candidates = _candidates(norm, index, MatchContext(norm, pub), _rule_families(lang))
    # Longest first (then leftmost, then rule order); keep those that overlap nothing kept so far.
    starts: list[int] = []  # kept spans, sorted and disjoint
    ends: list[int] = []
    chosen: list[tuple[int, int, Resolution]] = []
    for (start, end), (_, resolution) in sorted(
        candidates.items(), key=lambda kv: (kv[0][0] - kv[0][1], kv[0][0], kv[1][0])
    ):
        i = bisect.bisect_left(starts, start)
        if (i > 0 and ends[i - 1] > start) or (i < len(starts) and starts[i] < end):
            continue
        starts.insert(i, start)
        ends.insert(i, end)
        chosen.append((start, end, resolution))
    mentions = []
    for start, end, resolution in sorted(chosen, key=lambda c: c[0]):
        while end < len(text) and text[end] in TRAILING_MARKS:
            end += 1
        mentions.append(
            DateMention(
                start,
                end,
                text[start:end],
                resolution.date,
                resolution.granularity,
                resolution.approximate,
                resolution.kind,
            )
        )
    return mentions
