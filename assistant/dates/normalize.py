"""Normalise text for date matching and keep the map back to the original offsets."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["TRAILING_MARKS", "lookup_key", "normalize", "normalize_literal", "phrase_alternation"]

DROPPED = frozenset(
    [chr(c) for c in range(0x0610, 0x061B)]  # Quranic marks
    + [chr(c) for c in range(0x064B, 0x0660)]  # harakat, tanwin, shadda, sukun
    + ["\u0670", "\u0640"]  # superscript alef, tatweel
    + ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff", "\u00ad"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
# Marks that belong to the preceding letter: a mention ending on that letter takes them along.
TRAILING_MARKS = frozenset(
    [chr(c) for c in range(0x0610, 0x061B)] + [chr(c) for c in range(0x064B, 0x0660)] + ["\u0670", "\u0640"]
)
CHAR_MAP = {
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
for _digit in range(10):
    CHAR_MAP[chr(0x0660 + _digit)] = str(_digit)  # Arabic-Indic digits
    CHAR_MAP[chr(0x06F0 + _digit)] = str(_digit)  # Extended Arabic-Indic (Persian/Urdu) digits


def normalize(text: str) -> tuple[str, list[int]]:
    """Return the matching form of ``text`` and, per kept character, its index in ``text``."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch in DROPPED:
            continue
        out.append(CHAR_MAP.get(ch, ch))
        index.append(i)
    return "".join(out), index


def normalize_literal(s: str) -> str:
    """Normalise a literal (word lists and pattern source) the same way as the text."""
    return normalize(s)[0]


def lookup_key(s: str) -> str:
    """Lookup key for a matched word or phrase: normalised, lower case, single spaces."""
    return " ".join(normalize_literal(s).lower().split())


def phrase_alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal phrases (longest first; spaces match any whitespace)."""
    forms = sorted({lookup_key(w) for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(re.escape(p) for p in f.split(" ")) for f in forms) + ")"
