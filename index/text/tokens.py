"""Lexical terms for BM25 (stop words dropped, light stemming) and surface words with offsets."""

from __future__ import annotations

import functools
import re

from index.text.normalize import normalize_arabic, normalize_for_match
from index.text.scripts import is_arabic_char, unicode_tables
from index.text.stopwords import ARABIC_STOPWORDS_WRITTEN, ENGLISH_STOPWORDS

ARABIC_STOPWORDS: frozenset[str] = frozenset(normalize_arabic(w) for w in ARABIC_STOPWORDS_WRITTEN)
"""Arabic stop words, in :func:`normalize_arabic` form (``إلى`` is stored as ``الي``)."""

_AR_CONJ = "وف"  # conjunctions: a stop word after one of them is still a stop word
_AR_PREP = "فبكل"  # one-letter proclitics other than و: stripped when 4+ letters remain
_AR_SUFFIXES = ("ها", "هم", "هن", "كم", "نا", "ات", "ان", "ون", "ين", "يه", "ه", "ي")


def arabic_light_stem(word: str) -> str:
    """Light-stem one normalised Arabic word (input in :func:`normalize_for_match` form).

    Proclitics are stripped repeatedly, each only while enough letters remain:
    ``ال`` / ``لل`` when 2+ letters remain; ``و`` when 3+ remain; ``ف ب ك ل`` when 4+ remain.
    Repeating the same memoryless rule means a prefixed word stems like the bare word whenever
    the bare word is long enough: ``لحفتر``, ``وحفتر``, ``بحفتر``, ``والحفتر`` → ``حفتر``;
    ``ببنغازي`` and ``بنغازي`` share one stem (an initial ``ب`` of a name is stripped from both).
    The stem is for matching only; it is not always a real word.

    Then suffixes are tried once each, in the order ``ها هم هن كم نا ات ان ون ين يه ه ي``,
    each stripped only if 3+ letters remain (``ان``: 4+, to spare names such as ``ايران``).
    """
    w = word
    while True:
        n = len(w)
        if n >= 4 and (w.startswith("ال") or w.startswith("لل")):
            w = w[2:]
        elif n >= 4 and w[0] == "و":
            w = w[1:]
        elif n >= 5 and w[0] in _AR_PREP:
            w = w[1:]
        else:
            break
    for suffix in _AR_SUFFIXES:
        keep = 4 if suffix == "ان" else 3
        if w.endswith(suffix) and len(w) - len(suffix) >= keep:
            w = w[: -len(suffix)]
    return w


_VOWELS = frozenset("aeiouy")


def _has_vowel(s: str) -> bool:
    return any(c in _VOWELS for c in s)


def english_light_stem(word: str) -> str:
    """Light-stem one lowercase ASCII word: plural ``s``/``ies``, ``ing``, ``ed``, final ``e``/``y``.

    Conservative and consistent rather than linguistic: ``visit``, ``visits``, ``visited``,
    ``visiting`` → ``visit``; ``announce``, ``announced`` → ``announc``; ``country``,
    ``countries`` → ``countri``; ``stopped`` → ``stop``. Words of 3 letters or fewer are kept.
    """
    w = word
    if len(w) <= 3 or not w.isascii() or not w.isalpha():
        return w
    if w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("ies") and len(w) > 4:
        w = w[:-2]  # countries -> countri (matches country -> countri below)
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    undouble = False
    for suffix in ("ing", "ed"):
        if w.endswith(suffix):
            stem = w[: -len(suffix)]
            if len(stem) >= 3 and _has_vowel(stem):
                w = stem
                undouble = True
            break
    if undouble and len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "aeiouylsz":
        w = w[:-1]  # stopped -> stopp -> stop; added -> add stays (3 letters)
    if len(w) > 3 and w.endswith("y") and _has_vowel(w[:-1]):
        w = w[:-1] + "i"
    if len(w) > 3 and w.endswith("e") and not w.endswith("ee"):
        w = w[:-1]
    elif len(w) > 4 and w.endswith("ee"):
        w = w[:-1]  # agree / agreed -> agre
    return w


# --------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------

_AR_LETTERS = "\u0621-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff\u0750-\u077f\u08a0-\u08c9"
_TOKEN_RE = re.compile(rf"\d+|[{_AR_LETTERS}]+|(?:(?![{_AR_LETTERS}])[^\W\d_])+")


@functools.lru_cache(maxsize=1 << 18)
def _index_term(tok: str) -> str | None:
    """The index term for one token of normalised text, or None to drop it."""
    if tok[0].isdigit():
        return tok
    if is_arabic_char(tok[0]):
        if tok in ARABIC_STOPWORDS or (tok[0] in _AR_CONJ and tok[1:] in ARABIC_STOPWORDS):
            return None  # في، وفي، ومن، فإن ...
        term = arabic_light_stem(tok)
    elif tok in ENGLISH_STOPWORDS:
        return None
    else:
        term = english_light_stem(tok)
    return term if len(term) >= 2 else None


def tokenize(text: str) -> list[str]:
    """Lexical terms of ``text`` for BM25-style search.

    :func:`normalize_for_match`, then runs of letters of one script or runs of digits (``3.5``
    gives ``3`` and ``5``; every term is a single token for SQLite FTS5's ``unicode61``). Arabic
    words: stop words dropped (also after a ``و``/``ف``), then :func:`arabic_light_stem`. Other
    words: English stop words dropped, ASCII words go through :func:`english_light_stem`.
    Number terms are kept whatever their length; other terms shorter than 2 characters are dropped.
    Deterministic: the same text always gives the same list.
    """
    terms = [_index_term(tok) for tok in _TOKEN_RE.findall(normalize_for_match(text))]
    return [t for t in terms if t is not None]


@functools.cache
def _surface_re() -> re.Pattern[str]:
    _, marks = unicode_tables()
    return re.compile(rf"(?:[^\W_]|[{marks}\u0640\u200c\u200d\u00ad])+")


def surface_tokens(text: str) -> list[tuple[str, int, int]]:
    """Words of ``text`` as ``(word, start, end)`` with ``text[start:end] == word``; no folding.

    A word is a run of letters, digits, combining marks (so tashkeel stays inside the word),
    tatweel, zero-width (non-)joiners and soft hyphens. Punctuation, ``_`` and spaces separate.
    """
    return [(m.group(), m.start(), m.end()) for m in _surface_re().finditer(text)]


def char_ngrams(token: str, n: int = 3) -> set[str]:
    """Character ``n``-grams of ``token`` padded with one space on each side (for fuzzy matching).

    ``char_ngrams("abc")`` is ``{" ab", "abc", "bc "}``; a token shorter than ``n`` - 2 gives
    its padded form; the empty token gives an empty set.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if not token:
        return set()
    padded = f" {token} "
    if len(padded) <= n:
        return {padded}
    return {padded[i : i + n] for i in range(len(padded) - n + 1)}
