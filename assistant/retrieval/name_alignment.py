"""Weighted edit distances between a Latin name and an Arabic form, or two Arabic forms."""

from __future__ import annotations

import itertools

from assistant.retrieval.arabic_forms import VOWEL_LETTERS, WEAK_LETTERS, ArabicForm
from assistant.retrieval.latin_units import LatinUnit
from assistant.retrieval.transliteration_tables import (
    ARABIC_CONSONANT_CLASSES,
    ARABIC_ROMANISATION,
    ARABIC_VARIANT_GROUPS,
)

__all__ = ["arabic_cost", "cost_bound", "latin_cost", "similarity"]

_INF = float("inf")


def latin_cost(units: list[LatinUnit], form: ArabicForm, bound: float = _INF) -> float:
    """Weighted edit distance between Latin sound units and the letters of an Arabic form.

    Gives up (returns infinity) as soon as the cost must exceed ``bound``.
    """
    letters, ins = form.letters, form.insert_cost
    m = len(letters)
    prev = [0.0] * (m + 1)
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + ins[j - 1]
    for unit in units:
        one, two, delete = unit.one, unit.two, unit.delete
        cur = [prev[0] + delete] + [_INF] * m
        for j in range(1, m + 1):
            best = prev[j] + delete
            c = cur[j - 1] + ins[j - 1]
            if c < best:
                best = c
            c = prev[j - 1] + one.get(letters[j - 1], 1.5)
            if c < best:
                best = c
            if j >= 2 and two:
                cost = two.get(letters[j - 2 : j])
                if cost is not None and prev[j - 2] + cost < best:
                    best = prev[j - 2] + cost
            cur[j] = best
        if min(cur) > bound:  # every alignment passes through this row
            return _INF
        prev = cur
    return prev[m]


def _variant_costs() -> dict[frozenset[str], float]:
    """Cost of writing one Arabic letter for another of its variant group (the cheapest group)."""
    costs: dict[frozenset[str], float] = {}
    for group, cost in ARABIC_VARIANT_GROUPS:
        for first, second in itertools.combinations(group, 2):
            pair = frozenset((first, second))
            costs[pair] = min(costs.get(pair, 9.0), cost)
    return costs


_VARIANT_COSTS = _variant_costs()


def _letter_substitution_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if (a in VOWEL_LETTERS or a in WEAK_LETTERS) and (b in VOWEL_LETTERS or b in WEAK_LETTERS):
        return 0.25
    return _VARIANT_COSTS.get(frozenset((a, b)), 2.0)


def _substitution_costs() -> dict[tuple[str, str], float]:
    """Every substitution cheaper than the default 2.0, with the word-initial consonants W/Y."""
    alphabet = "".join(ARABIC_ROMANISATION) + "".join(ARABIC_CONSONANT_CLASSES)
    costs = {
        (a, b): _letter_substitution_cost(a, b)
        for a in alphabet
        for b in alphabet
        if _letter_substitution_cost(a, b) < 2.0
    }
    for marker, letter in (("W", "و"), ("Y", "ي")):
        for other in (*VOWEL_LETTERS, *WEAK_LETTERS):
            costs[marker, other] = costs[other, marker] = 0.5 if other == letter else 1.0
    costs["W", "ف"] = costs["ف", "W"] = 0.6
    costs["W", "W"] = costs["Y", "Y"] = 0.0
    return costs


_SUBSTITUTION_COSTS = _substitution_costs()


def arabic_cost(a: ArabicForm, b: ArabicForm, bound: float = _INF) -> float:
    """Weighted edit distance between two Arabic forms (spelling variants are cheap).

    Gives up (returns infinity) as soon as the cost must exceed ``bound``.
    """
    x, y = a.ar_letters, b.ar_letters
    x_indel, y_indel = a.indel_cost, b.indel_cost
    sub = _SUBSTITUTION_COSTS
    m = len(y)
    prev = [0.0] * (m + 1)
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + y_indel[j - 1]
    for i, ch in enumerate(x):
        d = x_indel[i]
        cur = [prev[0] + d] + [_INF] * m
        for j in range(1, m + 1):
            best = prev[j] + d
            c = cur[j - 1] + y_indel[j - 1]
            if c < best:
                best = c
            c = prev[j - 1] + sub.get((ch, y[j - 1]), 2.0)
            if c < best:
                best = c
            cur[j] = best
        if min(cur) > bound:
            return _INF
        prev = cur
    return prev[m]


def cost_bound(min_score: float, weight: float) -> float:
    """The largest alignment cost whose similarity can still reach ``min_score``."""
    return weight * (1.0 - max(0.0, min_score) ** (2.0 / 3.0)) + 1e-9


def similarity(cost: float, weight: float) -> float:
    """Alignment cost -> similarity in [0, 1]; the power makes one consonant error in a
    five-consonant name land near 0.6, while vowel noise alone stays above 0.8."""
    return max(0.0, 1.0 - cost / weight) ** 1.5
