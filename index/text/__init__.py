"""The cleaning room: clean article text, detect its language, and the text tools shared downstream.

- :mod:`index.text.cleaning` cleans article text (what citations quote); :mod:`index.text.langid`
  detects its language.
- :func:`content_hash` (:mod:`index.text.hashing`) hashes an article's fields for "have I seen this
  before?".
- :func:`split_sentences` (:mod:`index.text.sentences`) cuts a text into sentence spans (character
  offsets), knowing Arabic punctuation, abbreviations, initials, decimals, URLs and e-mail addresses.
- :func:`normalize_arabic` and :func:`normalize_for_match` (:mod:`index.text.normalize`) fold
  spelling variants for matching (never for display: offsets into the original text come from
  :func:`surface_tokens`).
- :func:`tokenize` (:mod:`index.text.tokens`) gives the lexical terms of the BM25 index (normalised,
  stop words of :mod:`index.text.stopwords` dropped, light Arabic and English stemming);
  :func:`surface_tokens` gives unstemmed words with offsets.
- :func:`script_ratio` / :func:`is_arabic_script` (:mod:`index.text.scripts`) tell how much of a
  text is in Arabic script.

Everything but language detection is pure Python (standard library only) and deterministic.
"""

from __future__ import annotations

from index.text.hashing import content_hash
from index.text.normalize import normalize_arabic, normalize_for_match
from index.text.scripts import is_arabic_script, script_ratio
from index.text.sentences import split_sentences
from index.text.stopwords import ENGLISH_STOPWORDS
from index.text.tokens import (
    ARABIC_STOPWORDS,
    arabic_light_stem,
    char_ngrams,
    english_light_stem,
    surface_tokens,
    tokenize,
)

__all__ = [
    "ARABIC_STOPWORDS",
    "ENGLISH_STOPWORDS",
    "arabic_light_stem",
    "char_ngrams",
    "content_hash",
    "english_light_stem",
    "is_arabic_script",
    "normalize_arabic",
    "normalize_for_match",
    "script_ratio",
    "split_sentences",
    "surface_tokens",
    "tokenize",
]
