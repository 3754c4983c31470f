"""Turn the page's filter fields (dates, outlets, languages) into SearchFilters, and describe them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from assistant import SearchFilters

__all__ = ["describe_filters", "make_filters", "parse_day"]


def parse_day(value: Any, what: str) -> dt.date | None:
    """A date from a date field (date, datetime, timestamp or ISO text); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, tz=dt.UTC).date()
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"{what}: expected a date like 2023-09-26, got {text!r}") from None


def make_filters(
    date_from: Any = None,
    date_to: Any = None,
    outlets: Sequence[str] | None = None,
    langs: Sequence[str] | None = None,
) -> SearchFilters | None:
    """The filters for the next question, or None when none is set. Raises ValueError on bad dates."""
    start = parse_day(date_from, "From date")
    end = parse_day(date_to, "To date")
    if start and end and start > end:
        raise ValueError(f"The date range is empty: 'from' {start} is after 'to' {end}.")
    sources = tuple(s for s in (outlets or ()) if s)
    languages = tuple(s for s in (langs or ()) if s)
    if not (start or end or sources or languages):
        return None
    return SearchFilters(date_from=start, date_to=end, sources=sources, langs=languages)


def describe_filters(f: SearchFilters) -> str:
    """The filters in words, for the status line under an answer."""
    bits = []
    if f.date_from or f.date_to:
        bits.append(f"{f.date_from or '…'} → {f.date_to or '…'}")
    if f.sources:
        bits.append("outlets: " + ", ".join(f.sources))
    if f.langs:
        bits.append("languages: " + ", ".join(f.langs))
    return "; ".join(bits)
