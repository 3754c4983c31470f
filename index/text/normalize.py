"""Fold spelling variants for matching: Arabic letters and marks, case, digits, punctuation."""

from __future__ import annotations

import re
import unicodedata

from index.text.scripts import unicode_tables

_ARABIC_DELETE = (
    0x0640,  # tatweel
    *range(0x0610, 0x061B),  # Quranic honorifics and small marks
    *range(0x064B, 0x0660),  # tanwin, harakat, shadda, sukun, maddah, hamza above/below ...
    0x0670,  # superscript (dagger) alef
    *range(0x06D6, 0x06DD),  # Quranic annotation marks
    *range(0x06DF, 0x06E9),
    *range(0x06EA, 0x06EE),
    *range(0x08D3, 0x08E2),  # extended Arabic marks (U+08E2 is a format sign, kept)
    *range(0x08E3, 0x0900),
)

_ARABIC_MAP: dict[int, str | None] = {cp: None for cp in _ARABIC_DELETE}
_ARABIC_MAP.update(
    {
        # alef forms: hamza above/below, madda, wasla, wavy hamza
        ord("أ"): "ا",
        ord("إ"): "ا",
        ord("آ"): "ا",
        ord("ٱ"): "ا",
        ord("ٲ"): "ا",
        ord("ٳ"): "ا",
        ord("ٵ"): "ا",
        # other letters with a high or attached hamza
        ord("ٶ"): "و",
        ord("ٷ"): "و",
        ord("ٸ"): "ي",
        ord("ۓ"): "ي",
        ord("ۂ"): "ه",
        # alef maqsura and Persian/Urdu yeh
        ord("ى"): "ي",
        ord("ی"): "ي",
        ord("ې"): "ي",
        ord("ے"): "ي",
        # taa marbuta and heh variants
        ord("ة"): "ه",
        ord("ۀ"): "ه",
        ord("ہ"): "ه",
        ord("ھ"): "ه",
        ord("ە"): "ه",
        # hamza on a seat: the seat letter (see normalize_arabic's docstring)
        ord("ؤ"): "و",
        ord("ئ"): "ي",
        # Persian/Urdu and Maghrebi letters used for foreign sounds: nearest Arabic letter
        ord("ک"): "ك",
        ord("ڪ"): "ك",
        ord("گ"): "ك",
        ord("ڭ"): "ك",
        ord("پ"): "ب",
        ord("چ"): "ج",
        ord("ژ"): "ز",
        ord("ڤ"): "ف",
        ord("ڥ"): "ف",
        ord("ڨ"): "ق",
        # Arabic number punctuation
        ord("٫"): ".",  # decimal separator
        ord("٬"): ",",  # thousands separator
        ord("٪"): "%",
    }
)
# Arabic-Indic (U+0660..) and Extended Arabic-Indic (U+06F0..) digits
_ARABIC_MAP.update({0x0660 + d: str(d) for d in range(10)})
_ARABIC_MAP.update({0x06F0 + d: str(d) for d in range(10)})
# str.replace per letter and one regex for the deletions are several times faster than translate
_ARABIC_DELETE_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in _ARABIC_DELETE) + "]+")
_ARABIC_REPLACE = tuple((chr(cp), dst) for cp, dst in _ARABIC_MAP.items() if dst is not None)


def normalize_arabic(text: str) -> str:
    """Fold Arabic spelling variants for matching (not for display; offsets are not kept).

    - NFKC first, so presentation forms (``ﻻ``, ``ﷲ``, isolated/final letter forms) become
      ordinary letters;
    - tashkeel is removed (harakat, tanwin, shadda, sukun, superscript alef, hamza/madda marks,
      Quranic annotation marks) and so is tatweel;
    - ``أ إ آ ٱ`` → ``ا``; ``ى`` → ``ي``; ``ة`` → ``ه``;
    - hamza on a seat becomes the seat letter: ``ؤ`` → ``و`` and ``ئ`` → ``ي``. Writers and
      transliterations vary exactly there (``مسئول``/``مسؤول``, ``رئيس``/``ريس``), while the
      hamza on the line ``ء`` is kept as a letter;
    - Persian/Urdu/Maghrebi variants go to the Arabic letter: ``ک`` → ``ك``, ``ی`` → ``ي``,
      ``گ`` → ``ك``, ``پ`` → ``ب``, ``چ`` → ``ج``, ``ژ`` → ``ز``, ``ڤ`` → ``ف``, ``ڨ`` → ``ق``;
    - Arabic-Indic and Extended Arabic-Indic digits → ASCII digits, ``٫`` → ``.``, ``٬`` → ``,``.

    Idempotent: ``normalize_arabic(normalize_arabic(s)) == normalize_arabic(s)``.
    """
    if text.isascii():
        return text
    result = _arabic_pass(unicodedata.normalize("NFKC", text))
    # Deleting marks can bring together characters that NFKC composes; repeat to a fixed point.
    for _ in range(4):
        if unicodedata.is_normalized("NFKC", result):
            break
        result = _arabic_pass(unicodedata.normalize("NFKC", result))
    return result


def _arabic_pass(text: str) -> str:
    text = _ARABIC_DELETE_RE.sub("", text)
    for src, dst in _ARABIC_REPLACE:
        if src in text:
            text = text.replace(src, dst)
    return text


# --------------------------------------------------------------------------------------------
# Matching normalisation
# --------------------------------------------------------------------------------------------

_THOUSANDS_RE = re.compile(r"(\d),(?=\d{3}(?!\d))")
_DECIMAL_RE = re.compile(r"(\d)\.(?=\d)")
_NON_WORD_RE = re.compile(r"[\W_]+")
# Characters that need no mark/format/digit folding: ASCII, basic Arabic letters and punctuation,
# common typographic punctuation. Only runs of other characters go through the slow path.
_UNUSUAL_RE = re.compile(
    "[^\x00-\x7f\u0621-\u063a\u0641-\u064a\u060c\u061b\u061f\u066d"
    "\u00a1-\u00ac\u00ae-\u00bf\u00d7\u00f7\u2010-\u2027\u2030-\u205e]+"
)


def _fold_run(m: re.Match[str]) -> str:
    table, _ = unicode_tables()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKD", m.group()).translate(table))


def _fold(text: str) -> str:
    text = normalize_arabic(unicodedata.normalize("NFKC", text).casefold())
    if not text.isascii():
        # strip every combining mark (é → e, Arabic marks left by NFKC), drop format characters,
        # map all decimal digits to ASCII
        text = _UNUSUAL_RE.sub(_fold_run, text)
    return text


def _is_folded(text: str) -> bool:
    return text.isascii() or (unicodedata.is_normalized("NFKC", text) and text.casefold() == text)


def normalize_for_match(text: str) -> str:
    """Normalise ``text`` for matching: equal for spellings a reader would take as the same.

    Lowercase (casefold) and NFKC; all combining marks stripped (Latin diacritics ``é`` → ``e``,
    Arabic tashkeel); :func:`normalize_arabic`; format characters (bidi marks, zero-width joiners,
    soft hyphens) deleted; every decimal digit made ASCII; thousands separators between digits
    removed (``1,000`` → ``1000``); a ``.`` between two digits kept (``3.5``, ``٣٫٥`` → ``3.5``);
    any other punctuation or symbol becomes a space; runs of spaces collapse to one. Idempotent.
    """
    text = _fold(text)
    # Folding can expose new characters to fold (rare: compatibility and case interactions).
    for _ in range(3):
        if _is_folded(text):
            break
        text = _fold(text)
    text = _THOUSANDS_RE.sub(r"\1", text)
    # casefolded text has no ASCII capital: "D" marks a decimal point while punctuation goes
    text = _NON_WORD_RE.sub(" ", _DECIMAL_RE.sub(r"\1D", text))
    return text.replace("D", ".").strip()
