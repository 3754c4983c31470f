"""Which characters are Arabic script, how much of a text is, and the Unicode mark tables."""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

# Arabic script blocks (letters, marks, digits, punctuation, presentation forms).
_ARABIC_RANGES = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x0870, 0x089F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
    (0x10E60, 0x10E7F),
    (0x1EE00, 0x1EEFF),
)
_ARABIC_CLASS = "".join(f"{chr(a)}-{chr(b)}" for a, b in _ARABIC_RANGES)
_LETTER_RE = re.compile(r"[^\W\d_]")
_ARABIC_LETTER_RE = re.compile(rf"(?=[{_ARABIC_CLASS}])[^\W\d_]")


def is_arabic_char(ch: str) -> bool:
    cp = ord(ch)
    return any(a <= cp <= b for a, b in _ARABIC_RANGES)


@functools.cache
def unicode_tables() -> tuple[dict[int, str | None], str]:
    """Scan Unicode once: a translate table for matching and a regex class of combining marks.

    The table deletes combining marks (categories Mn, Mc, Me) and format characters (Cf: bidi
    marks, zero-width joiners, soft hyphen) and maps every decimal digit to its ASCII digit.
    """
    table: dict[int, str | None] = {}
    mark_ranges: list[list[int]] = []
    for cp in range(sys.maxunicode + 1):
        cat = unicodedata.category(chr(cp))
        if cat[0] == "M":
            table[cp] = None
            if mark_ranges and mark_ranges[-1][1] == cp - 1:
                mark_ranges[-1][1] = cp
            else:
                mark_ranges.append([cp, cp])
        elif cat == "Cf":
            table[cp] = None
        elif cat == "Nd" and cp > 0x7F:
            table[cp] = str(unicodedata.decimal(chr(cp)))
    mark_class = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in mark_ranges
    )
    return table, mark_class


def script_ratio(text: str) -> float:
    """Fraction of the letters of ``text`` that are in Arabic script (0.0 when it has no letter)."""
    letters = len(_LETTER_RE.findall(text))
    if letters == 0:
        return 0.0
    return len(_ARABIC_LETTER_RE.findall(text)) / letters


def is_arabic_script(text: str) -> bool:
    """True when at least half of the letters of ``text`` are Arabic script (False if no letter)."""
    return script_ratio(text) >= 0.5
