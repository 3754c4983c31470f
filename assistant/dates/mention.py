"""The result of date finding: one date expression and the calendar date it means."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from assistant.dates.calendar import period_of

__all__ = ["DateMention"]


@dataclass(frozen=True)
class DateMention:
    """One date expression found in a text, resolved to a calendar date.

    ``text == source[start:end]``. ``date`` is the best single day; ``granularity`` says how much
    of it is meant ("day", "week", "month", "year") and ``period`` gives that whole span.
    ``approximate`` marks fuzzy expressions ("about a month ago", "last week", "early 2017");
    ``kind`` is "absolute" for calendar names and numbers, "relative" for offsets from the
    anchor ("yesterday", "Tuesday", "last month").
    """

    start: int
    end: int
    text: str
    date: dt.date
    granularity: str
    approximate: bool
    kind: str

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        """First and last day (inclusive) of the day/ISO week/month/year that ``date`` lies in."""
        return period_of(self.date, self.granularity)
