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
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

__all__ = [
    "FUTURE_TOLERANCE_DAYS",
    "DateMention",
    "find_dates",
    "format_date",
    "format_day",
    "parse_date_filter",
]

logger = logging.getLogger(__name__)

FUTURE_TOLERANCE_DAYS = 7
"""A day/month without a year may fall this many days after publication (announced events)."""

_GRANULARITIES = ("day", "week", "month", "year")


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
        return _period(self.date, self.granularity)


# ---------------------------------------------------------------------------------------------
# Normalisation with an offset map: matching runs on a normalised copy, offsets map back.

_DROPPED = frozenset(
    [chr(c) for c in range(0x0610, 0x061B)]  # Quranic marks
    + [chr(c) for c in range(0x064B, 0x0660)]  # harakat, tanwin, shadda, sukun
    + ["\u0670", "\u0640"]  # superscript alef, tatweel
    + ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff", "\u00ad"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
# Marks that belong to the preceding letter: a mention ending on that letter takes them along.
_TRAILING_MARKS = frozenset(
    [chr(c) for c in range(0x0610, 0x061B)] + [chr(c) for c in range(0x064B, 0x0660)] + ["\u0670", "\u0640"]
)
_CHAR_MAP = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ی": "ي",
    "ة": "ه",
    "ک": "ك",
    "\u00a0": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u2010": "-",
    "\u2011": "-",
    "\u2013": "-",
    "\u2014": "-",
}
for _i in range(10):
    _CHAR_MAP[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _CHAR_MAP[chr(0x06F0 + _i)] = str(_i)  # Extended Arabic-Indic (Persian/Urdu) digits


def _normalize(text: str) -> tuple[str, list[int]]:
    """Return the matching form of ``text`` and, per kept character, its index in ``text``."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DROPPED:
            continue
        out.append(_CHAR_MAP.get(ch, ch))
        index.append(i)
    return "".join(out), index


def _n(s: str) -> str:
    """Normalise a literal (word lists and pattern source) the same way as the text."""
    return _normalize(s)[0]


def _key(s: str) -> str:
    """Lookup key for a matched word or phrase: normalised, lower case, single spaces."""
    return " ".join(_n(s).lower().split())


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of literal phrases (longest first; spaces match any whitespace)."""
    forms = sorted({_key(w) for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(re.escape(p) for p in f.split(" ")) for f in forms) + ")"


# ---------------------------------------------------------------------------------------------
# Vocabulary

_AR_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("يناير", "جانفي", "كانون الثاني"),
    2: ("فبراير", "فيفري", "شباط"),
    3: ("مارس", "آذار"),
    4: ("أبريل", "إبريل", "أفريل", "نيسان"),
    5: ("مايو", "ماي", "أيار"),
    6: ("يونيو", "يونيه", "جوان", "حزيران"),
    7: ("يوليو", "يوليه", "يوليوز", "جويلية", "تموز"),
    8: ("أغسطس", "غشت", "أوت", "آب"),
    9: ("سبتمبر", "شتنبر", "أيلول"),
    10: ("أكتوبر", "تشرين الأول"),
    11: ("نوفمبر", "نونبر", "تشرين الثاني"),
    12: ("ديسمبر", "دجنبر", "كانون الأول"),
}
_AR_MONTHS = {_key(name): month for month, names in _AR_MONTH_NAMES.items() for name in names}
# Month names that are also common words (آب ~ أب "father", مارس "practised", ماي): only with a
# day, a year, or the word شهر.
_AR_AMBIGUOUS_MONTHS = frozenset(_key(w) for w in ("آب", "مارس", "ماي"))

_EN_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
# English month names that are also verbs: only when capitalised ("May 5", not "may 5").
_EN_VERB_MONTHS = frozenset({"may", "march", "mar"})

_AR_WEEKDAYS = {
    _key("الاثنين"): 0,
    _key("الإثنين"): 0,
    _key("الثلاثاء"): 1,
    _key("الثلثاء"): 1,
    _key("الأربعاء"): 2,
    _key("الخميس"): 3,
    _key("الجمعة"): 4,
    _key("السبت"): 5,
    _key("الأحد"): 6,
}
_EN_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}

# Relative words after a month, a weekday or a period noun (masculine and feminine forms).
_AR_REL: dict[str, str] = {}
for _word, _sense in (
    ("الماضي", "past"),
    ("المنصرم", "past"),
    ("المنقضي", "past"),
    ("الفارط", "past"),
    ("الفائت", "past"),
    ("السابق", "past"),
    ("الجاري", "current"),
    ("الحالي", "current"),
    ("المقبل", "next"),
    ("القادم", "next"),
):
    _AR_REL[_key(_word)] = _sense
    _AR_REL[_key(_word + "ة")] = _sense

_AR_QUAL = {
    _key(w): q
    for w, q in (
        ("مطلع", "early"),
        ("بداية", "early"),
        ("أوائل", "early"),
        ("مستهل", "early"),
        ("منتصف", "mid"),
        ("أواسط", "mid"),
        ("أواخر", "late"),
        ("نهاية", "late"),
        ("ختام", "late"),
        ("موفى", "late"),
    )
}
_EN_QUAL = {
    "early": "early",
    "beginning of": "early",
    "the beginning of": "early",
    "start of": "early",
    "the start of": "early",
    "mid": "mid",
    "middle of": "mid",
    "the middle of": "mid",
    "late": "late",
    "end of": "late",
    "the end of": "late",
}


def _build_ordinals() -> dict[str, int]:
    """Spelled-out day ordinals 1..31 as written after "في": الأول، العاشر، الحادي والعشرين..."""
    units = {
        2: "الثاني",
        3: "الثالث",
        4: "الرابع",
        5: "الخامس",
        6: "السادس",
        7: "السابع",
        8: "الثامن",
        9: "التاسع",
    }
    forms: dict[str, int] = {"الأول": 1, "الفاتح": 1, "العاشر": 10, "العشرين": 20, "الثلاثين": 30}
    forms["الحادي عشر"] = 11
    for n, word in units.items():
        forms[word] = n
        forms[f"{word} عشر"] = 10 + n
        forms[f"{word} والعشرين"] = 20 + n
    for one in ("الحادي", "الواحد"):
        forms[f"{one} والعشرين"] = 21
        forms[f"{one} والثلاثين"] = 31
    return {_key(k): v for k, v in forms.items()}


_AR_ORDINAL_FORMS = _build_ordinals()
_AR_ORDINALS = {k.replace(" ", ""): v for k, v in _AR_ORDINAL_FORMS.items()}  # looked up without spaces


def _ordinal_regex() -> str:
    parts = []
    for phrase in sorted(_AR_ORDINAL_FORMS, key=len, reverse=True):
        chunks = []
        for tok in phrase.split(" "):
            if tok.startswith("وال"):  # "والعشرين" is also written "و العشرين"
                chunks.append("و" + r"\s*" + re.escape(tok[1:]))
            else:
                chunks.append(re.escape(tok))
        parts.append(r"\s+".join(chunks))
    return "(?:" + "|".join(parts) + ")"


_AR_NUMBERS = {
    _key(w): n
    for w, n in (
        ("واحد", 1),
        ("واحدة", 1),
        ("اثنين", 2),
        ("اثنان", 2),
        ("اثنتين", 2),
        ("اثنتان", 2),
        ("ثلاث", 3),
        ("ثلاثة", 3),
        ("أربع", 4),
        ("أربعة", 4),
        ("خمس", 5),
        ("خمسة", 5),
        ("ست", 6),
        ("ستة", 6),
        ("سبع", 7),
        ("سبعة", 7),
        ("ثمان", 8),
        ("ثماني", 8),
        ("ثمانية", 8),
        ("تسع", 9),
        ("تسعة", 9),
        ("عشر", 10),
        ("عشرة", 10),
    )
}
_AR_VAGUE_NUMBERS = {_key(w): 3 for w in ("بضع", "بضعة", "عدة")}

# unit noun -> (unit, count implied by the form: 1 singular, 2 dual, 0 plural)
_AR_UNITS: dict[str, tuple[str, int]] = {}
for _unit, _forms in (
    ("day", (("يوم", 1), ("يوما", 1), ("أيام", 0), ("يومين", 2), ("يومان", 2))),
    ("week", (("أسبوع", 1), ("أسبوعا", 1), ("أسابيع", 0), ("أسبوعين", 2), ("أسبوعان", 2))),
    ("month", (("شهر", 1), ("شهرا", 1), ("أشهر", 0), ("شهور", 0), ("شهرين", 2), ("شهران", 2))),
    (
        "year",
        (
            ("عام", 1),
            ("عاما", 1),
            ("أعوام", 0),
            ("عامين", 2),
            ("عامان", 2),
            ("سنة", 1),
            ("سنوات", 0),
            ("سنين", 0),
            ("سنتين", 2),
            ("سنتان", 2),
        ),
    ),
):
    for _form, _count in _forms:
        _AR_UNITS[_key(_form)] = (_unit, _count)

_AR_APPROX = (
    "نحو",
    "حوالي",
    "حوالى",
    "قرابة",
    "زهاء",
    "أكثر من",
    "ما يزيد عن",
    "ما يزيد على",
    "ما يقارب",
    "أقل من",
)
_EN_APPROX = (
    "about",
    "around",
    "roughly",
    "nearly",
    "almost",
    "some",
    "approximately",
    "more than",
    "over",
    "less than",
    "just over",
    "just under",
    "barely",
)
_EN_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "a couple of": 2,
    "couple of": 2,
}
_EN_VAGUE_NUMBERS = {"a few": 3, "few": 3, "several": 3}

_HIJRI_MONTHS = frozenset(
    _key(w) for w in ("محرم", "صفر", "ربيع", "جمادى", "جمادي", "رجب", "شعبان", "رمضان", "شوال", "ذو", "ذي")
)

# ---------------------------------------------------------------------------------------------
# Regex building blocks (patterns run on the normalised text)

_L = r"(?<!\w)"  # left word boundary that works for Arabic
_R = r"(?!\w)"
_CLITIC = r"(?:[وف]?ب?)?"  # attached "and", "so", "in" before an Arabic word
_DAY = r"(?:[0-3]?[0-9])(?![0-9])"
_YEAR = r"(?:1[5-9]|20)[0-9]{2}(?![0-9])"
_AR_MONTH_ALT = _alt(_AR_MONTHS)
# A month may be written twice, in two naming systems: "أيلول/سبتمبر", "مارس آذار", "أيلول (سبتمبر)".
_AR_MONTH = (
    "(?P<mo>(?:"
    + "|".join(
        rf"{_alt(names)}(?:\s*(?:/|\(|-)?\s*{_alt(names)}{_R}(?:\s*\))?)?"
        for names in _AR_MONTH_NAMES.values()
    )
    + rf")){_R}"
)


def _ar_month_number(written: str) -> int:
    """Month number of a matched Arabic month (its first name when written twice)."""
    key = _key(re.sub(r"[/()-]", " ", written))
    for name in sorted(_AR_MONTHS, key=len, reverse=True):
        if key.startswith(name):
            return _AR_MONTHS[name]
    raise KeyError(f"not an Arabic month name: {written!r}")


_AR_REL_ALT = _alt(_AR_REL)
_AR_QUAL_ALT = _alt(_AR_QUAL)
_AR_WD_ALT = _alt(_AR_WEEKDAYS)
_AR_ORD_ALT = _ordinal_regex()
_AR_YEAR_NOUN = _alt(["عام", "العام", "سنة", "السنة", "عامي", "سنتي"])
# year part after a month: "2023", "عام 2023", "من العام الماضي", "الجاري"
_AR_YEAR_PART = (
    rf"(?:\s*،?\s*(?:(?:من\s+)?{_AR_YEAR_NOUN}\s+)?(?P<y>{_YEAR})"
    rf"|\s+(?:من\s+)?(?:{_alt(['العام', 'السنة'])}\s+(?P<yrel>{_AR_REL_ALT}){_R}"
    rf"|(?P<ythis>{_alt(['هذا العام', 'هذه السنة'])}){_R})"
    rf"|\s+(?P<mrel>{_AR_REL_ALT}){_R})"
)
_AR_REL_DAY_ALT = _alt(
    ["اليوم", "أمس", "غدا", "البارحة", "يوم غد", "بعد غد", "أول أمس", "أول من أمس", "أمس الأول"]
)
_AR_LEAD = (  # "اليوم الثلاثاء"، "يوم الأحد الموافق"
    rf"(?:(?P<rel>{_AR_REL_DAY_ALT})\s+)?"
    rf"(?:(?:يوم\s+)?(?P<wd>{_AR_WD_ALT})\s*،?\s*(?:{_n('الموافق')}\s+(?:ل\s*)?)?)?"
)
_AR_CUE = _alt(["في", "خلال", "منذ", "حتى", "قبل", "بعد", "بين", "إلى", "من", "مع", "لغاية", "غاية"])
_AR_YEAR_CUE = _alt(["في", "خلال", "منذ", "حتى", "قبل", "بعد", "لغاية", "غاية"])

_EN_MONTH_ALT = "(?:" + "|".join(sorted(_EN_MONTHS, key=len, reverse=True)) + ")"
# the dot only after an abbreviation ("Sept. 17"), never a sentence's full stop after "September."
_EN_ABBR_DOT = r"(?:(?<=jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.|(?<=sept)\.)?"
_EN_MONTH = rf"(?P<mo>{_EN_MONTH_ALT})\b{_EN_ABBR_DOT}"
_EN_WD = "(?P<wd>" + "|".join(_EN_WEEKDAYS) + r")\b"
_EN_QUAL_ALT = "(?:" + "|".join(r"\s+".join(q.split()) for q in sorted(_EN_QUAL, key=len, reverse=True)) + ")"
_EN_ORD = r"(?:st|nd|rd|th)"
_EN_YEAR_PART = rf"(?:\s*,?\s*(?P<y>{_YEAR})|\s+(?:of\s+)?(?P<yrel>this|last|next)\s+year\b)"
_SHARED_YEAR = re.compile(
    _n(
        r"\s*(?:and|to|until|till|through|-|و|إلى|حتى|لغاية|غاية)\s*"
        r"(?:(?:the\s+)?[0-3]?[0-9](?:st|nd|rd|th)?\s*(?:of\s+|من\s+)?)?"
        rf"(?P<mo2>{_EN_MONTH_ALT}|{_AR_MONTH_ALT})\b{_EN_ABBR_DOT}(?:\s+[0-3]?[0-9](?:st|nd|rd|th)?\b)?"
        rf"\s*[,،]?\s*(?:{_AR_YEAR_NOUN}\s+)?(?P<y2>{_YEAR})"
    ),
    re.IGNORECASE,
)
_RANGE_OPEN = re.compile(_n(r"(?:\b(?:from|between)|(?<!\w)[وف]?(?:بين|من))\s+$"), re.IGNORECASE)
_RANGE_CLOSE = re.compile(
    _n(rf"\s*(?:\b(?:to|and|until)\b|-|و|إلى|حتى)\s*(?:(?:the\s+year|{_AR_YEAR_NOUN})\s+)?{_YEAR}"),
    re.IGNORECASE,
)
_RANGE_BEFORE = re.compile(
    _n(
        rf"(?:\b(?:from|between)|(?<!\w)[وف]?(?:بين|من))\s+(?:(?:the\s+years?|{_AR_YEAR_NOUN})\s+)?"
        rf"{_YEAR}\s*(?:\b(?:to|and|until)\b|-|و|إلى|حتى)\s*$"
    ),
    re.IGNORECASE,
)
_EN_APPROX_ALT = (
    "(?:" + "|".join(r"\s+".join(w.split()) for w in sorted(_EN_APPROX, key=len, reverse=True)) + ")"
)
_EN_NUMBER_ALT = (
    "(?:"
    + "|".join(
        r"\s+".join(w.split()) for w in sorted([*_EN_NUMBERS, *_EN_VAGUE_NUMBERS], key=len, reverse=True)
    )
    + ")"
)

# ---------------------------------------------------------------------------------------------
# Resolution helpers


@dataclass(frozen=True)
class _Res:
    date: dt.date
    granularity: str
    approximate: bool
    kind: str


def _period(day: dt.date, granularity: str) -> tuple[dt.date, dt.date]:
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
    raise ValueError(f"granularity must be one of {_GRANULARITIES}, got {granularity!r}")


def _valid(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _resolve_day_month(day: int, month: int, pub: dt.date, mode: str) -> dt.date | None:
    """Pick the year for a day/month: "closest" (not after pub + tolerance), "past", "next", "current"."""
    if mode == "current":
        return _valid(pub.year, month, day)
    if mode == "next":
        for year in range(pub.year, pub.year + 9):
            cand = _valid(year, month, day)
            if cand is not None and cand > pub:
                return cand
        return None
    limit = (
        pub + dt.timedelta(days=FUTURE_TOLERANCE_DAYS) if mode == "closest" else pub - dt.timedelta(days=1)
    )
    for year in range(pub.year + 1, pub.year - 9, -1):
        cand = _valid(year, month, day)
        if cand is not None and cand <= limit:
            return cand
    return None


def _resolve_month(month: int, pub: dt.date, mode: str) -> dt.date:
    """First day of the month named without a year (same modes as ``_resolve_day_month``)."""
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


def _resolve_weekday(weekday: int, pub: dt.date, mode: str) -> dt.date:
    back = (pub.weekday() - weekday) % 7
    if mode == "past":
        return pub - dt.timedelta(days=back or 7)
    ahead = (weekday - pub.weekday()) % 7
    if mode == "next":
        return pub + dt.timedelta(days=ahead or 7)
    if mode == "upcoming":
        return pub + dt.timedelta(days=ahead)
    return pub - dt.timedelta(days=back)


def _shift(pub: dt.date, unit: str, n: int) -> dt.date:
    if unit == "day":
        return pub + dt.timedelta(days=n)
    if unit == "week":
        return pub + dt.timedelta(weeks=n)
    if unit == "month":
        return pub + relativedelta(months=n)
    return pub + relativedelta(years=n)


def _qualified(base: dt.date, granularity: str, qual: str | None) -> dt.date:
    """The best single day for "early/mid/late" + the period that ``base`` lies in."""
    if qual is None:
        return base
    if granularity == "month":
        return base.replace(day={"early": 5, "mid": 15, "late": 25}[qual])
    if granularity == "year":
        return dt.date(base.year, {"early": 2, "mid": 7, "late": 11}[qual], 1)
    if granularity == "week":
        monday = base - dt.timedelta(days=base.weekday())
        return monday + dt.timedelta(days={"early": 0, "mid": 2, "late": 5}[qual])
    return base


_EN_REL_MODE = {
    "last": "past",
    "past": "past",
    "this past": "past",
    "previous": "past",
    "next": "next",
    "coming": "next",
    "this coming": "next",
    "this": "current",
}

# ---------------------------------------------------------------------------------------------
# Rules: a regex on the normalised text and a handler that resolves a match (or rejects it)


@dataclass(frozen=True)
class _Ctx:
    text: str  # normalised text
    pub: dt.date | None


_Handler = Callable[[re.Match[str], _Ctx], _Res | None]


@dataclass(frozen=True)
class _Rule:
    name: str
    family: str  # "ar", "en" or "num"
    regex: re.Pattern[str]
    handler: _Handler


def _g(m: re.Match[str], name: str) -> str | None:
    try:
        return m.group(name)
    except IndexError:
        return None


_NEXT_WORD = re.compile(r"[ \t]+(\w+)")
_PREV_WORD = re.compile(r"(\w+)[ \t]+$")


def _next_word(text: str, end: int) -> str:
    """The word right after ``end`` if only spaces separate them, else ''."""
    m = _NEXT_WORD.match(text, end)
    return m.group(1).lower() if m else ""


def _prev_word(text: str, start: int) -> str:
    """The word right before ``start`` if only spaces separate them, else ''."""
    m = _PREV_WORD.search(text[max(0, start - 40) : start])
    return m.group(1).lower() if m else ""


def _year_of(m: re.Match[str]) -> tuple[int | None, str]:
    """The year written after a day/month, or None and how to pick it from the anchor.

    Modes: "closest" (nothing written), "current" (الجاري, this year), "past"/"next" (the month
    itself is past/next: "سبتمبر الماضي"), "year-past"/"year-next" (the year is: "من العام الماضي").
    """
    y = _g(m, "y")
    if y:
        return int(y), None
    if _g(m, "ythis"):
        return None, "current"
    for group in ("yrel", "mrel"):
        rel = _g(m, group)
        if rel:
            sense = _AR_REL.get(_key(rel)) or _EN_REL_MODE.get(_key(rel))
            if group == "yrel" and sense in ("past", "next"):
                return None, "year-" + sense
            return None, sense or "closest"
    return None, "closest"


def _shared_year(text: str, end: int, month: int) -> int | None:
    """The year written after a following month in a range: "يناير ومارس 2017", "15 May to 2 June 2020"."""
    m = _SHARED_YEAR.match(text, end)
    if m is None:
        return None
    key = _key(m.group("mo2"))
    month2 = _AR_MONTHS.get(key) or _EN_MONTHS.get(key.lower())
    if month2 is None:
        return None
    year = int(m.group("y2"))
    return year - 1 if month > month2 else year


def _day_month_res(day: int, month: int, m: re.Match[str], ctx: _Ctx) -> _Res | None:
    year, mode = _year_of(m)
    if year is None and mode == "closest":
        year = _shared_year(ctx.text, m.end("m"), month)
    if year is not None:
        found = _valid(year, month, day)
        return _Res(found, "day", False, "absolute") if found else None
    if ctx.pub is None:
        return None
    if mode in ("year-past", "year-next"):
        offset = -1 if mode == "year-past" else 1
        found = _valid(ctx.pub.year + offset, month, day)
    else:
        found = _resolve_day_month(day, month, ctx.pub, mode)
    return _Res(found, "day", False, "absolute") if found else None


def _month_res(
    month: int, m: re.Match[str], ctx: _Ctx, qual: str | None, mode_hint: str | None
) -> _Res | None:
    year, mode = _year_of(m)
    if year is None and mode == "closest" and mode_hint is None:
        year = _shared_year(ctx.text, m.end("m"), month)
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
            base = _resolve_month(month, ctx.pub, mode)
    return _Res(_qualified(base, "month", qual), "month", qual is not None, "absolute")


# --- Arabic handlers ---------------------------------------------------------------------------


def _ar_day_month(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    month = _ar_month_number(m.group("mo"))
    if _g(m, "ord"):
        day = _AR_ORDINALS[_key(m.group("ord")).replace(" ", "")]
    elif _g(m, "ghurra"):  # "غرة جانفي" = the first of January
        day = 1
    else:
        day = int(m.group("d"))
    return _day_month_res(day, month, m, ctx)


def _ar_day_this_month(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    """ "العاشر من الشهر الجاري"، "10 من الشهر الماضي"."""
    if ctx.pub is None:
        return None
    day = _AR_ORDINALS[_key(m.group("ord")).replace(" ", "")] if _g(m, "ord") else int(m.group("d"))
    sense = "current" if _g(m, "cthis") else _AR_REL[_key(m.group("crel"))]
    base = _shift(ctx.pub.replace(day=1), "month", {"past": -1, "current": 0, "next": 1}[sense])
    found = _valid(base.year, base.month, day)
    return _Res(found, "day", False, "relative") if found else None


def _ar_month(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    name = _key(m.group("mo"))
    month = _ar_month_number(name)
    has_year = bool(_g(m, "y") or _g(m, "yrel") or _g(m, "ythis") or _g(m, "mrel"))
    qual = _AR_QUAL[_key(m.group("q"))] if _g(m, "q") else None
    shahr = bool(_g(m, "shahr") or _g(m, "shahr2"))
    if not (has_year or qual or shahr or _g(m, "cue")):
        return None
    if name in _AR_AMBIGUOUS_MONTHS and not (has_year or shahr):
        return None
    return _month_res(month, m, ctx, qual, None)


def _in_year_range(text: str, start: int, end: int) -> bool:
    """True for either year of "from 2015 to 2018", "between 2015 and 2018", "بين عامي 2015 و2018"."""
    if _RANGE_BEFORE.search(text[max(0, start - 40) : start]) is not None:
        return True
    return (
        _RANGE_OPEN.search(text[max(0, start - 20) : start]) is not None
        and _RANGE_CLOSE.match(text, end) is not None
    )


def _ar_year(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    year = int(m.group("y"))
    qual = _AR_QUAL[_key(m.group("q"))] if _g(m, "q") else None
    if not (qual or _g(m, "noun") or _in_year_range(ctx.text, m.start("m"), m.end("m"))):
        if not _g(m, "cue") or not 1900 <= year <= 2099:
            return None
    return _Res(_qualified(dt.date(year, 1, 1), "year", qual), "year", qual is not None, "absolute")


_AR_UNIT_OF_NOUN = {
    _key("الأسبوع"): "week",
    _key("الشهر"): "month",
    _key("العام"): "year",
    _key("السنة"): "year",
}
# "الأمين العام السابق" is a former Secretary-General, not last year.
_AR_TITLE_STEMS = tuple(
    _key(w)
    for w in (
        "أمين",
        "مدير",
        "قائد",
        "نائب",
        "مدعي",
        "مراقب",
        "منسق",
        "مفوض",
        "رأي",
        "مقرر",
        "مفتش",
        "ممثل",
        "كاتب",
    )
)


def _ar_period(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    """ "الأسبوع الماضي"، "الشهر المقبل"، "هذا العام"، "مطلع الشهر الجاري"."""
    if ctx.pub is None:
        return None
    noun = _g(m, "u") or _g(m, "u2")
    if _g(m, "u") and not (_g(m, "r") or _g(m, "q")):
        return None  # a bare "العام"/"الشهر"; but "منذ بداية العام" is this year
    unit = _AR_UNIT_OF_NOUN[_key(noun)] if noun else "year"  # "هذه السنة"
    sense = _AR_REL[_key(m.group("r"))] if _g(m, "r") else "current"
    qual = _AR_QUAL[_key(m.group("q"))] if _g(m, "q") else None
    if noun and _key(noun) == _key("العام") and not qual:
        prev = _prev_word(ctx.text, m.start("m"))
        bare = re.sub(r"^[وفبل]?(?:ال)?", "", prev)
        if prev.startswith(("ال", "وال", "فال", "بال")) or bare.startswith(_AR_TITLE_STEMS):
            return None
    return _period_res(unit, sense, qual, ctx.pub)


def _period_res(unit: str, sense: str, qual: str | None, pub: dt.date) -> _Res:
    n = {"past": -1, "current": 0, "next": 1}[sense]
    base = _shift(pub, unit, n)
    date = _qualified(base, unit, qual)
    approximate = unit == "week" or qual is not None
    return _Res(date, unit, approximate, "relative")


def _ar_weekday(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    if ctx.pub is None:
        return None
    wd_word = _key(m.group("wd"))
    prev = _prev_word(ctx.text, m.start("m"))
    nxt = _next_word(ctx.text, m.end("wd"))
    if wd_word == _key("الاثنين") and prev in (_key("كلا"), _key("بين"), _key("هذين"), _key("هؤلاء")):
        return None  # "the two", not Monday
    if wd_word == _key("الأحد") and nxt == _key("عشر"):
        return None  # "الأحد عشر" = the eleven
    rel = _g(m, "rel")
    if rel:
        return _Res(_basic_ar(rel, ctx.pub), "day", False, "relative")
    sense = _AR_REL.get(_key(m.group("r"))) if _g(m, "r") else None
    mode = {"past": "past", "next": "next"}.get(sense or "", "latest")
    return _Res(_resolve_weekday(_AR_WEEKDAYS[wd_word], ctx.pub, mode), "day", False, "relative")


_AR_BASIC_OFFSETS = {
    _key("اليوم"): 0,
    _key("أمس"): -1,
    _key("الأمس"): -1,
    _key("البارحة"): -1,
    _key("غدا"): 1,
    _key("يوم الغد"): 1,
    _key("يوم غد"): 1,
    _key("بعد غد"): 2,
    _key("أول أمس"): -2,
    _key("أول من أمس"): -2,
    _key("أمس الأول"): -2,
    _key("الليلة الماضية"): -1,
}
# Words after "اليوم" that make it "the day" (the next day, the national day), not "today".
_AR_DAY_NOT_TODAY = frozenset(
    _key(w)
    for w in (
        "الأول",
        "الثالث",
        "الرابع",
        "الخامس",
        "الأخير",
        "الذي",
        "السابق",
        "اللاحق",
        "نفسه",
        "ذاته",
        "عينه",
        "المفتوح",
    )
)
# Words before "اليوم" that make it "that day", "the same day" or "per day" ("مرات في اليوم").
_AR_DAY_DEMONSTRATIVES = frozenset(_key(w) for w in ("ذلك", "تلك", "نفس", "ذات", "ذاك", "في", "وفي"))


def _basic_ar(word: str, pub: dt.date) -> dt.date:
    return pub + dt.timedelta(days=_AR_BASIC_OFFSETS[_key(word)])


def _ar_basic(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    if ctx.pub is None:
        return None
    word = _key(m.group("m"))
    nxt = _next_word(ctx.text, m.end("m"))
    prev = _prev_word(ctx.text, m.start("m"))
    if word == _key("اليوم"):
        if nxt in _AR_DAY_NOT_TODAY or (
            nxt.startswith("ال") and nxt.endswith("ي") and nxt not in _AR_WEEKDAYS
        ):
            return None
        if prev in _AR_DAY_DEMONSTRATIVES:
            return None
        if prev == _key("روسيا") and nxt not in _AR_WEEKDAYS:
            return None  # the channel "روسيا اليوم" (RT)
    if word == _key("أمس") and nxt.startswith(_key("الحاجة")):
        return None  # "أمس الحاجة" = most urgently
    return _Res(_basic_ar(word, ctx.pub), "day", False, "relative")


def _ar_ago(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    """ "قبل يومين"، "منذ ثلاثة أيام"، "قبل شهر واحد"، "قبل نحو شهر"."""
    if ctx.pub is None:
        return None
    unit, implied = _AR_UNITS[_key(m.group("unit") or m.group("unit_"))]
    approximate = bool(_g(m, "q"))
    num = _g(m, "num")
    if num:
        k = _key(num)
        if k.isdigit():
            n = int(k)
        elif k in _AR_VAGUE_NUMBERS:
            n, approximate = _AR_VAGUE_NUMBERS[k], True
        else:
            n = _AR_NUMBERS[k]
    elif _g(m, "one"):
        n = 1
    elif implied:
        n = implied
    else:  # bare plural: "قبل أيام" = a few days ago
        if unit not in ("day", "week"):
            return None
        n, approximate = 3 if unit == "day" else 2, True
    if n <= 0:
        return None
    nxt = _next_word(ctx.text, m.end("m"))
    if _key(m.group("prep")) == _key("قبل") and nxt == _key("من"):
        return None  # "قبل يوم واحد من تحطم ..." counts from an event, not from publication
    if implied == 1 and not num and not _g(m, "one"):
        # "قبل يوم الانتخابات", "منذ شهر رمضان", "قبل عام 2020" are not durations
        if (
            nxt.startswith("ال")
            or nxt[:1].isdigit()
            or nxt in _AR_MONTHS
            or nxt in _HIJRI_MONTHS
            or nxt in (_key("أمس"), _key("غد"), _key("من"))
        ):
            return None
    date = _shift(ctx.pub, unit, -n)
    approximate = approximate or unit != "day"
    return _Res(date, unit, approximate, "relative")


# --- English handlers --------------------------------------------------------------------------


def _en_month_ok(m: re.Match[str]) -> int | None:
    word = m.group("mo")
    key = word.lower()
    if key in _EN_VERB_MONTHS and not word[:1].isupper():
        return None
    return _EN_MONTHS[key]


def _en_day_month(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    month = _en_month_ok(m)
    if month is None:
        return None
    return _day_month_res(int(m.group("d")), month, m, ctx)


def _en_month(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    month = _en_month_ok(m)
    if month is None:
        return None
    has_year = bool(_g(m, "y") or _g(m, "yrel"))
    qual = _EN_QUAL[_key(m.group("q"))] if _g(m, "q") else None
    rel = _key(m.group("rel")) if _g(m, "rel") else None
    if not (has_year or qual or rel or _g(m, "cue")):
        return None
    return _month_res(month, m, ctx, qual, _EN_REL_MODE.get(rel) if rel else None)


def _en_year(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    year = int(m.group("y"))
    qual = _EN_QUAL[_key(m.group("q"))] if _g(m, "q") else None
    if not (qual or _g(m, "noun") or _in_year_range(ctx.text, m.start("m"), m.end("m"))):
        if not _g(m, "cue") or not 1900 <= year <= 2099:
            return None
    after = ctx.text[m.end("m") : m.end("m") + 3]
    if after.startswith(("%", "s", "'s", "’s")):  # "2000%", "the 1990s"
        return None
    return _Res(_qualified(dt.date(year, 1, 1), "year", qual), "year", qual is not None, "absolute")


def _en_basic(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    if ctx.pub is None:
        return None
    word = _key(m.group("m")).lower()
    if (
        word == "today"
        and m.group("m")[:1] == "T"
        and _prev_word(ctx.text, m.start("m")) in ("usa", "russia")
    ):
        return None  # newspaper / channel names
    offsets = {
        "today": 0,
        "tonight": 0,
        "yesterday": -1,
        "last night": -1,
        "tomorrow": 1,
        "the day before yesterday": -2,
        "the day after tomorrow": 2,
    }
    offset = offsets.get(word, 0)  # "this morning/afternoon/evening" = the day itself
    return _Res(ctx.pub + dt.timedelta(days=offset), "day", False, "relative")


def _en_weekday(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    if ctx.pub is None:
        return None
    rel = _g(m, "rel")
    if rel:
        offset = {"yesterday": -1, "today": 0, "tomorrow": 1}[rel.lower()]
        return _Res(ctx.pub + dt.timedelta(days=offset), "day", False, "relative")
    weekday = _EN_WEEKDAYS[m.group("wd").lower()]
    week = _g(m, "r2")
    if week:  # "Tuesday next week": that weekday in the week before/of/after publication
        base = ctx.pub + dt.timedelta(weeks={"last": -1, "this": 0, "next": 1}[week.lower()])
        monday = base - dt.timedelta(days=base.weekday())
        return _Res(monday + dt.timedelta(days=weekday), "day", False, "relative")
    word = _key(_g(m, "r") or "").lower()
    mode = {"last": "past", "past": "past", "this past": "past", "next": "next", "coming": "next"}.get(word)
    if word in ("this", "this coming"):
        mode = "upcoming"
    return _Res(_resolve_weekday(weekday, ctx.pub, mode or "latest"), "day", False, "relative")


def _en_ago(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    if ctx.pub is None:
        return None
    unit = m.group("unit").lower().rstrip("s")
    num = _key(m.group("num")).lower()
    approximate = bool(_g(m, "q"))
    if num.isdigit():
        n = int(num)
    elif num in _EN_VAGUE_NUMBERS:
        n, approximate = _EN_VAGUE_NUMBERS[num], True
    else:
        n = _EN_NUMBERS[num]
    if n <= 0:
        return None
    approximate = approximate or unit != "day"
    return _Res(_shift(ctx.pub, unit, -n), unit, approximate, "relative")


def _en_period(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    """ "last week", "next month", "this year", "earlier this month", "late last year"."""
    if ctx.pub is None:
        return None
    unit = m.group("u").lower()
    rel = _key(m.group("r")).lower()
    qual = _EN_QUAL[_key(m.group("q"))] if _g(m, "q") else None
    if rel in ("earlier this", "later this"):
        first, last = _period(ctx.pub, unit)
        if rel == "earlier this":
            first, last = first, max(first, ctx.pub - dt.timedelta(days=1))
        else:
            first, last = min(last, ctx.pub + dt.timedelta(days=1)), last
        mid = first + (last - first) // 2
        return _Res(mid, unit, unit == "week", "relative")
    sense = {"last": "past", "next": "next", "coming": "next", "this": "current"}[rel]
    return _period_res(unit, sense, qual, ctx.pub)


def _en_day_of_month(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    """ "the 10th of this month", "the 3rd of last month"."""
    if ctx.pub is None:
        return None
    offset = {"last": -1, "this": 0, "next": 1}[m.group("r").lower()]
    base = _shift(ctx.pub.replace(day=1), "month", offset)
    found = _valid(base.year, base.month, int(m.group("d")))
    return _Res(found, "day", False, "relative") if found else None


# --- Numeric handlers --------------------------------------------------------------------------


def _num_ymd(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    found = _valid(int(m.group("y")), int(m.group("a")), int(m.group("b")))
    return _Res(found, "day", False, "absolute") if found else None


def _num_dmy(m: re.Match[str], ctx: _Ctx) -> _Res | None:
    a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("y"))
    found = _valid(y, b, a) or _valid(y, a, b)  # day first unless impossible
    return _Res(found, "day", False, "absolute") if found else None


# ---------------------------------------------------------------------------------------------
# The rule table


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(_n(pattern), flags)


_I = re.IGNORECASE | re.ASCII  # English rules: ASCII case folding only ("ſ" is not "s")
_AR_TODAY_ALT = _alt(_AR_BASIC_OFFSETS)

_RULES: tuple[_Rule, ...] = (
    # 17 سبتمبر 2023 · الثلاثاء 26 أيلول/سبتمبر 2023 · 17 سبتمبر الجاري · 5 ماي من العام المقبل
    _Rule(
        "ar_day_month",
        "ar",
        _rx(
            rf"{_L}{_CLITIC}(?P<m>{_AR_LEAD}(?:يوم\s+)?(?:(?P<d>{_DAY})|(?P<ghurra>غرة|أول))\s*(?:من\s+)?(?:شهر\s+)?{_AR_MONTH}{_AR_YEAR_PART}?)"
        ),
        _ar_day_month,
    ),
    # في العاشر من سبتمبر الجاري · الحادي والعشرين من أيلول 2023
    _Rule(
        "ar_ordinal_month",
        "ar",
        _rx(
            rf"{_L}{_CLITIC}(?P<m>{_AR_LEAD}(?:يوم\s+)?(?P<ord>{_AR_ORD_ALT})\s+من\s+(?:شهر\s+)?"
            rf"{_AR_MONTH}{_AR_YEAR_PART}?)"
        ),
        _ar_day_month,
    ),
    # العاشر من الشهر الجاري · 3 من الشهر الماضي
    _Rule(
        "ar_day_this_month",
        "ar",
        _rx(
            rf"{_L}{_CLITIC}(?P<m>(?:يوم\s+)?(?:(?P<ord>{_AR_ORD_ALT})|(?P<d>{_DAY}))\s+من\s+"
            rf"(?:الشهر\s+(?P<crel>{_AR_REL_ALT})|(?P<cthis>هذا\s+الشهر)){_R})"
        ),
        _ar_day_this_month,
    ),
    # سبتمبر 2023 · شهر فيفري الفارط · مطلع سبتمبر · في أكتوبر
    _Rule(
        "ar_month",
        "ar",
        _rx(
            rf"{_L}{_CLITIC}(?:(?P<cue>{_AR_CUE})\s+)?(?P<m>(?:(?P<q>{_AR_QUAL_ALT})\s+(?:(?P<shahr>شهر)\s+)?"
            rf"|(?P<shahr2>شهر)\s+)?{_AR_MONTH}{_AR_YEAR_PART}?)"
        ),
        _ar_month,
    ),
    # مطلع 2017 · عام 2017 · في 2017
    _Rule(
        "ar_year",
        "ar",
        _rx(
            rf"{_L}{_CLITIC}(?:(?P<cue>{_AR_YEAR_CUE})\s+)?(?P<m>(?:(?P<q>{_AR_QUAL_ALT})\s+(?:{_AR_YEAR_NOUN}\s+)?"
            rf"|(?P<noun>{_AR_YEAR_NOUN})\s+)?(?P<y>{_YEAR}))"
        ),
        _ar_year,
    ),
    # الأسبوع الماضي · الشهر المقبل · هذا الأسبوع · مطلع العام الجاري
    _Rule(
        "ar_period",
        "ar",
        _rx(
            rf"{_L}{_CLITIC}(?P<m>(?:(?P<q>{_AR_QUAL_ALT})\s+)?(?:(?P<u>{_alt(_AR_UNIT_OF_NOUN)})(?:\s+(?P<r>{_AR_REL_ALT}))?"
            rf"|هذا\s+(?P<u2>{_alt(['الأسبوع', 'الشهر', 'العام'])})|هذه\s+السنة)){_R}"
        ),
        _ar_period,
    ),
    # الثلاثاء · يوم الثلاثاء · الثلاثاء الماضي · أمس الثلاثاء · اليوم الثلاثاء
    _Rule(
        "ar_weekday",
        "ar",
        _rx(
            rf"{_L}{_CLITIC}(?P<m>(?:(?P<rel>{_AR_REL_DAY_ALT})\s+)?(?:يوم\s+)?"
            rf"(?P<wd>{_AR_WD_ALT}){_R}(?:\s+(?P<r>{_alt(k for k, v in _AR_REL.items() if v != 'current')}){_R})?)"
        ),
        _ar_weekday,
    ),
    # اليوم · أمس · أول أمس · غدا · بعد غد
    _Rule("ar_basic", "ar", _rx(rf"{_L}{_CLITIC}(?P<m>{_AR_TODAY_ALT}){_R}"), _ar_basic),
    # قبل يومين · منذ ثلاثة أيام · قبل شهر واحد · قبل نحو شهر · قبل 15 يوما
    _Rule(
        "ar_ago",
        "ar",
        _rx(
            rf"{_L}{_CLITIC}(?P<m>(?P<prep>قبل|منذ)\s+(?:(?P<q>{_alt(_AR_APPROX)})\s+)?"
            rf"(?:(?P<num>[0-9]{{1,3}}|{_alt(list(_AR_NUMBERS) + list(_AR_VAGUE_NUMBERS))})\s+(?P<unit>{_alt(_AR_UNITS)})"
            rf"|(?P<unit_>{_alt(_AR_UNITS)})(?:\s+(?P<one>واحد|واحده))?)){_R}"
        ),
        _ar_ago,
    ),
    # September 17, 2023 · Sept. 17 · Tuesday, September 26
    _Rule(
        "en_mdy",
        "en",
        _rx(
            rf"\b(?P<m>(?:{_EN_WD}\s*,?\s+)?{_EN_MONTH}\s+(?P<d>{_DAY}){_EN_ORD}?\b{_EN_YEAR_PART}?)(?![0-9])",
            _I,
        ),
        _en_day_month,
    ),
    # 17 September 2023 · the 17th of September · Tuesday 26 September
    _Rule(
        "en_dmy",
        "en",
        _rx(
            rf"\b(?P<m>(?:{_EN_WD}\s*,?\s+)?(?:the\s+)?(?P<d>{_DAY}){_EN_ORD}?\s+(?:of\s+)?{_EN_MONTH}"
            rf"{_EN_YEAR_PART}?)(?![0-9])",
            _I,
        ),
        _en_day_month,
    ),
    # September 2023 · early September · in September · last September
    _Rule(
        "en_month",
        "en",
        _rx(
            rf"\b(?:(?P<cue>in|since|during|until|till|from|through|throughout|before|after|between)\s+"
            rf"(?:the\s+month\s+of\s+)?)?(?P<m>(?:(?P<q>{_EN_QUAL_ALT})\s*-?\s*|(?P<rel>this\s+past|this\s+coming|last|next|this|past|coming)\s+)?"
            rf"{_EN_MONTH}(?:\s*,?\s*(?:of\s+)?(?:(?P<y>{_YEAR})|(?P<yrel>this|last|next)\s+year\b))?)",
            _I,
        ),
        _en_month,
    ),
    # in 2017 · early 2017 · mid-2017 · the year 2017
    _Rule(
        "en_year",
        "en",
        _rx(
            rf"\b(?:(?P<cue>in|since|during|until|till|through|throughout|before|after|circa)\s+)?"
            rf"(?P<m>(?:(?P<q>{_EN_QUAL_ALT})\s*-?\s*|(?P<noun>the\s+year)\s+)?(?P<y>{_YEAR}))",
            _I,
        ),
        _en_year,
    ),
    # two days ago · about a month ago · 3 weeks ago
    _Rule(
        "en_ago",
        "en",
        _rx(
            rf"\b(?P<m>(?:(?P<q>{_EN_APPROX_ALT})\s+)?"
            rf"(?P<num>[0-9]{{1,3}}|{_EN_NUMBER_ALT})"
            rf"\s+(?P<unit>days?|weeks?|months?|years?)\s+ago)\b",
            _I,
        ),
        _en_ago,
    ),
    # last week · next month · this year · earlier this month · late last year
    _Rule(
        "en_period",
        "en",
        _rx(
            rf"\b(?P<m>(?:(?P<q>{_EN_QUAL_ALT})\s*-?\s*)?(?P<r>earlier\s+this|later\s+this|last|next|coming|this)\s+"
            rf"(?P<u>week|month|year))\b",
            _I,
        ),
        _en_period,
    ),
    # the 10th of this month
    _Rule(
        "en_day_of_month",
        "en",
        _rx(rf"\b(?P<m>(?:the\s+)?(?P<d>{_DAY}){_EN_ORD}\s+of\s+(?P<r>this|last|next)\s+month)\b", _I),
        _en_day_of_month,
    ),
    # Tuesday · last Tuesday · next Friday · yesterday, Monday
    _Rule(
        "en_weekday",
        "en",
        _rx(
            rf"\b(?P<m>(?:(?P<rel>yesterday|today|tomorrow)\s*,?\s+)?"
            rf"(?:(?P<r>this\s+past|this\s+coming|last|next|this|coming|past)\s+)?{_EN_WD}"
            rf"(?:\s+(?P<r2>last|next|this)\s+week\b)?)",
            _I,
        ),
        _en_weekday,
    ),
    # today · yesterday · the day before yesterday · tomorrow · last night
    _Rule(
        "en_basic",
        "en",
        _rx(
            r"\b(?P<m>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today|tonight"
            r"|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening))\b",
            _I,
        ),
        _en_basic,
    ),
    # 2023-09-17 · 2023/9/17
    _Rule(
        "num_ymd",
        "num",
        _rx(
            r"(?<![0-9./-])(?P<m>(?P<y>(?:1[5-9]|20)[0-9]{2})(?P<s>[-/.])(?P<a>[0-9]{1,2})(?P=s)(?P<b>[0-9]{1,2}))(?![0-9]|[-/.][0-9])"
        ),
        _num_ymd,
    ),
    # 17/09/2023 · 17.09.2023 · 17-9-2023
    _Rule(
        "num_dmy",
        "num",
        _rx(
            r"(?<![0-9./-])(?P<m>(?P<a>[0-9]{1,2})(?P<s>[-/.])(?P<b>[0-9]{1,2})(?P=s)(?P<y>(?:1[5-9]|20)[0-9]{2}))(?![0-9]|[-/.][0-9])"
        ),
        _num_dmy,
    ),
)


# ---------------------------------------------------------------------------------------------
# Public API


def _as_date(published: object) -> dt.date | None:
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


def _families(lang: str | None) -> frozenset[str]:
    code = (lang or "").lower()
    if code.startswith("ar"):
        return frozenset({"ar", "num"})
    if code.startswith("en"):
        return frozenset({"en", "num"})
    return frozenset({"ar", "en", "num"})


def find_dates(text: str, published: dt.date | None, lang: str | None = None) -> list[DateMention]:
    """Find date expressions in ``text`` and resolve them against ``published``.

    Returns mentions sorted by position, never overlapping (the longest expression wins).
    With ``published=None`` only absolute dates that carry a year are returned: nothing is
    anchored on today. ``lang`` ("ar", "en") only narrows which patterns run; None runs all.
    ``published`` may also be an ISO 8601 string (``Article.published``).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    pub = _as_date(published)
    norm, index = _normalize(text)
    ctx = _Ctx(norm, pub)
    families = _families(lang)
    candidates: dict[tuple[int, int], tuple[int, _Res]] = {}
    for priority, rule in enumerate(_RULES):
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
                res = rule.handler(m, ctx)
            except (ValueError, OverflowError) as exc:  # dates beyond datetime's range
                logger.debug("date %r not resolved by %s: %s", m.group("m"), rule.name, exc)
                continue
            if res is None:
                continue
            span = (index[s], index[e - 1] + 1)
            if span not in candidates:
                candidates[span] = (priority, res)
    # Longest first (then leftmost, then rule order); keep those that overlap nothing kept so far.
    starts: list[int] = []  # kept spans, sorted and disjoint
    ends: list[int] = []
    chosen: list[tuple[int, int, _Res]] = []
    for (start, end), (_, res) in sorted(
        candidates.items(), key=lambda kv: (kv[0][0] - kv[0][1], kv[0][0], kv[1][0])
    ):
        i = bisect.bisect_left(starts, start)
        if (i > 0 and ends[i - 1] > start) or (i < len(starts) and starts[i] < end):
            continue
        starts.insert(i, start)
        ends.insert(i, end)
        chosen.append((start, end, res))
    mentions = []
    for start, end, res in sorted(chosen, key=lambda c: c[0]):
        while end < len(text) and text[end] in _TRAILING_MARKS:
            end += 1
        mentions.append(
            DateMention(start, end, text[start:end], res.date, res.granularity, res.approximate, res.kind)
        )
    return mentions


_EN_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_AR_MONTH_OUT = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)
_QUAL_OUT = {
    "en": {"early": "early", "mid": "mid", "late": "late", None: "about"},
    "ar": {"early": "مطلع", "mid": "منتصف", "late": "أواخر", None: "حوالي"},
}


def _qualifier_in(text: str) -> str | None:
    key = _key(text)
    for word, qual in _AR_QUAL.items():
        if re.search(rf"(?<!\w)[وفب]?{re.escape(word)}(?!\w)", key):
            return qual
    low = key.lower()
    for phrase in sorted(_EN_QUAL, key=len, reverse=True):
        if re.search(rf"\b{re.escape(phrase)}\b", low):
            return _EN_QUAL[phrase]
    return None


def format_day(d: dt.date, lang: str) -> str:
    """A calendar day for a reader: "17 September 2023" / "17 سبتمبر 2023"."""
    months = _AR_MONTH_OUT if (lang or "").lower().startswith("ar") else _EN_MONTH_NAMES
    return f"{d.day} {months[d.month - 1]} {d.year}"


def format_date(m: DateMention, lang: str) -> str:
    """Render a mention for a reader: "17 September 2023", "September 2023", "about August 2023"..."""
    if m.granularity not in _GRANULARITIES:
        raise ValueError(f"granularity must be one of {_GRANULARITIES}, got {m.granularity!r}")
    code = "ar" if (lang or "").lower().startswith("ar") else "en"
    months = _AR_MONTH_OUT if code == "ar" else _EN_MONTH_NAMES
    d = m.date
    if m.granularity == "day":
        base = format_day(d, code)
    elif m.granularity == "week":
        day = format_day(d - dt.timedelta(days=d.weekday()), code)
        base = f"أسبوع {day}" if code == "ar" else f"the week of {day}"
    elif m.granularity == "month":
        base = f"{months[d.month - 1]} {d.year}"
    else:
        base = str(d.year)
    if not m.approximate:
        return base
    qual = _qualifier_in(m.text) if m.granularity in ("month", "year") else None
    if code == "en" and qual == "mid":
        return f"mid-{base}"
    return f"{_QUAL_OUT[code][qual]} {base}"


# --- Filters for questions: "since March 2023", "in 2017", "بين يناير ومارس 2017" ---------------

_FILTER_RANGE = re.compile(
    _n(
        rf"(?:between|from|بين|من)\s+(?:(?P<d1>{_DAY})\s+)?(?P<m1>{_EN_MONTH_ALT}|{_AR_MONTH_ALT})\b\.?"
        rf"\s*(?:and|to|-|و|إلى|حتى)\s*(?:(?P<d2>{_DAY})\s+)?(?P<m2>{_EN_MONTH_ALT}|{_AR_MONTH_ALT})\b\.?"
        rf"\s*،?,?\s*(?P<y>{_YEAR})"
    ),
    re.IGNORECASE,
)
_FILTER_LAST_N = re.compile(
    _n(
        r"(?:(?:in|over|during|within)\s+)?the\s+(?:last|past)\s+(?:(?P<num>[0-9]{1,3}|"
        + "|".join(sorted((k for k in _EN_NUMBERS if " " not in k), key=len, reverse=True))
        + r")\s+)?(?P<unit>days?|weeks?|months?|years?)\b"
        + rf"|(?:خلال|في)\s+(?P<aunit>{_alt(['الأيام', 'الأسابيع', 'الأشهر', 'الشهور', 'السنوات', 'الأعوام'])})"
        + rf"\s+(?:(?:ال)?(?P<anum>[0-9]{{1,3}}|{_alt(_AR_NUMBERS)})\s+)?(?:{_alt(['الماضية', 'الأخيرة'])})"
    ),
    re.IGNORECASE | re.ASCII,  # ASCII case folding: "ſeven" is not "seven"
)
_AR_PLURAL_UNITS = {
    _key("الأيام"): "day",
    _key("الأسابيع"): "week",
    _key("الأشهر"): "month",
    _key("الشهور"): "month",
    _key("السنوات"): "year",
    _key("الأعوام"): "year",
}
_CUE_SINCE = re.compile(_n(r"(?:\b(?:since|from)|(?<!\w)[وف]?(?:منذ|من|ابتداء\s+من|اعتبارا\s+من))\s*$"), re.I)
_CUE_BEFORE = re.compile(_n(r"(?:\bbefore|(?<!\w)[وف]?قبل)\s*$"), re.I)
_CUE_UNTIL = re.compile(
    _n(r"(?:\b(?:until|till|through|up\s+to|by)|(?<!\w)[وف]?(?:حتى|لغاية|إلى|الى))\s*$"), re.I
)
_CUE_AFTER = re.compile(_n(r"(?:\bafter|(?<!\w)[وف]?بعد)\s*$"), re.I)
_CUE_RANGE = re.compile(_n(r"(?:\b(?:between|from)|(?<!\w)[وف]?(?:بين|من))\s*$"), re.I)


def _month_number(word: str) -> int:
    key = _key(word)
    return _AR_MONTHS.get(key) or _EN_MONTHS[key.lower()]


def parse_date_filter(text: str, today: dt.date | None = None) -> tuple[dt.date | None, dt.date | None]:
    """Read a date restriction in a question: an inclusive (first, last) range, or (None, None).

    "since March 2023" -> (2023-03-01, None); "in 2017" -> (2017-01-01, 2017-12-31);
    "بين يناير ومارس 2017" -> (2017-01-01, 2017-03-31); "before 2020" -> (None, 2019-12-31).
    Relative phrases ("last month", "the past 3 weeks") need ``today``; without it they are ignored.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    anchor = _as_date(today)
    norm, _ = _normalize(text)
    m = _FILTER_RANGE.search(norm)
    if m:
        year = int(m.group("y"))
        try:
            m1, m2 = _month_number(m.group("m1")), _month_number(m.group("m2"))
            d1 = int(m.group("d1")) if m.group("d1") else 1
            first = dt.date(year if m1 <= m2 else year - 1, m1, d1)
            last = (
                dt.date(year, m2, int(m.group("d2")))
                if m.group("d2")
                else _period(dt.date(year, m2, 1), "month")[1]
            )
            return first, last
        except (ValueError, KeyError):
            pass
    if anchor is not None:
        m = _FILTER_LAST_N.search(norm)
        if m:
            if m.group("unit"):
                unit = m.group("unit").lower().rstrip("s")
                num = (m.group("num") or "1").lower()
                n = int(num) if num.isdigit() else _EN_NUMBERS[num]
            else:
                unit = _AR_PLURAL_UNITS[_key(m.group("aunit"))]
                anum = m.group("anum")
                n = int(anum) if anum and anum.isdigit() else _AR_NUMBERS.get(_key(anum or ""), 1)
            try:
                return _shift(anchor, unit, -n), anchor
            except (ValueError, OverflowError):
                return None, None
    mentions = find_dates(text, anchor)
    if not mentions:
        return None, None
    first_m = mentions[0]
    before = _n(text[: first_m.start])
    start, end = first_m.period
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
