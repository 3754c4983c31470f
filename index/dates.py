"""Parse the publication dates that articles and feeds carry into one ISO 8601 form.

``parse_published`` accepts ISO 8601 dates and datetimes, RFC 2822 (feeds, e-mail), unix
timestamps, and the usual Arabic, English and French ways of writing a date: month names in the
Egyptian/Gulf (سبتمبر), Levantine/Iraqi (أيلول, كانون الثاني), Maghreb (جانفي, أفريل, جويلية, أوت)
and Moroccan (يوليوز, غشت, شتنبر) forms, with or without a weekday, in Western or Arabic-Indic
digits. Numeric dates are read day first (``26/09/2023``) unless they start with a 4-digit year.

It returns ``YYYY-MM-DD`` for a date and ``YYYY-MM-DDTHH:MM:SS[+HH:MM]`` for a datetime (no offset
when the input had none). Anything else, including impossible dates (``31/02/2023``), raises
``ValueError`` naming the value and the accepted forms; the caller decides whether that is fatal.

Kept over dateparser because it measurably wins (``benchmarks/dates.py``, RESULTS.md "Dates",
2026-12-04): on the date tests' 95 values, dateparser 1.5.0 (``parse``, ar+en+fr, absolute parsers,
day, month and year required) reads 65 right (0.68; Arabic 16 of 42) at 3.5 ms a value; this
module reads all 95 at 0.14 ms.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from dateutil import parser as dateutil_parser

__all__ = ["EXPECTED_DATE_FORMS", "parse_published"]

EXPECTED_DATE_FORMS = (
    "expected an ISO 8601 date or datetime (2023-09-26, 2023-09-26T10:00:00+01:00), "
    "RFC 2822 (Tue, 26 Sep 2023 10:00:00 +0000), a written date (26 سبتمبر 2023, "
    "الثلاثاء 26 أيلول 2023, September 26, 2023), 26/09/2023, 2023/09/26 or a unix timestamp"
)

_MIN_YEAR = 1000

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640\u200c-\u200f\u061c]")


def _norm_word(word: str) -> str:
    """Month/weekday lookup key: lower case, no accents or Arabic diacritics, one alef form."""
    word = _ARABIC_MARKS.sub("", word.casefold())
    word = word.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ى", "ي").replace("ة", "ه")
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if not ("\u0300" <= ch <= "\u036f"))


_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("يناير", "كانون الثاني", "جانفي", "january", "jan", "janvier", "janv"),
    2: ("فبراير", "شباط", "فيفري", "فبرير", "february", "feb", "février", "févr"),
    3: ("مارس", "آذار", "march", "mar", "mars"),
    4: ("أبريل", "إبريل", "نيسان", "أفريل", "april", "apr", "avril", "avr"),
    5: ("مايو", "أيار", "ماي", "may", "mai"),
    6: ("يونيو", "يونيه", "حزيران", "جوان", "june", "jun", "juin"),
    7: ("يوليو", "يوليه", "تموز", "جويلية", "يوليوز", "july", "jul", "juillet", "juil"),
    8: ("أغسطس", "آب", "أوت", "غشت", "august", "aug", "août"),
    9: ("سبتمبر", "أيلول", "شتنبر", "september", "sep", "sept", "septembre"),
    10: ("أكتوبر", "تشرين الأول", "october", "oct", "octobre"),
    11: ("نوفمبر", "تشرين الثاني", "نونبر", "november", "nov", "novembre"),
    12: ("ديسمبر", "كانون الأول", "دجنبر", "december", "dec", "décembre", "déc"),
}
_MONTHS: dict[str, int] = {_norm_word(name): month for month, names in _MONTH_NAMES.items() for name in names}

_WEEKDAYS = {
    _norm_word(w)
    for w in (
        "الأحد الاثنين الإثنين الاتنين الثلاثاء الأربعاء الاربعاء الخميس الجمعة السبت "
        "يوم monday tuesday wednesday thursday friday saturday sunday "
        "mon tue tues wed thu thur thurs fri sat sun "
        "lundi mardi mercredi jeudi vendredi samedi dimanche"
    ).split()
}

# Month-name alternation, longest first so two-word names ("كانون الثاني") win.
_MONTH_ALT = "|".join(re.escape(k) for k in sorted(_MONTHS, key=len, reverse=True))
# "أيلول/سبتمبر", "سبتمبر (أيلول)": two names of the same month.
_MONTH_EXPR = rf"(?P<m1>{_MONTH_ALT})(?:\s*[/\-]\s*(?P<m2>{_MONTH_ALT})|\s*\((?P<m3>{_MONTH_ALT})\))?"

# Literal words are in their normalised form (``_norm_word``): ة is written ه.
_TIME = (
    r"(?:\s*(?:[-–|@]|at|a|à|الساعه|على الساعه|في الساعه)?\s*"
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<ampm>am|pm|a\.m\.|p\.m\.|ص|صباحا|م|مساء|ظهرا)?"
    r"\s*(?P<tz>z|utc|gmt|ut|est|edt|cst|cdt|mst|mdt|pst|pdt"
    r"|(?:utc|gmt)?\s*[+-]\d{1,2}(?::?\d{2})?)?)?"
)
_ORD = r"(?:st|nd|rd|th|er)?"
_YEAR_SUFFIX = r"(?:\s*م(?=\s|$))?"  # "2023م" (ميلادي)

_WRITTEN_DMY = re.compile(
    rf"^(?P<d>\d{{1,2}}){_ORD}\s*(?:de\s+)?{_MONTH_EXPR}\s*(?P<y>\d{{4}}){_YEAR_SUFFIX}{_TIME}$"
)
_WRITTEN_MDY = re.compile(rf"^{_MONTH_EXPR}\s*(?P<d>\d{{1,2}}){_ORD}\s+(?P<y>\d{{4}}){_TIME}$")
_NUMERIC_DMY = re.compile(
    rf"^(?P<d>\d{{1,2}})(?P<sep>[/.\-])(?P<m>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}){_YEAR_SUFFIX}{_TIME}$"
)
_NUMERIC_YMD = re.compile(rf"^(?P<y>\d{{4}})(?P<sep>[/.\-])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}}){_TIME}$")

_NAMED_ZONES = {
    "z": 0,
    "utc": 0,
    "gmt": 0,
    "ut": 0,
    "est": -5,
    "edt": -4,
    "cst": -6,
    "cdt": -5,
    "mst": -7,
    "mdt": -6,
    "pst": -8,
    "pdt": -7,
}


def _error(value: object, reason: str = "unrecognised date") -> ValueError:
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return ValueError(f"{reason} {shown}: {EXPECTED_DATE_FORMS}")


def _format(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat(timespec="seconds")
    return value.isoformat()


def _from_timestamp(value: float, original: object) -> str:
    seconds = value / 1000 if abs(value) >= 1e11 else value  # milliseconds since the epoch
    try:
        stamp = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise _error(original, "timestamp out of range") from exc
    return _format(stamp)


def _zone(text: str | None, original: object) -> dt.tzinfo | None:
    if not text:
        return None
    key = text.replace(" ", "")
    if key in _NAMED_ZONES:
        return dt.timezone(dt.timedelta(hours=_NAMED_ZONES[key]))
    match = re.fullmatch(r"(?:utc|gmt)?([+-])(\d{1,2})(?::?(\d{2}))?", key)
    if not match:
        raise _error(original)
    sign = -1 if match.group(1) == "-" else 1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 23 or minutes > 59:
        raise _error(original, "invalid time zone offset in")
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _build(year: int, month: int, day: int, parts: dict[str, str | None], original: object) -> str:
    if year < _MIN_YEAR:
        raise _error(original, "implausible year in")
    try:
        date = dt.date(year, month, day)
    except ValueError as exc:
        raise _error(original, f"invalid date ({exc})") from exc
    if parts.get("H") is None:
        return _format(date)
    hour, minute, second = int(parts["H"] or 0), int(parts["M"] or 0), int(parts["S"] or 0)
    ampm = parts.get("ampm")
    if ampm:
        if hour < 1 or hour > 12:
            raise _error(original, "invalid 12-hour time in")
        evening = ampm in {"pm", "p.m.", "م", "مساء", "ظهرا"}
        hour = hour % 12 + (12 if evening else 0)
    try:
        stamp = dt.datetime(year, month, day, hour, minute, second, tzinfo=_zone(parts.get("tz"), original))
    except ValueError as exc:
        raise _error(original, f"invalid time ({exc})") from exc
    return _format(stamp)


def _month(match: re.Match[str], original: object) -> int:
    first = _MONTHS[match.group("m1")]
    other = match.group("m2") or match.group("m3")
    if other is not None and _MONTHS[other] != first:
        raise _error(original, "two different month names in")
    return first


def _prepare(text: str) -> str:
    """Digits to ASCII, words normalised, weekday names and commas dropped, spaces collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_DIGITS)
    text = _ARABIC_MARKS.sub("", text).replace("\u00a0", " ")
    text = re.sub(r"[,،]", " ", text)
    words = [_norm_word(w) for w in text.split()]
    while words and words[0] in _WEEKDAYS:
        words.pop(0)
    return " ".join(words)


def _parse_iso(text: str) -> str | None:
    if not re.match(r"^\d{4}-?\d{2}-?\d{2}", text):
        return None
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{8}", candidate):
        try:
            return _format(dt.date.fromisoformat(candidate))
        except ValueError:
            return None
    try:
        return _format(dt.datetime.fromisoformat(candidate))
    except ValueError:
        return None


def _parse_written(text: str, original: object) -> str | None:
    for pattern in (_WRITTEN_DMY, _WRITTEN_MDY):
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            return _build(int(parts["y"]), _month(match, original), int(parts["d"]), parts, original)
    for pattern in (_NUMERIC_YMD, _NUMERIC_DMY):
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            return _build(int(parts["y"]), int(parts["m"]), int(parts["d"]), parts, original)
    return None


def _parse_with_dateutil(text: str, original: object) -> str | None:
    """Last resort for Latin-script forms (``Tue Sep 26 10:00:00 2023``); only full dates pass."""
    if not re.search(r"(?<!\d)\d{4}(?!\d)", text) or not re.fullmatch(r"[\x20-\x7e]+", text):
        return None
    first = dt.datetime(2001, 1, 1, 0, 0, 0)
    second = dt.datetime(2002, 2, 2, 1, 1, 1)
    try:
        a = dateutil_parser.parse(text, default=first, dayfirst=True)
        b = dateutil_parser.parse(text, default=second, dayfirst=True)
    except (ValueError, OverflowError, dateutil_parser.ParserError):
        return None
    if a.date() != b.date():
        return None  # day, month or year missing
    if a.year < _MIN_YEAR:
        raise _error(original, "implausible year in")
    if a.hour != b.hour:
        return _format(a.date())  # no time given
    return _format(a)


def parse_published(value: object) -> str:
    """Return ``value`` as ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS[+HH:MM]``; ``ValueError`` otherwise.

    >>> parse_published("الثلاثاء 26 سبتمبر 2023")
    '2023-09-26'
    >>> parse_published("Sun, 18 Feb 2018 21:35:43 +0400")
    '2018-02-18T21:35:43+04:00'
    """
    if value is None or isinstance(value, bool):
        raise _error(value, "not a date:")
    if isinstance(value, dt.datetime):
        return _format(value)
    if isinstance(value, dt.date):
        return _format(value)
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _error(value, "not a date:")
        try:
            number = float(value)
        except OverflowError as exc:
            raise _error(value, "timestamp out of range") from exc
        if not (1e8 <= number < 1e10 or 1e11 <= number < 1e13):
            # The same digits a string timestamp may have: a bare year (2023), a day count or a
            # number like 99999999999999 is not a publication time.
            raise _error(
                value, "not a plausible unix timestamp (9-10 digits of seconds or 12-13 of milliseconds):"
            )
        return _from_timestamp(number, value)
    if not isinstance(value, str):
        raise _error(value, f"not a date ({type(value).__name__}):")
    text = _prepare(value)
    if not text:
        raise _error(value, "empty date")
    if re.fullmatch(r"\d{9,10}|\d{12,13}", text):
        return _from_timestamp(float(text), value)
    iso = _parse_iso(text.upper() if "t" in text else text)
    if iso is not None:
        if int(iso[:4]) < _MIN_YEAR:
            raise _error(value, "implausible year in")
        return iso
    written = _parse_written(text, value)
    if written is not None:
        return written
    fallback = _parse_with_dateutil(text, value)
    if fallback is not None:
        return fallback
    raise _error(value)
