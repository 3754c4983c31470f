"""Read a date restriction in a question ("since March 2023", "بين يناير ومارس 2017") as a range."""

from __future__ import annotations

import datetime as dt
import re

from assistant.dates.calendar import anchor_date, period_of, shift
from assistant.dates.find import find_dates
from assistant.dates.normalize import lookup_key, normalize, normalize_literal, phrase_alternation
from assistant.dates.patterns import AR_MONTH_ALT, DAY, EN_MONTH_ALT, YEAR
from assistant.dates.tables import ar
from assistant.dates.vocabulary import AR_MONTHS, AR_NUMBERS, AR_PLURAL_PERIOD_NOUNS, EN_MONTHS, EN_NUMBERS

__all__ = ["parse_date_filter"]

_MONTH_RANGE = re.compile(
    normalize_literal(
        rf"(?:between|from|بين|من)\s+(?:(?P<d1>{DAY})\s+)?(?P<m1>{EN_MONTH_ALT}|{AR_MONTH_ALT})\b\.?"
        rf"\s*(?:and|to|-|و|إلى|حتى)\s*(?:(?P<d2>{DAY})\s+)?(?P<m2>{EN_MONTH_ALT}|{AR_MONTH_ALT})\b\.?"
        rf"\s*،?,?\s*(?P<y>{YEAR})"
    ),
    re.IGNORECASE,
)
_LAST_N_PERIODS = re.compile(
    normalize_literal(
        r"(?:(?:in|over|during|within)\s+)?the\s+(?:last|past)\s+(?:(?P<num>[0-9]{1,3}|"
        + "|".join(sorted((k for k in EN_NUMBERS if " " not in k), key=len, reverse=True))
        + r")\s+)?(?P<unit>days?|weeks?|months?|years?)\b"
        + rf"|(?:خلال|في)\s+(?P<aunit>{phrase_alternation(ar.PLURAL_PERIOD_NOUNS)})"
        + rf"\s+(?:(?:ال)?(?P<anum>[0-9]{{1,3}}|{phrase_alternation(AR_NUMBERS)})\s+)?(?:{phrase_alternation(['الماضية', 'الأخيرة'])})"
    ),
    re.IGNORECASE | re.ASCII,  # ASCII case folding: "ſeven" is not "seven"
)
_CUE_SINCE = re.compile(
    normalize_literal(r"(?:\b(?:since|from)|(?<!\w)[وف]?(?:منذ|من|ابتداء\s+من|اعتبارا\s+من))\s*$"), re.I
)
_CUE_BEFORE = re.compile(normalize_literal(r"(?:\bbefore|(?<!\w)[وف]?قبل)\s*$"), re.I)
_CUE_UNTIL = re.compile(
    normalize_literal(r"(?:\b(?:until|till|through|up\s+to|by)|(?<!\w)[وف]?(?:حتى|لغاية|إلى|الى))\s*$"), re.I
)
_CUE_AFTER = re.compile(normalize_literal(r"(?:\bafter|(?<!\w)[وف]?بعد)\s*$"), re.I)
_CUE_RANGE = re.compile(normalize_literal(r"(?:\b(?:between|from)|(?<!\w)[وف]?(?:بين|من))\s*$"), re.I)


def _month_number(word: str) -> int:
    key = lookup_key(word)
    return AR_MONTHS.get(key) or EN_MONTHS[key.lower()]


def _month_range(m: re.Match[str]) -> tuple[dt.date, dt.date] | None:
    """ "between January and March 2017" -> its first and last day; None when impossible."""
    year = int(m.group("y"))
    try:
        m1, m2 = _month_number(m.group("m1")), _month_number(m.group("m2"))
        d1 = int(m.group("d1")) if m.group("d1") else 1
        first = dt.date(year if m1 <= m2 else year - 1, m1, d1)
        last = (
            dt.date(year, m2, int(m.group("d2")))
            if m.group("d2")
            else period_of(dt.date(year, m2, 1), "month")[1]
        )
        return first, last
    except (ValueError, KeyError):
        return None


def _last_n_periods(m: re.Match[str], anchor: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """ "the past 3 months", "خلال الأشهر الثلاثة الماضية" -> (anchor - 3 months, anchor)."""
    if m.group("unit"):
        unit = m.group("unit").lower().rstrip("s")
        number_word = (m.group("num") or "1").lower()
        count = int(number_word) if number_word.isdigit() else EN_NUMBERS[number_word]
    else:
        unit = AR_PLURAL_PERIOD_NOUNS[lookup_key(m.group("aunit"))]
        number_word = m.group("anum")
        if number_word and number_word.isdigit():
            count = int(number_word)
        else:
            count = AR_NUMBERS.get(lookup_key(number_word or ""), 1)
    try:
        return shift(anchor, unit, -count), anchor
    except (ValueError, OverflowError):
        return None, None


def parse_date_filter(text: str, today: dt.date | None = None) -> tuple[dt.date | None, dt.date | None]:
    """Read a date restriction in a question: an inclusive (first, last) range, or (None, None).

    "since March 2023" -> (2023-03-01, None); "in 2017" -> (2017-01-01, 2017-12-31);
    "بين يناير ومارس 2017" -> (2017-01-01, 2017-03-31); "before 2020" -> (None, 2019-12-31).
    Relative phrases ("last month", "the past 3 weeks") need ``today``; without it they are ignored.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    anchor = anchor_date(today)
    norm, _ = normalize(text)
    m = _MONTH_RANGE.search(norm)
    if m:
        found = _month_range(m)
        if found is not None:
            return found
    if anchor is not None:
        m = _LAST_N_PERIODS.search(norm)
        if m:
            return _last_n_periods(m, anchor)
    mentions = find_dates(text, anchor)
    if not mentions:
        return None, None
    first_mention = mentions[0]
    before = normalize_literal(text[: first_mention.start])
    start, end = first_mention.period
    if len(mentions) >= 2 and _CUE_RANGE.search(before):
        return start, mentions[1].period[1]
    if _CUE_AFTER.search(before):
        return end + dt.timedelta(days=1), None
    if _CUE_SINCE.search(before):
        return start, None
    if _CUE_BEFORE.search(before):
        return None, start - dt.timedelta(days=1)
    if _CUE_UNTIL.search(before):
        return None, end
    return start, end
