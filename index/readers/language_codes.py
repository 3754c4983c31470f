"""Language codes and names articles give for ``lang`` (ISO 639-2/3, English names) -> ISO 639-1."""

from __future__ import annotations

LANGUAGE_CODES = {
    "ara": "ar",
    "arabic": "ar",
    "eng": "en",
    "english": "en",
    "fra": "fr",
    "fre": "fr",
    "french": "fr",
    "spa": "es",
    "deu": "de",
    "ger": "de",
    "rus": "ru",
    "tur": "tr",
    "fas": "fa",
    "per": "fa",
    "urd": "ur",
}
"""Looked up after the region is cut (``ar-TN`` -> ``ar``); a two-letter code passes as it is."""
