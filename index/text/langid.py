"""Detect an article's language: a script count first, langdetect for the rest.

Only the first ``SAMPLE_CHARS`` characters are looked at. A text whose letters are mostly Arabic
script is ``"ar"`` straight away, unless it uses letters that Arabic does not (Persian ک ی پ چ ژ گ,
Urdu ٹ ڈ ڑ ں ے), in which case langdetect decides between Arabic, Persian and Urdu. Everything
else goes to langdetect with a fixed seed, so the answer is the same on every run. A text with
too few letters, or one langdetect cannot place, is ``"und"``.
"""

from __future__ import annotations

import logging
import threading

__all__ = ["SAMPLE_CHARS", "detect_language"]

logger = logging.getLogger(__name__)

SAMPLE_CHARS = 2000
_MIN_LETTERS = 3
_ARABIC_SHARE = 0.5
_NON_ARABIC_LETTERS = frozenset("کیپچژگٹڈڑںےۀ")
_lock = threading.Lock()


def _is_arabic_script(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x0600 <= cp <= 0x06FF
        or 0x0750 <= cp <= 0x077F
        or 0x08A0 <= cp <= 0x08FF
        or 0xFB50 <= cp <= 0xFDFF
        or 0xFE70 <= cp <= 0xFEFF
    )


def _langdetect(sample: str) -> str:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    with _lock:  # langdetect loads its profiles lazily into a global factory
        DetectorFactory.seed = 0
        try:
            code = detect(sample)
        except LangDetectException as exc:
            logger.debug("langdetect could not place the text: %s", exc)
            return "und"
    return code.split("-")[0].lower()


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of ``text``'s language ("ar", "en", "fr", ...) or "und"."""
    sample = text[:SAMPLE_CHARS]
    letters = arabic = non_arabic = 0
    for ch in sample:
        if ch.isalpha():
            letters += 1
            if _is_arabic_script(ch):
                arabic += 1
                if ch in _NON_ARABIC_LETTERS:
                    non_arabic += 1
    if letters < _MIN_LETTERS:
        return "und"
    if arabic / letters >= _ARABIC_SHARE:
        if non_arabic == 0:
            return "ar"
        code = _langdetect(sample)
        return code if code in {"ar", "fa", "ur"} else "ar"
    return _langdetect(sample)
