"""Lookup tables keyed for matching, built from the per-language word tables."""

from __future__ import annotations

from assistant.dates.normalize import lookup_key
from assistant.dates.tables import ar, en


def _keyed(words: dict[str, object]) -> dict:
    """The same mapping keyed for lookup (normalised, lower case)."""
    return {lookup_key(word): value for word, value in words.items()}


def _keyed_set(words: tuple[str, ...]) -> frozenset[str]:
    """The words keyed for lookup."""
    return frozenset(lookup_key(word) for word in words)


def _arabic_relative_words() -> dict[str, str]:
    senses: dict[str, str] = {}
    for word, sense in ar.RELATIVE_WORDS:
        senses[lookup_key(word)] = sense
        senses[lookup_key(word + ar.FEMININE_SUFFIX)] = sense
    return senses


def _arabic_ordinal_forms() -> dict[str, int]:
    """Every spelled-out ordinal day 1..31, keyed."""
    forms: dict[str, int] = dict(ar.ORDINAL_WORDS)
    for number, word in ar.ORDINAL_UNITS.items():
        forms[word] = number
        forms[ar.ORDINAL_TEEN.format(unit=word)] = 10 + number
        forms[ar.ORDINAL_TWENTIES.format(unit=word)] = 20 + number
    for one in ar.ORDINAL_ONE_FORMS:
        forms[ar.ORDINAL_TWENTY_ONE.format(one=one)] = 21
        forms[ar.ORDINAL_THIRTY_ONE.format(one=one)] = 31
    return {lookup_key(k): v for k, v in forms.items()}


def _arabic_units() -> dict[str, tuple[str, int]]:
    """unit noun -> (unit, count implied by the form: 1 singular, 2 dual, 0 plural)."""
    return {lookup_key(form): (unit, count) for unit, forms in ar.UNIT_FORMS.items() for form, count in forms}


AR_MONTHS: dict[str, int] = {
    lookup_key(name): month for month, names in ar.MONTH_NAMES.items() for name in names
}
AR_AMBIGUOUS_MONTHS = _keyed_set(ar.AMBIGUOUS_MONTHS)
AR_HIJRI_MONTHS = _keyed_set(ar.HIJRI_MONTHS)
AR_WEEKDAYS: dict[str, int] = _keyed(ar.WEEKDAYS)
AR_RELATIVE = _arabic_relative_words()
AR_QUALIFIERS: dict[str, str] = _keyed(ar.QUALIFIERS)
AR_ORDINAL_FORMS = _arabic_ordinal_forms()
AR_ORDINALS = {k.replace(" ", ""): v for k, v in AR_ORDINAL_FORMS.items()}  # looked up without spaces
AR_NUMBERS: dict[str, int] = _keyed(ar.NUMBERS)
AR_VAGUE_NUMBERS: dict[str, int] = _keyed(ar.VAGUE_NUMBERS)
AR_UNITS = _arabic_units()
AR_PERIOD_NOUNS: dict[str, str] = _keyed(ar.PERIOD_NOUNS)
AR_PLURAL_PERIOD_NOUNS: dict[str, str] = _keyed(ar.PLURAL_PERIOD_NOUNS)
AR_DAY_OFFSETS: dict[str, int] = _keyed(ar.DAY_OFFSETS)
AR_DAY_NOT_TODAY = _keyed_set(ar.DAY_NOT_TODAY)
AR_DAY_DEMONSTRATIVES = _keyed_set(ar.DAY_DEMONSTRATIVES)
AR_TITLE_STEMS = tuple(lookup_key(w) for w in ar.TITLE_STEMS)

EN_MONTHS = en.MONTHS
EN_WEEKDAYS = en.WEEKDAYS
EN_QUALIFIERS = en.QUALIFIERS
EN_NUMBERS = en.NUMBERS
EN_VAGUE_NUMBERS = en.VAGUE_NUMBERS
