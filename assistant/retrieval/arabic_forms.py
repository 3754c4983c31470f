"""Arabic words prepared for name matching: normalised, stripped of proclitics, aligned-ready."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.retrieval.non_names import ARABIC_NON_NAMES
from assistant.retrieval.transliteration_tables import (
    ARABIC_CONSONANT_CLASSES,
    ARABIC_LETTER_FOLD,
    ARABIC_PROCLITICS,
    ARABIC_ROMANISATION,
    FINAL_TA,
)

__all__ = [
    "ARABIC_STOPWORDS",
    "ARABIC_WORD",
    "MIN_STEM",
    "ROMANISATION_TABLE",
    "VOWEL_LETTERS",
    "WEAK_LETTERS",
    "ArabicForm",
    "arabic_stems",
    "coarse_skeleton",
    "collapse_doubles",
    "is_arabic_word",
    "normalize_arabic_name",
]

logger = logging.getLogger(__name__)

_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]")
_DOUBLED = re.compile(r"(.)\1+")
ARABIC_WORD = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]+")
_ARABIC_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_LETTER_FOLD = str.maketrans(ARABIC_LETTER_FOLD)


def _fallback_normalize_arabic(text: str) -> str:
    """Used when ``index.text.normalize_arabic`` cannot be imported: same conventions."""
    return _ARABIC_DIACRITICS.sub("", text).translate(_LETTER_FOLD)


def _load_normalizer() -> Callable[[str], str]:
    try:
        from index.text import normalize_arabic
    except ImportError:
        logger.debug("index.text.normalize_arabic not available; using the private fallback")
        return _fallback_normalize_arabic
    return normalize_arabic


_normalizer: Callable[[str], str] | None = None


def normalize_arabic_name(text: str) -> str:
    """``text`` in the matcher's internal letters: normalised, folded, doubled letters once."""
    global _normalizer
    if _normalizer is None:
        _normalizer = _load_normalizer()
    folded = _ARABIC_DIACRITICS.sub("", _normalizer(text)).translate(_LETTER_FOLD)
    # doubled letters (a shadda written out, or a typo) count once
    return _DOUBLED.sub(r"\1", folded)


def is_arabic_word(token: str) -> bool:
    """True when ``token`` is written in Arabic script (at least one Arabic letter, no Latin one)."""
    return bool(_ARABIC_LETTER.search(token)) and not re.search(r"[A-Za-z]", token)


VOWEL_LETTERS = frozenset("اوي")
WEAK_LETTERS = frozenset("عء")

_PROCLITIC_INITIALS = frozenset(p[0] for p in ARABIC_PROCLITICS)
MIN_STEM = 3

# Function words that are never names; normalised like the vocabulary.
ARABIC_STOPWORDS = frozenset(_fallback_normalize_arabic(w).translate(_LETTER_FOLD) for w in ARABIC_NON_NAMES)


def collapse_doubles(skeleton: str) -> str:
    """``skeleton`` with each run of one letter written once."""
    return _DOUBLED.sub(r"\1", skeleton)


_COARSE_TABLE = str.maketrans({**ARABIC_CONSONANT_CLASSES, **dict.fromkeys("اويعء")})


def coarse_skeleton(form: str) -> str:
    """The coarse skeleton of a normalised form (same as ``ArabicForm.build(form).coarse``, faster)."""
    if len(form) > 1 and form[-1] == "ه":
        form = form[:-1]
    head = {"و": "W", "ي": "Y"}.get(form[:1], "")
    return collapse_doubles(head + (form[1:] if head else form).translate(_COARSE_TABLE))


ROMANISATION_TABLE = str.maketrans(ARABIC_ROMANISATION)


@dataclass(frozen=True)
class ArabicForm:
    """An Arabic form (a normalised word or stem) prepared for alignment."""

    letters: str  # normalised letters; a word-final ه is the internal marker ة
    insert_cost: tuple[float, ...]  # cost of a Latin alignment leaving each letter unmatched
    indel_cost: tuple[float, ...]  # cost of an Arabic alignment inserting/deleting each letter
    ar_letters: str  # letters for Arabic-Arabic alignment: a word-initial و/ي is "W"/"Y" (a consonant)
    weight: float  # length of the form for normalisation (consonant 1, vowel/weak 0.25)
    coarse: str  # coarse consonant skeleton

    @classmethod
    def build(cls, form: str) -> ArabicForm:
        letters = form[:-1] + FINAL_TA if len(form) > 1 and form.endswith("ه") else form
        costs: list[float] = []
        indels: list[float] = []
        weight = 0.0
        coarse: list[str] = []
        for i, ch in enumerate(letters):
            if ch in VOWEL_LETTERS and not (i == 0 and ch in "وي"):
                costs.append(0.3)
                indels.append(0.25)
                weight += 0.25
            elif ch in WEAK_LETTERS or ch == FINAL_TA:
                # a name (or a spelling) that starts with a consonant does not start with ع
                costs.append((1.0 if i == 0 else 0.4) if ch in WEAK_LETTERS else 0.3)
                indels.append(1.0 if i == 0 and ch in WEAK_LETTERS else 0.3)
                weight += 0.25
            else:
                costs.append(1.5)
                indels.append(2.0)
                weight += 1.0
                if i == 0 and ch in "وي":
                    coarse.append("W" if ch == "و" else "Y")
                else:
                    coarse.append(ARABIC_CONSONANT_CLASSES.get(ch, "?"))
        return cls(
            letters,
            tuple(costs),
            tuple(indels),
            letters[:1].replace("و", "W").replace("ي", "Y") + letters[1:],
            max(weight, 1.0),
            collapse_doubles("".join(coarse)),
        )


def arabic_stems(normalised: str) -> list[str]:
    """The word itself, then each reading with a proclitic stripped (stems of 3+ letters)."""
    forms = [normalised]
    if normalised[:1] not in _PROCLITIC_INITIALS:
        return forms
    for prefix in ARABIC_PROCLITICS:
        if normalised.startswith(prefix) and len(normalised) - len(prefix) >= MIN_STEM:
            stem = normalised[len(prefix) :]
            if stem not in forms:
                forms.append(stem)
    return forms
