"""Regex building blocks for date rules, built from the vocabulary (they run on normalised text)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.dates.normalize import lookup_key, normalize_literal, phrase_alternation
from assistant.dates.tables import ar, en
from assistant.dates.vocabulary import (
    AR_DAY_OFFSETS,
    AR_MONTHS,
    AR_NUMBERS,
    AR_ORDINAL_FORMS,
    AR_PERIOD_NOUNS,
    AR_QUALIFIERS,
    AR_RELATIVE,
    AR_UNITS,
    AR_VAGUE_NUMBERS,
    AR_WEEKDAYS,
    EN_MONTHS,
    EN_NUMBERS,
    EN_QUALIFIERS,
    EN_VAGUE_NUMBERS,
    EN_WEEKDAYS,
)

WORD_START = r"(?<!\w)"  # left word boundary that works for Arabic
WORD_END = r"(?!\w)"
CLITIC = r"(?:[وف]?ب?)?"  # attached "and", "so", "in" before an Arabic word
DAY = r"(?:[0-3]?[0-9])(?![0-9])"
YEAR = r"(?:1[5-9]|20)[0-9]{2}(?![0-9])"
ENGLISH_FLAGS = re.IGNORECASE | re.ASCII  # English rules: ASCII case folding only ("ſ" is not "s")


def compile_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a rule's pattern after normalising its literals like the text."""
    return re.compile(normalize_literal(pattern), flags)


def _english_alternation(phrases: Iterable[str]) -> str:
    """Alternation of English phrases, longest first, spaces matching any whitespace."""
    return "(?:" + "|".join(r"\s+".join(p.split()) for p in sorted(phrases, key=len, reverse=True)) + ")"


def _ordinal_alternation() -> str:
    parts = []
    for phrase in sorted(AR_ORDINAL_FORMS, key=len, reverse=True):
        chunks = []
        for token in phrase.split(" "):
            if token.startswith("وال"):  # "والعشرين" is also written "و العشرين"
                chunks.append("و" + r"\s*" + re.escape(token[1:]))
            else:
                chunks.append(re.escape(token))
        parts.append(r"\s+".join(chunks))
    return "(?:" + "|".join(parts) + ")"


def arabic_month_number(written: str) -> int:
    """Month number of a matched Arabic month (its first name when written twice)."""
    key = lookup_key(re.sub(r"[/()-]", " ", written))
    for name in sorted(AR_MONTHS, key=len, reverse=True):
        if key.startswith(name):
            return AR_MONTHS[name]
    raise KeyError(f"not an Arabic month name: {written!r}")


# --- Arabic -----------------------------------------------------------------------------------

AR_MONTH_ALT = phrase_alternation(AR_MONTHS)
# A month may be written twice, in two naming systems: "أيلول/سبتمبر", "مارس آذار", "أيلول (سبتمبر)".
AR_MONTH = (
    "(?P<mo>(?:"
    + "|".join(
        rf"{phrase_alternation(names)}(?:\s*(?:/|\(|-)?\s*{phrase_alternation(names)}{WORD_END}(?:\s*\))?)?"
        for names in ar.MONTH_NAMES.values()
    )
    + rf")){WORD_END}"
)
AR_RELATIVE_ALT = phrase_alternation(AR_RELATIVE)
AR_RELATIVE_NOT_CURRENT_ALT = phrase_alternation(k for k, v in AR_RELATIVE.items() if v != "current")
AR_QUALIFIER_ALT = phrase_alternation(AR_QUALIFIERS)
AR_WEEKDAY_ALT = phrase_alternation(AR_WEEKDAYS)
AR_ORDINAL_ALT = _ordinal_alternation()
AR_YEAR_NOUN = phrase_alternation(ar.YEAR_NOUNS)
# year part after a month: "2023", "عام 2023", "من العام الماضي", "الجاري"
AR_YEAR_PART = (
    rf"(?:\s*،?\s*(?:(?:من\s+)?{AR_YEAR_NOUN}\s+)?(?P<y>{YEAR})"
    rf"|\s+(?:من\s+)?(?:{phrase_alternation(['العام', 'السنة'])}\s+(?P<yrel>{AR_RELATIVE_ALT}){WORD_END}"
    rf"|(?P<ythis>{phrase_alternation(['هذا العام', 'هذه السنة'])}){WORD_END})"
    rf"|\s+(?P<mrel>{AR_RELATIVE_ALT}){WORD_END})"
)
AR_LEADING_DAY_ALT = phrase_alternation(ar.LEADING_DAYS)
AR_LEAD = (  # "اليوم الثلاثاء"، "يوم الأحد الموافق"
    rf"(?:(?P<rel>{AR_LEADING_DAY_ALT})\s+)?"
    rf"(?:(?:يوم\s+)?(?P<wd>{AR_WEEKDAY_ALT})\s*،?\s*(?:{normalize_literal('الموافق')}\s+(?:ل\s*)?)?)?"
)
AR_MONTH_CUE = phrase_alternation(ar.MONTH_CUES)
AR_YEAR_CUE = phrase_alternation(ar.YEAR_CUES)
AR_PERIOD_NOUN_ALT = phrase_alternation(AR_PERIOD_NOUNS)
AR_DAY_OFFSET_ALT = phrase_alternation(AR_DAY_OFFSETS)
AR_APPROXIMATOR_ALT = phrase_alternation(ar.APPROXIMATORS)
AR_COUNT_ALT = phrase_alternation(list(AR_NUMBERS) + list(AR_VAGUE_NUMBERS))
AR_UNIT_ALT = phrase_alternation(AR_UNITS)

# --- English ----------------------------------------------------------------------------------

EN_MONTH_ALT = "(?:" + "|".join(sorted(EN_MONTHS, key=len, reverse=True)) + ")"
# the dot only after an abbreviation ("Sept. 17"), never a sentence's full stop after "September."
EN_ABBREVIATION_DOT = r"(?:(?<=jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.|(?<=sept)\.)?"
EN_MONTH = rf"(?P<mo>{EN_MONTH_ALT})\b{EN_ABBREVIATION_DOT}"
EN_WEEKDAY = "(?P<wd>" + "|".join(EN_WEEKDAYS) + r")\b"
EN_QUALIFIER_ALT = _english_alternation(EN_QUALIFIERS)
EN_ORDINAL_SUFFIX = r"(?:st|nd|rd|th)"
EN_YEAR_PART = rf"(?:\s*,?\s*(?P<y>{YEAR})|\s+(?:of\s+)?(?P<yrel>this|last|next)\s+year\b)"
EN_APPROXIMATOR_ALT = _english_alternation(en.APPROXIMATORS)
EN_COUNT_ALT = _english_alternation([*EN_NUMBERS, *EN_VAGUE_NUMBERS])

# --- Ranges across both languages ---------------------------------------------------------------

# The year written after a following month: "يناير ومارس 2017", "15 May to 2 June 2020".
SHARED_YEAR = re.compile(
    normalize_literal(
        r"\s*(?:and|to|until|till|through|-|و|إلى|حتى|لغاية|غاية)\s*"
        r"(?:(?:the\s+)?[0-3]?[0-9](?:st|nd|rd|th)?\s*(?:of\s+|من\s+)?)?"
        rf"(?P<mo2>{EN_MONTH_ALT}|{AR_MONTH_ALT})\b{EN_ABBREVIATION_DOT}(?:\s+[0-3]?[0-9](?:st|nd|rd|th)?\b)?"
        rf"\s*[,،]?\s*(?:{AR_YEAR_NOUN}\s+)?(?P<y2>{YEAR})"
    ),
    re.IGNORECASE,
)
RANGE_OPEN = re.compile(
    normalize_literal(r"(?:\b(?:from|between)|(?<!\w)[وف]?(?:بين|من))\s+$"), re.IGNORECASE
)
RANGE_CLOSE = re.compile(
    normalize_literal(
        rf"\s*(?:\b(?:to|and|until)\b|-|و|إلى|حتى)\s*(?:(?:the\s+year|{AR_YEAR_NOUN})\s+)?{YEAR}"
    ),
    re.IGNORECASE,
)
RANGE_BEFORE = re.compile(
    normalize_literal(
        rf"(?:\b(?:from|between)|(?<!\w)[وف]?(?:بين|من))\s+(?:(?:the\s+years?|{AR_YEAR_NOUN})\s+)?"
        rf"{YEAR}\s*(?:\b(?:to|and|until)\b|-|و|إلى|حتى)\s*$"
    ),
    re.IGNORECASE,
)
