"""Which words of a text may be names: name-like Latin words and Arabic content words."""

from __future__ import annotations

import re

from assistant.retrieval.arabic_forms import ARABIC_STOPWORDS, MIN_STEM, is_arabic_word, normalize_arabic_name
from assistant.retrieval.latin_units import latin_key
from assistant.retrieval.non_names import ENGLISH_NON_NAMES

__all__ = ["is_name_like", "name_tokens"]

_LATIN_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’\-]*")


def is_name_like(token: str) -> bool:
    """True for a Latin token that may be a name: capitalised, 3+ letters, not an English stopword."""
    if not token or not _LATIN_WORD.fullmatch(token):
        return False
    if not token[0].isupper():
        return False
    key = latin_key(token)
    if len(key) < 3 or token.lower() in ENGLISH_NON_NAMES or key in ENGLISH_NON_NAMES:
        return False
    letters = re.sub(r"[^A-Za-z]", "", token)
    if letters.isupper():
        # acronyms: Arabic spells out IPCC or ABC letter by letter; only pronounceable ones
        # (NATO -> الناتو, UNESCO -> اليونسكو) are written as names. Roman numerals are not names.
        if re.fullmatch(r"[IVXLCDM]+", letters):
            return False
        vowels = sum(c in "AEIOU" for c in letters)
        return vowels / len(letters) >= 0.4
    return True


def name_tokens(text: str) -> list[str]:
    """The tokens of ``text`` worth expanding: name-like Latin words and Arabic words (in order, unique)."""
    out: list[str] = []
    for token in re.findall(r"[\w’'\-]+", text):
        token = token.strip("'’-")
        if not token or token in out:
            continue
        if is_arabic_word(token):
            normalised = normalize_arabic_name(token)
            if len(normalised) >= MIN_STEM and normalised not in ARABIC_STOPWORDS:
                out.append(token)
        elif is_name_like(token):
            out.append(token)
    return out
