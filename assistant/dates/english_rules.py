"""English date rules: each pattern and the resolver that turns its match into a date."""

from __future__ import annotations

import datetime as dt
import re

from assistant.dates.calendar import period_of, resolve_weekday, shift, valid_date
from assistant.dates.normalize import lookup_key
from assistant.dates.patterns import (
    DAY,
    EN_APPROXIMATOR_ALT,
    EN_COUNT_ALT,
    EN_MONTH,
    EN_ORDINAL_SUFFIX,
    EN_QUALIFIER_ALT,
    EN_WEEKDAY,
    EN_YEAR_PART,
    ENGLISH_FLAGS,
    YEAR,
    compile_pattern,
)
from assistant.dates.rules import (
    DateRule,
    MatchContext,
    Resolution,
    day_month_resolution,
    month_resolution,
    optional_group,
    period_resolution,
    previous_word,
    year_resolution,
)
from assistant.dates.tables import en
from assistant.dates.vocabulary import EN_MONTHS, EN_NUMBERS, EN_QUALIFIERS, EN_VAGUE_NUMBERS, EN_WEEKDAYS

__all__ = ["ENGLISH_RULES"]


def _qualifier(m: re.Match[str]) -> str | None:
    return EN_QUALIFIERS[lookup_key(m.group("q"))] if optional_group(m, "q") else None


def _month_number(m: re.Match[str]) -> int | None:
    """The matched month, or None for a lower-case verb ("they may", "they march")."""
    word = m.group("mo")
    key = word.lower()
    if key in en.VERB_MONTHS and not word[:1].isupper():
        return None
    return EN_MONTHS[key]


def _day_month(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    month = _month_number(m)
    if month is None:
        return None
    return day_month_resolution(int(m.group("d")), month, m, ctx)


def _month(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    month = _month_number(m)
    if month is None:
        return None
    has_year = bool(optional_group(m, "y") or optional_group(m, "yrel"))
    qualifier = _qualifier(m)
    rel = lookup_key(m.group("rel")) if optional_group(m, "rel") else None
    if not (has_year or qualifier or rel or optional_group(m, "cue")):
        return None
    return month_resolution(month, m, ctx, qualifier, en.RELATIVE_MODES.get(rel) if rel else None)


def _year(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    # not "2000%" nor "the 1990s"
    return year_resolution(m, ctx, _qualifier(m), not_followed_by=("%", "s", "'s", "’s"))


def _named_day(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    """ "today", "yesterday", "last night" — except the newspaper "USA Today"."""
    if ctx.pub is None:
        return None
    word = lookup_key(m.group("m")).lower()
    if (
        word == "today"
        and m.group("m")[:1] == "T"
        and previous_word(ctx.text, m.start("m")) in en.TODAY_TITLES
    ):
        return None  # newspaper / channel names
    offset = en.DAY_OFFSETS.get(word, 0)  # "this morning/afternoon/evening" = the day itself
    return Resolution(ctx.pub + dt.timedelta(days=offset), "day", False, "relative")


def _weekday(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    if ctx.pub is None:
        return None
    leading_day = optional_group(m, "rel")
    if leading_day:
        offset = en.LEADING_DAY_OFFSETS[leading_day.lower()]
        return Resolution(ctx.pub + dt.timedelta(days=offset), "day", False, "relative")
    weekday = EN_WEEKDAYS[m.group("wd").lower()]
    week = optional_group(m, "r2")
    if week:  # "Tuesday next week": that weekday in the week before/of/after publication
        base = ctx.pub + dt.timedelta(weeks=en.RELATIVE_OFFSETS[week.lower()])
        monday = base - dt.timedelta(days=base.weekday())
        return Resolution(monday + dt.timedelta(days=weekday), "day", False, "relative")
    word = lookup_key(optional_group(m, "r") or "").lower()
    mode = en.WEEKDAY_MODES.get(word, "latest")
    return Resolution(resolve_weekday(weekday, ctx.pub, mode), "day", False, "relative")


def _ago(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    """ "two days ago", "about a month ago", "a few days ago"."""
    if ctx.pub is None:
        return None
    unit = m.group("unit").lower().rstrip("s")
    number_word = lookup_key(m.group("num")).lower()
    approximate = bool(optional_group(m, "q"))
    if number_word.isdigit():
        count = int(number_word)
    elif number_word in EN_VAGUE_NUMBERS:
        count, approximate = EN_VAGUE_NUMBERS[number_word], True
    else:
        count = EN_NUMBERS[number_word]
    if count <= 0:
        return None
    approximate = approximate or unit != "day"
    return Resolution(shift(ctx.pub, unit, -count), unit, approximate, "relative")


def _period(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    """ "last week", "next month", "this year", "earlier this month", "late last year"."""
    if ctx.pub is None:
        return None
    unit = m.group("u").lower()
    rel = lookup_key(m.group("r")).lower()
    qualifier = _qualifier(m)
    if rel in ("earlier this", "later this"):
        first, last = period_of(ctx.pub, unit)
        if rel == "earlier this":
            first, last = first, max(first, ctx.pub - dt.timedelta(days=1))
        else:
            first, last = min(last, ctx.pub + dt.timedelta(days=1)), last
        middle = first + (last - first) // 2
        return Resolution(middle, unit, unit == "week", "relative")
    return period_resolution(unit, en.PERIOD_SENSES[rel], qualifier, ctx.pub)


def _day_of_month(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    """ "the 10th of this month", "the 3rd of last month"."""
    if ctx.pub is None:
        return None
    offset = en.RELATIVE_OFFSETS[m.group("r").lower()]
    base = shift(ctx.pub.replace(day=1), "month", offset)
    found = valid_date(base.year, base.month, int(m.group("d")))
    return Resolution(found, "day", False, "relative") if found else None


def _words(phrases: tuple[str, ...]) -> str:
    """Alternation of the phrases in table order, spaces matching any whitespace."""
    return "|".join(r"\s+".join(phrase.split()) for phrase in phrases)


_MONTH_CUES = _words(en.MONTH_CUES)
_YEAR_CUES = _words(en.YEAR_CUES)
_MONTH_RELATIVE = _words(en.MONTH_RELATIVE_WORDS)
_WEEKDAY_RELATIVE = _words(en.WEEKDAY_RELATIVE_WORDS)

ENGLISH_RULES: tuple[DateRule, ...] = (
    # September 17, 2023 · Sept. 17 · Tuesday, September 26
    DateRule(
        "en_mdy",
        "en",
        compile_pattern(
            rf"\b(?P<m>(?:{EN_WEEKDAY}\s*,?\s+)?{EN_MONTH}\s+(?P<d>{DAY}){EN_ORDINAL_SUFFIX}?\b{EN_YEAR_PART}?)(?![0-9])",
            ENGLISH_FLAGS,
        ),
        _day_month,
    ),
    # 17 September 2023 · the 17th of September · Tuesday 26 September
    DateRule(
        "en_dmy",
        "en",
        compile_pattern(
            rf"\b(?P<m>(?:{EN_WEEKDAY}\s*,?\s+)?(?:the\s+)?(?P<d>{DAY}){EN_ORDINAL_SUFFIX}?\s+(?:of\s+)?{EN_MONTH}"
            rf"{EN_YEAR_PART}?)(?![0-9])",
            ENGLISH_FLAGS,
        ),
        _day_month,
    ),
    # September 2023 · early September · in September · last September
    DateRule(
        "en_month",
        "en",
        compile_pattern(
            rf"\b(?:(?P<cue>{_MONTH_CUES})\s+"
            rf"(?:the\s+month\s+of\s+)?)?(?P<m>(?:(?P<q>{EN_QUALIFIER_ALT})\s*-?\s*|(?P<rel>{_MONTH_RELATIVE})\s+)?"
            rf"{EN_MONTH}(?:\s*,?\s*(?:of\s+)?(?:(?P<y>{YEAR})|(?P<yrel>this|last|next)\s+year\b))?)",
            ENGLISH_FLAGS,
        ),
        _month,
    ),
    # in 2017 · early 2017 · mid-2017 · the year 2017
    DateRule(
        "en_year",
        "en",
        compile_pattern(
            rf"\b(?:(?P<cue>{_YEAR_CUES})\s+)?"
            rf"(?P<m>(?:(?P<q>{EN_QUALIFIER_ALT})\s*-?\s*|(?P<noun>the\s+year)\s+)?(?P<y>{YEAR}))",
            ENGLISH_FLAGS,
        ),
        _year,
    ),
    # two days ago · about a month ago · 3 weeks ago
    DateRule(
        "en_ago",
        "en",
        compile_pattern(
            rf"\b(?P<m>(?:(?P<q>{EN_APPROXIMATOR_ALT})\s+)?"
            rf"(?P<num>[0-9]{{1,3}}|{EN_COUNT_ALT})"
            rf"\s+(?P<unit>days?|weeks?|months?|years?)\s+ago)\b",
            ENGLISH_FLAGS,
        ),
        _ago,
    ),
    # last week · next month · this year · earlier this month · late last year
    DateRule(
        "en_period",
        "en",
        compile_pattern(
            rf"\b(?P<m>(?:(?P<q>{EN_QUALIFIER_ALT})\s*-?\s*)?(?P<r>earlier\s+this|later\s+this|last|next|coming|this)\s+"
            rf"(?P<u>week|month|year))\b",
            ENGLISH_FLAGS,
        ),
        _period,
    ),
    # the 10th of this month
    DateRule(
        "en_day_of_month",
        "en",
        compile_pattern(
            rf"\b(?P<m>(?:the\s+)?(?P<d>{DAY}){EN_ORDINAL_SUFFIX}\s+of\s+(?P<r>this|last|next)\s+month)\b",
            ENGLISH_FLAGS,
        ),
        _day_of_month,
    ),
    # Tuesday · last Tuesday · next Friday · yesterday, Monday
    DateRule(
        "en_weekday",
        "en",
        compile_pattern(
            rf"\b(?P<m>(?:(?P<rel>yesterday|today|tomorrow)\s*,?\s+)?"
            rf"(?:(?P<r>{_WEEKDAY_RELATIVE})\s+)?{EN_WEEKDAY}"
            rf"(?:\s+(?P<r2>last|next|this)\s+week\b)?)",
            ENGLISH_FLAGS,
        ),
        _weekday,
    ),
    # today · yesterday · the day before yesterday · tomorrow · last night
    DateRule(
        "en_basic",
        "en",
        compile_pattern(
            r"\b(?P<m>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today|tonight"
            r"|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening))\b",
            ENGLISH_FLAGS,
        ),
        _named_day,
    ),
)
