"""Calendar arithmetic that resolves a day, month, weekday or period against an anchor date."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

__all__ = [
    "FUTURE_TOLERANCE_DAYS",
    "GRANULARITIES",
    "anchor_date",
    "period_of",
    "qualified_day",
    "resolve_day_month",
    "resolve_month",
    "resolve_weekday",
    "shift",
    "valid_date",
]

FUTURE_TOLERANCE_DAYS = 7
"""A day/month without a year may fall this many days after publication (announced events)."""

GRANULARITIES = ("day", "week", "month", "year")


def period_of(day: dt.date, granularity: str) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the day/ISO week/month/year that ``day`` lies in."""
    if granularity == "day":
        return day, day
    if granularity == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    if granularity == "month":
        first = day.replace(day=1)
        return first, first + relativedelta(months=1, days=-1)
    if granularity == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    raise ValueError(f"granularity must be one of {GRANULARITIES}, got {granularity!r}")


def valid_date(year: int, month: int, day: int) -> dt.date | None:
    """The date, or None when it does not exist (31 April)."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve_day_month(day: int, month: int, pub: dt.date, mode: str) -> dt.date | None:
    """Pick the year for a day/month: "closest" (not after pub + tolerance), "past", "next", "current"."""
    if mode == "current":
        return valid_date(pub.year, month, day)
    if mode == "next":
        for year in range(pub.year, pub.year + 9):
            candidate = valid_date(year, month, day)
            if candidate is not None and candidate > pub:
                return candidate
        return None
    limit = (
        pub + dt.timedelta(days=FUTURE_TOLERANCE_DAYS) if mode == "closest" else pub - dt.timedelta(days=1)
    )
    for year in range(pub.year + 1, pub.year - 9, -1):
        candidate = valid_date(year, month, day)
        if candidate is not None and candidate <= limit:
            return candidate
    return None


def resolve_month(month: int, pub: dt.date, mode: str) -> dt.date:
    """First day of the month named without a year (same modes as ``resolve_day_month``)."""
    if mode == "current":
        return dt.date(pub.year, month, 1)
    if mode == "past":
        year = pub.year if month < pub.month else pub.year - 1
        return dt.date(year, month, 1)
    if mode == "next":
        year = pub.year if month > pub.month else pub.year + 1
        return dt.date(year, month, 1)
    limit = pub + dt.timedelta(days=FUTURE_TOLERANCE_DAYS)
    year = pub.year + 1 if dt.date(pub.year + 1, month, 1) <= limit else pub.year
    if dt.date(year, month, 1) > limit:
        year -= 1
    return dt.date(year, month, 1)


def resolve_weekday(weekday: int, pub: dt.date, mode: str) -> dt.date:
    """The weekday "latest" on or before pub, strictly "past", strictly "next", or "upcoming"."""
    back = (pub.weekday() - weekday) % 7
    if mode == "past":
        return pub - dt.timedelta(days=back or 7)
    ahead = (weekday - pub.weekday()) % 7
    if mode == "next":
        return pub + dt.timedelta(days=ahead or 7)
    if mode == "upcoming":
        return pub + dt.timedelta(days=ahead)
    return pub - dt.timedelta(days=back)


def shift(pub: dt.date, unit: str, count: int) -> dt.date:
    """``pub`` moved by ``count`` days, weeks, months or years."""
    if unit == "day":
        return pub + dt.timedelta(days=count)
    if unit == "week":
        return pub + dt.timedelta(weeks=count)
    if unit == "month":
        return pub + relativedelta(months=count)
    return pub + relativedelta(years=count)


def qualified_day(base: dt.date, granularity: str, qualifier: str | None) -> dt.date:
    """The best single day for "early/mid/late" + the period that ``base`` lies in."""
    if qualifier is None:
        return base
    if granularity == "month":
        return base.replace(day={"early": 5, "mid": 15, "late": 25}[qualifier])
    if granularity == "year":
        return dt.date(base.year, {"early": 2, "mid": 7, "late": 11}[qualifier], 1)
    if granularity == "week":
        monday = base - dt.timedelta(days=base.weekday())
        return monday + dt.timedelta(days={"early": 0, "mid": 2, "late": 5}[qualifier])
    return base


def anchor_date(published: object) -> dt.date | None:
    """The anchor day of a date, datetime, ISO 8601 string or None; errors name what came."""
    if published is None:
        return None
    if isinstance(published, dt.datetime):
        return published.date()
    if isinstance(published, dt.date):
        return published
    if isinstance(published, str):
        value = published.strip()
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        except ValueError:
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                pass
        raise ValueError(f"published must be an ISO 8601 date such as '2023-09-26', got {published!r}")
    raise TypeError(
        f"published must be a datetime.date, an ISO 8601 string or None, got {type(published).__name__}"
    )
