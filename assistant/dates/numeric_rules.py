"""Numeric date rules: 2023-09-17 and 17/09/2023 (day first unless impossible)."""

from __future__ import annotations

import re

from assistant.dates.calendar import valid_date
from assistant.dates.patterns import compile_pattern
from assistant.dates.rules import DateRule, MatchContext, Resolution

__all__ = ["NUMERIC_RULES"]


def _year_month_day(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    found = valid_date(int(m.group("y")), int(m.group("a")), int(m.group("b")))
    return Resolution(found, "day", False, "absolute") if found else None


def _day_month_year(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    first, second, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
    found = valid_date(year, second, first) or valid_date(year, first, second)  # day first unless impossible
    return Resolution(found, "day", False, "absolute") if found else None


NUMERIC_RULES: tuple[DateRule, ...] = (
    # 2023-09-17 · 2023/9/17
    DateRule(
        "num_ymd",
        "num",
        compile_pattern(
            r"(?<![0-9./-])(?P<m>(?P<y>(?:1[5-9]|20)[0-9]{2})(?P<s>[-/.])(?P<a>[0-9]{1,2})(?P=s)(?P<b>[0-9]{1,2}))(?![0-9]|[-/.][0-9])"
        ),
        _year_month_day,
    ),
    # 17/09/2023 · 17.09.2023 · 17-9-2023
    DateRule(
        "num_dmy",
        "num",
        compile_pattern(
            r"(?<![0-9./-])(?P<m>(?P<a>[0-9]{1,2})(?P<s>[-/.])(?P<b>[0-9]{1,2})(?P=s)(?P<y>(?:1[5-9]|20)[0-9]{2}))(?![0-9]|[-/.][0-9])"
        ),
        _day_month_year,
    ),
)
