"""Latin names as sound units (consonants, vowel runs) with their Arabic spellings and costs."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from assistant.retrieval.arabic_forms import collapse_doubles
from assistant.retrieval.transliteration_tables import (
    FINAL_TA,
    HARD_C,
    LATIN_ARTICLES,
    LATIN_CONSONANTS,
    LATIN_DIPHTHONGS,
    LATIN_VOWELS,
    SOFT_C,
    VOWEL_TARGETS,
    W_CONSONANT,
    Y_CONSONANT,
)

__all__ = ["LatinUnit", "coarse_variants", "latin_key", "latin_readings", "latin_units"]

_VOWELS = "aeiou"
_MULTI_LETTER_CONSONANTS = sorted((k for k in LATIN_CONSONANTS if len(k) > 1), key=len, reverse=True)


@dataclass(frozen=True)
class LatinUnit:
    """One Latin sound: a consonant (grapheme) or a run of vowels."""

    one: dict[str, float]  # single Arabic letter -> cost
    two: dict[str, float]  # Arabic letter pair -> cost
    delete: float  # cost when Arabic does not write it
    weight: float  # length contribution
    coarse: tuple[str, ...]  # coarse skeleton alternatives ("" for none)


def _vowel_unit(run: str, *, initial: bool, final: bool) -> LatinUnit:
    def costs(chars: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for ch in chars:
            for letter, cost in LATIN_VOWELS[ch].items():
                if letter == FINAL_TA and not final:
                    continue
                out[letter] = min(out.get(letter, 9.0), cost)
        return out

    one = costs(run)
    if len(set(run)) > 1:  # one Arabic letter for a diphthong drops part of it
        one = {k: v + 0.05 for k, v in one.items()}
    two: dict[str, float] = {}
    # two Arabic letters: each one writes a part of the run (ai -> اي), or a lone vowel is
    # written twice (rare: a surcharge)
    splits = [(run[:k], run[k:]) for k in range(1, len(run))] or [(run, run)]
    surcharge = 0.0 if len(run) > 1 else 0.3
    for head, tail in splits:
        first, second = costs(head), costs(tail)
        for a, b in itertools.product(VOWEL_TARGETS, repeat=2):
            if a in first and b in second and a != b and a != FINAL_TA:
                cost = first[a] + second[b] + surcharge
                two[a + b] = min(two.get(a + b, 9.0), cost)
    for pair, cost in LATIN_DIPHTHONGS.get(run, {}).items():  # English i as in Biden -> بايدن
        two[pair] = min(two.get(pair, 9.0), cost)
    if initial:  # an initial vowel sits on an alef (or ع): Ukraine -> أوكرانيا, Ivan -> إيفان
        # alone, و/ي at the start of an Arabic word are consonants (w, y), except for e/ye
        # (Evgeny -> يفغيني)
        for letter in ("و", "ي"):
            if letter in one:
                one[letter] += 0.05 if (letter == "ي" and run[0] == "e") else 0.3
        for letter, cost in list(one.items()):
            if letter not in ("ا", FINAL_TA):
                two["ا" + letter] = min(two.get("ا" + letter, 9.0), cost)
            if letter not in ("ع", FINAL_TA):
                two["ع" + letter] = min(two.get("ع" + letter, 9.0), cost + 0.1)
        one["ا"] = min(one.get("ا", 9.0), 0.1)
    # Arabic omits short vowels inside a word, but writes initial and final ones
    # (Africa -> أفريقيا, Shoigu -> شويغو), except an English silent final e; a Latin
    # double vowel is usually long and written.
    if initial:
        delete = 0.5
    elif final:
        delete = 0.1 if run == "e" else 0.4
    else:
        delete = 0.1 if len(run) == 1 else 0.3
    return LatinUnit(one, two, delete, 0.25, ("",))


def _consonant_unit(
    options: dict[str, float], coarse: tuple[str, ...], *, delete: float = 1.5, weight: float = 1.0
) -> LatinUnit:
    one = {k: v for k, v in options.items() if len(k) == 1}
    two = {k: v for k, v in options.items() if len(k) == 2}
    return LatinUnit(one, two, delete, weight, coarse)


def _is_vowel_at(name: str, i: int) -> bool:
    """Vowel letters, and y/w when they are not followed by a vowel (Kennedy, Andrew)."""
    ch = name[i]
    if ch in _VOWELS:
        return True
    return ch in "yw" and i > 0 and (i + 1 >= len(name) or name[i + 1] not in _VOWELS)


def latin_units(name: str) -> list[LatinUnit]:
    """Split a lower-case ASCII name into sound units."""
    units: list[LatinUnit] = []
    i, n = 0, len(name)
    while i < n:
        ch = name[i]
        nxt = name[i + 1] if i + 1 < n else ""
        if _is_vowel_at(name, i):
            j = i + 1
            while j < n and _is_vowel_at(name, j):
                j += 1
            units.append(_vowel_unit(name[i:j], initial=i == 0, final=j >= n))
            i = j
            continue
        if ch == "y":
            opts, coarse = Y_CONSONANT
            units.append(_consonant_unit(opts, coarse if i == 0 else ("",), delete=0.3, weight=0.5))
            i += 1
            continue
        if ch == "w":
            opts, coarse = W_CONSONANT
            units.append(_consonant_unit(opts, coarse if i == 0 else ("", "F"), delete=0.3, weight=0.5))
            i += 1
            continue
        for multi in _MULTI_LETTER_CONSONANTS:
            if name.startswith(multi, i):
                opts, coarse = LATIN_CONSONANTS[multi]
                units.append(_consonant_unit(opts, coarse, delete=0.6 if multi == "gh" else 1.5))
                i += len(multi)
                break
        else:
            if ch == "c":
                opts, coarse = SOFT_C if nxt in "eiy" else HARD_C
            elif ch in LATIN_CONSONANTS:
                opts, coarse = LATIN_CONSONANTS[ch]
            else:
                i += 1
                continue
            final = i + 1 >= n
            if ch == "h":
                units.append(_consonant_unit(opts, ("",) if final else coarse, delete=0.2 if final else 0.4))
            else:
                units.append(_consonant_unit(opts, coarse))
            i += 1
            while i < n and name[i] == ch:  # doubled consonants count once
                i += 1
    return units


def latin_key(token: str) -> str:
    """Lower-case ASCII letters of a Latin name, without possessive or Arabic article."""
    text = unicodedata.normalize("NFKD", token)
    text = "".join(c for c in text if not unicodedata.combining(c))
    if not text.isascii():
        from anyascii import anyascii

        text = anyascii(text)
    text = text.lower().replace("’", "'")
    text = re.sub(r"'s$", "", text)
    for article in LATIN_ARTICLES:
        if text.startswith(article) and len(text) > len(article) + 2:
            text = text[len(article) :]
            break
    return re.sub(r"[^a-z]", "", text)


def latin_readings(token: str) -> list[str]:
    """The Latin key, plus the key without a fused Arabic article (Ennahdha -> nahdha, Essebsi -> sebsi)."""
    key = latin_key(token)
    readings = [key] if key else []
    fused = re.match(r"^(?:a|e|al|el)([tdrzsnl])\1(?=[a-z]{3})", key)
    if fused:
        readings.append(key[fused.end() - 1 :])
    return readings


def coarse_variants(units: list[LatinUnit], cap: int = 8) -> list[str]:
    variants = [""]
    for unit in units:
        variants = [v + alt for v in variants for alt in unit.coarse][:cap]
    out: list[str] = []
    for v in variants:
        c = collapse_doubles(v)
        for w in (c, c[1:] if c[:1] in ("Y", "W") else ""):
            if w and w not in out:
                out.append(w)
    return out
