"""Write a resolved date for a reader: "17 September 2023", "about August 2023", "مطلع 2017"."""

from __future__ import annotations

import datetime as dt
import re

from assistant.dates.calendar import GRANULARITIES
from assistant.dates.mention import DateMention
from assistant.dates.normalize import lookup_key
from assistant.dates.tables import ar, en
from assistant.dates.vocabulary import AR_QUALIFIERS, EN_QUALIFIERS

__all__ = ["format_date", "format_day"]

_OUTPUT_TABLES = {"ar": ar, "en": en}


def _language(lang: str) -> str:
    return "ar" if (lang or "").lower().startswith("ar") else "en"


def _qualifier_in(text: str) -> str | None:
    """The "early"/"mid"/"late" written in a mention's text, if any."""
    key = lookup_key(text)
    for word, qualifier in AR_QUALIFIERS.items():
        if re.search(rf"(?<!\w)[وفب]?{re.escape(word)}(?!\w)", key):
            return qualifier
    low = key.lower()
    for phrase in sorted(EN_QUALIFIERS, key=len, reverse=True):
        if re.search(rf"\b{re.escape(phrase)}\b", low):
            return EN_QUALIFIERS[phrase]
    return None


def format_day(d: dt.date, lang: str) -> str:
    """A calendar day for a reader: "17 September 2023" / "17 سبتمبر 2023"."""
    months = _OUTPUT_TABLES[_language(lang)].MONTH_NAMES_OUT
    return f"{d.day} {months[d.month - 1]} {d.year}"


def format_date(m: DateMention, lang: str) -> str:
    """Render a mention for a reader: "17 September 2023", "September 2023", "about August 2023"..."""
    if m.granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {GRANULARITIES}, got {m.granularity!r}")
    code = _language(lang)
    table = _OUTPUT_TABLES[code]
    d = m.date
    if m.granularity == "day":
        base = format_day(d, code)
    elif m.granularity == "week":
        day = format_day(d - dt.timedelta(days=d.weekday()), code)
        base = f"أسبوع {day}" if code == "ar" else f"the week of {day}"
    elif m.granularity == "month":
        base = f"{table.MONTH_NAMES_OUT[d.month - 1]} {d.year}"
    else:
        base = str(d.year)
    if not m.approximate:
        return base
    qualifier = _qualifier_in(m.text) if m.granularity in ("month", "year") else None
    if code == "en" and qualifier == "mid":
        return f"mid-{base}"
    return f"{table.QUALIFIERS_OUT[qualifier]} {base}"
