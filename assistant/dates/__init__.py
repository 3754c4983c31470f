"""Dates in article text: find them, resolve them against the publication date, format them."""

from __future__ import annotations

from assistant.dates.calendar import FUTURE_TOLERANCE_DAYS
from assistant.dates.filters import parse_date_filter
from assistant.dates.find import find_dates
from assistant.dates.format import format_date, format_day
from assistant.dates.mention import DateMention

__all__ = [
    "FUTURE_TOLERANCE_DAYS",
    "DateMention",
    "find_dates",
    "format_date",
    "format_day",
    "parse_date_filter",
]
