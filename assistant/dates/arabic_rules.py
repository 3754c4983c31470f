"""Arabic date rules: each pattern and the resolver that turns its match into a date."""

from __future__ import annotations

import datetime as dt
import re

from assistant.dates.calendar import resolve_weekday, shift, valid_date
from assistant.dates.normalize import lookup_key, phrase_alternation
from assistant.dates.patterns import (
    AR_APPROXIMATOR_ALT,
    AR_COUNT_ALT,
    AR_DAY_OFFSET_ALT,
    AR_LEAD,
    AR_LEADING_DAY_ALT,
    AR_MONTH,
    AR_MONTH_CUE,
    AR_ORDINAL_ALT,
    AR_PERIOD_NOUN_ALT,
    AR_QUALIFIER_ALT,
    AR_RELATIVE_ALT,
    AR_RELATIVE_NOT_CURRENT_ALT,
    AR_UNIT_ALT,
    AR_WEEKDAY_ALT,
    AR_YEAR_CUE,
    AR_YEAR_NOUN,
    AR_YEAR_PART,
    CLITIC,
    DAY,
    WORD_END,
    WORD_START,
    YEAR,
    arabic_month_number,
    compile_pattern,
)
from assistant.dates.rules import (
    DateRule,
    MatchContext,
    Resolution,
    day_month_resolution,
    month_resolution,
    next_word,
    optional_group,
    period_resolution,
    previous_word,
    year_resolution,
)
from assistant.dates.vocabulary import (
    AR_AMBIGUOUS_MONTHS,
    AR_DAY_DEMONSTRATIVES,
    AR_DAY_NOT_TODAY,
    AR_DAY_OFFSETS,
    AR_HIJRI_MONTHS,
    AR_MONTHS,
    AR_NUMBERS,
    AR_ORDINALS,
    AR_PERIOD_NOUNS,
    AR_QUALIFIERS,
    AR_RELATIVE,
    AR_TITLE_STEMS,
    AR_UNITS,
    AR_VAGUE_NUMBERS,
    AR_WEEKDAYS,
)

__all__ = ["ARABIC_RULES"]


def _qualifier(m: re.Match[str]) -> str | None:
    return AR_QUALIFIERS[lookup_key(m.group("q"))] if optional_group(m, "q") else None


def _day_month(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    month = arabic_month_number(m.group("mo"))
    if optional_group(m, "ord"):
        day = AR_ORDINALS[lookup_key(m.group("ord")).replace(" ", "")]
    elif optional_group(m, "ghurra"):  # "غرة جانفي" = the first of January
        day = 1
    else:
        day = int(m.group("d"))
    return day_month_resolution(day, month, m, ctx)


def _day_of_this_month(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    """ "العاشر من الشهر الجاري"، "10 من الشهر الماضي"."""
    if ctx.pub is None:
        return None
    if optional_group(m, "ord"):
        day = AR_ORDINALS[lookup_key(m.group("ord")).replace(" ", "")]
    else:
        day = int(m.group("d"))
    sense = "current" if optional_group(m, "cthis") else AR_RELATIVE[lookup_key(m.group("crel"))]
    base = shift(ctx.pub.replace(day=1), "month", {"past": -1, "current": 0, "next": 1}[sense])
    found = valid_date(base.year, base.month, day)
    return Resolution(found, "day", False, "relative") if found else None


def _month(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    name = lookup_key(m.group("mo"))
    month = arabic_month_number(name)
    has_year = any(optional_group(m, group) for group in ("y", "yrel", "ythis", "mrel"))
    qualifier = _qualifier(m)
    shahr = bool(optional_group(m, "shahr") or optional_group(m, "shahr2"))
    if not (has_year or qualifier or shahr or optional_group(m, "cue")):
        return None
    if name in AR_AMBIGUOUS_MONTHS and not (has_year or shahr):
        return None
    return month_resolution(month, m, ctx, qualifier, None)


def _year(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    return year_resolution(m, ctx, _qualifier(m))


def _period(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    """ "الأسبوع الماضي"، "الشهر المقبل"، "هذا العام"، "مطلع الشهر الجاري"."""
    if ctx.pub is None:
        return None
    noun = optional_group(m, "u") or optional_group(m, "u2")
    if optional_group(m, "u") and not (optional_group(m, "r") or optional_group(m, "q")):
        return None  # a bare "العام"/"الشهر"; but "منذ بداية العام" is this year
    unit = AR_PERIOD_NOUNS[lookup_key(noun)] if noun else "year"  # "هذه السنة"
    sense = AR_RELATIVE[lookup_key(m.group("r"))] if optional_group(m, "r") else "current"
    qualifier = _qualifier(m)
    if noun and lookup_key(noun) == lookup_key("العام") and not qualifier:
        prev = previous_word(ctx.text, m.start("m"))
        bare = re.sub(r"^[وفبل]?(?:ال)?", "", prev)
        if prev.startswith(("ال", "وال", "فال", "بال")) or bare.startswith(AR_TITLE_STEMS):
            return None
    return period_resolution(unit, sense, qualifier, ctx.pub)


def _day_offset(word: str, pub: dt.date) -> dt.date:
    return pub + dt.timedelta(days=AR_DAY_OFFSETS[lookup_key(word)])


def _weekday(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    if ctx.pub is None:
        return None
    weekday_word = lookup_key(m.group("wd"))
    prev = previous_word(ctx.text, m.start("m"))
    following = next_word(ctx.text, m.end("wd"))
    if weekday_word == lookup_key("الاثنين") and prev in (
        lookup_key("كلا"),
        lookup_key("بين"),
        lookup_key("هذين"),
        lookup_key("هؤلاء"),
    ):
        return None  # "the two", not Monday
    if weekday_word == lookup_key("الأحد") and following == lookup_key("عشر"):
        return None  # "الأحد عشر" = the eleven
    leading_day = optional_group(m, "rel")
    if leading_day:
        return Resolution(_day_offset(leading_day, ctx.pub), "day", False, "relative")
    sense = AR_RELATIVE.get(lookup_key(m.group("r"))) if optional_group(m, "r") else None
    mode = {"past": "past", "next": "next"}.get(sense or "", "latest")
    day = resolve_weekday(AR_WEEKDAYS[weekday_word], ctx.pub, mode)
    return Resolution(day, "day", False, "relative")


def _named_day(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    """ "اليوم"، "أمس"، "غدا" — except "اليوم التالي", "في ذلك اليوم", "روسيا اليوم", "أمس الحاجة"."""
    if ctx.pub is None:
        return None
    word = lookup_key(m.group("m"))
    following = next_word(ctx.text, m.end("m"))
    prev = previous_word(ctx.text, m.start("m"))
    if word == lookup_key("اليوم"):
        if following in AR_DAY_NOT_TODAY or (
            following.startswith("ال") and following.endswith("ي") and following not in AR_WEEKDAYS
        ):
            return None
        if prev in AR_DAY_DEMONSTRATIVES:
            return None
        if prev == lookup_key("روسيا") and following not in AR_WEEKDAYS:
            return None  # the channel "روسيا اليوم" (RT)
    if word == lookup_key("أمس") and following.startswith(lookup_key("الحاجة")):
        return None  # "أمس الحاجة" = most urgently
    return Resolution(_day_offset(word, ctx.pub), "day", False, "relative")


def _ago(m: re.Match[str], ctx: MatchContext) -> Resolution | None:
    """ "قبل يومين"، "منذ ثلاثة أيام"، "قبل شهر واحد"، "قبل نحو شهر"."""
    if ctx.pub is None:
        return None
    unit, implied = AR_UNITS[lookup_key(m.group("unit") or m.group("unit_"))]
    approximate = bool(optional_group(m, "q"))
    number_word = optional_group(m, "num")
    if number_word:
        key = lookup_key(number_word)
        if key.isdigit():
            count = int(key)
        elif key in AR_VAGUE_NUMBERS:
            count, approximate = AR_VAGUE_NUMBERS[key], True
        else:
            count = AR_NUMBERS[key]
    elif optional_group(m, "one"):
        count = 1
    elif implied:
        count = implied
    else:  # bare plural: "قبل أيام" = a few days ago
        if unit not in ("day", "week"):
            return None
        count, approximate = 3 if unit == "day" else 2, True
    if count <= 0:
        return None
    following = next_word(ctx.text, m.end("m"))
    if lookup_key(m.group("prep")) == lookup_key("قبل") and following == lookup_key("من"):
        return None  # "قبل يوم واحد من تحطم ..." counts from an event, not from publication
    if implied == 1 and not number_word and not optional_group(m, "one"):
        # "قبل يوم الانتخابات", "منذ شهر رمضان", "قبل عام 2020" are not durations
        if (
            following.startswith("ال")
            or following[:1].isdigit()
            or following in AR_MONTHS
            or following in AR_HIJRI_MONTHS
            or following in (lookup_key("أمس"), lookup_key("غد"), lookup_key("من"))
        ):
            return None
    date = shift(ctx.pub, unit, -count)
    approximate = approximate or unit != "day"
    return Resolution(date, unit, approximate, "relative")


_START = rf"{WORD_START}{CLITIC}"  # an Arabic word start, with its attached و/ف/ب

ARABIC_RULES: tuple[DateRule, ...] = (
    # 17 سبتمبر 2023 · الثلاثاء 26 أيلول/سبتمبر 2023 · 17 سبتمبر الجاري · 5 ماي من العام المقبل
    DateRule(
        "ar_day_month",
        "ar",
        compile_pattern(
            rf"{_START}(?P<m>{AR_LEAD}(?:يوم\s+)?(?:(?P<d>{DAY})|(?P<ghurra>غرة|أول))\s*(?:من\s+)?(?:شهر\s+)?{AR_MONTH}{AR_YEAR_PART}?)"
        ),
        _day_month,
    ),
    # في العاشر من سبتمبر الجاري · الحادي والعشرين من أيلول 2023
    DateRule(
        "ar_ordinal_month",
        "ar",
        compile_pattern(
            rf"{_START}(?P<m>{AR_LEAD}(?:يوم\s+)?(?P<ord>{AR_ORDINAL_ALT})\s+من\s+(?:شهر\s+)?"
            rf"{AR_MONTH}{AR_YEAR_PART}?)"
        ),
        _day_month,
    ),
    # العاشر من الشهر الجاري · 3 من الشهر الماضي
    DateRule(
        "ar_day_this_month",
        "ar",
        compile_pattern(
            rf"{_START}(?P<m>(?:يوم\s+)?(?:(?P<ord>{AR_ORDINAL_ALT})|(?P<d>{DAY}))\s+من\s+"
            rf"(?:الشهر\s+(?P<crel>{AR_RELATIVE_ALT})|(?P<cthis>هذا\s+الشهر)){WORD_END})"
        ),
        _day_of_this_month,
    ),
    # سبتمبر 2023 · شهر فيفري الفارط · مطلع سبتمبر · في أكتوبر
    DateRule(
        "ar_month",
        "ar",
        compile_pattern(
            rf"{_START}(?:(?P<cue>{AR_MONTH_CUE})\s+)?(?P<m>(?:(?P<q>{AR_QUALIFIER_ALT})\s+(?:(?P<shahr>شهر)\s+)?"
            rf"|(?P<shahr2>شهر)\s+)?{AR_MONTH}{AR_YEAR_PART}?)"
        ),
        _month,
    ),
    # مطلع 2017 · عام 2017 · في 2017
    DateRule(
        "ar_year",
        "ar",
        compile_pattern(
            rf"{_START}(?:(?P<cue>{AR_YEAR_CUE})\s+)?(?P<m>(?:(?P<q>{AR_QUALIFIER_ALT})\s+(?:{AR_YEAR_NOUN}\s+)?"
            rf"|(?P<noun>{AR_YEAR_NOUN})\s+)?(?P<y>{YEAR}))"
        ),
        _year,
    ),
    # الأسبوع الماضي · الشهر المقبل · هذا الأسبوع · مطلع العام الجاري
    DateRule(
        "ar_period",
        "ar",
        compile_pattern(
            rf"{_START}(?P<m>(?:(?P<q>{AR_QUALIFIER_ALT})\s+)?(?:(?P<u>{AR_PERIOD_NOUN_ALT})(?:\s+(?P<r>{AR_RELATIVE_ALT}))?"
            rf"|هذا\s+(?P<u2>{phrase_alternation(['الأسبوع', 'الشهر', 'العام'])})|هذه\s+السنة)){WORD_END}"
        ),
        _period,
    ),
    # الثلاثاء · يوم الثلاثاء · الثلاثاء الماضي · أمس الثلاثاء · اليوم الثلاثاء
    DateRule(
        "ar_weekday",
        "ar",
        compile_pattern(
            rf"{_START}(?P<m>(?:(?P<rel>{AR_LEADING_DAY_ALT})\s+)?(?:يوم\s+)?"
            rf"(?P<wd>{AR_WEEKDAY_ALT}){WORD_END}(?:\s+(?P<r>{AR_RELATIVE_NOT_CURRENT_ALT}){WORD_END})?)"
        ),
        _weekday,
    ),
    # اليوم · أمس · أول أمس · غدا · بعد غد
    DateRule("ar_basic", "ar", compile_pattern(rf"{_START}(?P<m>{AR_DAY_OFFSET_ALT}){WORD_END}"), _named_day),
    # قبل يومين · منذ ثلاثة أيام · قبل شهر واحد · قبل نحو شهر · قبل 15 يوما
    DateRule(
        "ar_ago",
        "ar",
        compile_pattern(
            rf"{_START}(?P<m>(?P<prep>قبل|منذ)\s+(?:(?P<q>{AR_APPROXIMATOR_ALT})\s+)?"
            rf"(?:(?P<num>[0-9]{{1,3}}|{AR_COUNT_ALT})\s+(?P<unit>{AR_UNIT_ALT})"
            rf"|(?P<unit_>{AR_UNIT_ALT})(?:\s+(?P<one>واحد|واحده))?)){WORD_END}"
        ),
        _ago,
    ),
)
