"""What a date rule is (a regex and its resolver) and the resolution steps rules share."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.dates.calendar import qualified_day, resolve_day_month, resolve_month, shift, valid_date
from assistant.dates.normalize import lookup_key
from assistant.dates.patterns import RANGE_BEFORE, RANGE_CLOSE, RANGE_OPEN, SHARED_YEAR
from assistant.dates.tables import en
from assistant.dates.vocabulary import AR_MONTHS, AR_RELATIVE, EN_MONTHS


@dataclass(frozen=True)
class Resolution:
    """A resolved date before it becomes a ``DateMention``: the day, how much of it, how exact."""

    date: dt.date
    granularity: str
    approximate: bool
    kind: str


@dataclass(frozen=True)
class MatchContext:
    """What a resolver sees besides its match: the normalised text and the anchor."""

    text: str  # normalised text
    pub: dt.date | None


Resolver = Callable[[re.Match[str], MatchContext], Resolution | None]


@dataclass(frozen=True)
class DateRule:
    """A regex over normalised text and the resolver that turns a match into a date (or rejects it)."""

    name: str
    family: str  # "ar", "en" or "num"
    regex: re.Pattern[str]
    resolve: Resolver


def optional_group(match: re.Match[str], name: str) -> str | None:
    """The text of group ``name``, or None when it did not match or the pattern has no such group."""
    try:
        return match.group(name)
    except IndexError:
        return None


_NEXT_WORD = re.compile(r"[ \t]+(\w+)")
_PREV_WORD = re.compile(r"(\w+)[ \t]+$")


def next_word(text: str, end: int) -> str:
    """The word right after ``end`` if only spaces separate them, else ''."""
    m = _NEXT_WORD.match(text, end)
    return m.group(1).lower() if m else ""


def previous_word(text: str, start: int) -> str:
    """The word right before ``start`` if only spaces separate them, else ''."""
    m = _PREV_WORD.search(text[max(0, start - 40) : start])
    return m.group(1).lower() if m else ""


def written_year(m: re.Match[str]) -> tuple[int | None, str]:
    """The year written after a day/month, or None and how to pick it from the anchor.

    Modes: "closest" (nothing written), "current" (الجاري, this year), "past"/"next" (the month
    itself is past/next: "سبتمبر الماضي"), "year-past"/"year-next" (the year is: "من العام الماضي").
    """
    y = optional_group(m, "y")
    if y:
        return int(y), None
    if optional_group(m, "ythis"):
        return None, "current"
    for group in ("yrel", "mrel"):
        rel = optional_group(m, group)
        if rel:
            sense = AR_RELATIVE.get(lookup_key(rel)) or en.RELATIVE_MODES.get(lookup_key(rel))
            if group == "yrel" and sense in ("past", "next"):
                return None, "year-" + sense
            return None, sense or "closest"
    return None, "closest"


def shared_year(text: str, end: int, month: int) -> int | None:
    """The year written after a following month in a range: "يناير ومارس 2017", "15 May to 2 June 2020"."""
    m = SHARED_YEAR.match(text, end)
    if m is None:
        return None
    key = lookup_key(m.group("mo2"))
    month2 = AR_MONTHS.get(key) or EN_MONTHS.get(key.lower())
    if month2 is None:
        return None
    year = int(m.group("y2"))
    return year - 1 if month > month2 else year


def day_month_resolution(day: int, month: int, m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    """A day and month, with the year written, shared with a range, or picked from the anchor."""
    year, mode = written_year(m)
    if year is None and mode == "closest":
        year = shared_year(ctx.text, m.end("m"), month)
    if year is not None:
        found = valid_date(year, month, day)
        return Resolution(found, "day", False, "absolute") if found else None
    if ctx.pub is None:
        return None
    if mode in ("year-past", "year-next"):
        offset = -1 if mode == "year-past" else 1
        found = valid_date(ctx.pub.year + offset, month, day)
    else:
        found = resolve_day_month(day, month, ctx.pub, mode)
    return Resolution(found, "day", False, "absolute") if found else None


def month_resolution(
    month: int, m: re.Match[str], ctx: MatchContext, qualifier: str | None, mode_hint: str | None
) -> Resolution | None:
    """A month (perhaps "early"/"mid"/"late"), its year written, shared, or picked from the anchor."""
    year, mode = written_year(m)
    if year is None and mode == "closest" and mode_hint is None:
        year = shared_year(ctx.text, m.end("m"), month)
    if year is not None:
        base = dt.date(year, month, 1)
    else:
        if ctx.pub is None:
            return None
        if mode_hint is not None and mode == "closest":
            mode = mode_hint
        if mode in ("year-past", "year-next"):
            base = dt.date(ctx.pub.year + (-1 if mode == "year-past" else 1), month, 1)
        else:
            base = resolve_month(month, ctx.pub, mode)
    return Resolution(qualified_day(base, "month", qualifier), "month", qualifier is not None, "absolute")


def in_year_range(text: str, start: int, end: int) -> bool:
    """True for either year of "from 2015 to 2018", "between 2015 and 2018", "بين عامي 2015 و2018"."""
    if RANGE_BEFORE.search(text[max(0, start - 40) : start]) is not None:
        return True
    return (
        RANGE_OPEN.search(text[max(0, start - 20) : start]) is not None
        and RANGE_CLOSE.match(text, end) is not None
    )


def year_resolution(
    m: re.Match[str], ctx: MatchContext, qualifier: str | None, not_followed_by: tuple[str, ...] = ()
) -> Resolution | None:
    """A year ("in 2023", "مطلع عام 2023"): a bare number counts only with a qualifier, a year noun or
    a range, or after a cue word when it lies in 1900-2099; not when ``not_followed_by`` follows it."""
    year = int(m.group("y"))
    if not (qualifier or optional_group(m, "noun") or in_year_range(ctx.text, m.start("m"), m.end("m"))):
        if not optional_group(m, "cue") or not 1900 <= year <= 2099:
            return None
    if not_followed_by and ctx.text[m.end("m") : m.end("m") + 3].startswith(not_followed_by):
        return None
    day = qualified_day(dt.date(year, 1, 1), "year", qualifier)
    return Resolution(day, "year", qualifier is not None, "absolute")


def period_resolution(unit: str, sense: str, qualifier: str | None, pub: dt.date) -> Resolution:
    """The week/month/year before, of or after ``pub`` ("last week", "مطلع العام الجاري")."""
    offset = {"past": -1, "current": 0, "next": 1}[sense]
    base = shift(pub, unit, offset)
    date = qualified_day(base, unit, qualifier)
    approximate = unit == "week" or qualifier is not None
    return Resolution(date, unit, approximate, "relative")
