"""Match names across scripts and spellings: "Yevkurov" ~ يفكوروف ~ يوفكيورف.

A :class:`NameMatcher` holds the Arabic surface words seen in the index (with their
document frequencies) and, for a name taken from a question, returns the vocabulary words
that are probably the same name:

* a Latin token ("Haftar") gives Arabic words (حفتر);
* an Arabic token (يفكوروف) gives other Arabic spellings of it (يوفكيورف).

How it works. Both sides are reduced to a *coarse consonant skeleton* (one letter per
consonant class, short vowels dropped, g/k/q/j/kh merged, ...). Vocabulary words are
bucketed by (first class, skeleton length); a query only looks at the buckets of its own
skeleton variants (a Latin letter such as ``c`` or ``th`` can give several) and ranks their
skeletons with rapidfuzz. The survivors are scored by a weighted alignment (edit distance
where a Latin unit such as ``zh`` may become ج, ز or ش at different costs, where short
vowels may be omitted cheaply, Arabic long vowels ا/و/ي may be inserted cheaply, and where
consonant errors are expensive), normalised by the length of the name.

Arabic vocabulary words are normalised (alef and hamza forms, ى, ة, diacritics, tatweel,
doubled letters) and indexed both as they are and with their proclitics stripped
(و ف ب ل ك ال and their combinations), so "وحفتر" and "لحفتر" reach "حفتر". Results keep the
surface word of the vocabulary and list one word per stem.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

__all__ = ["NameMatcher", "is_arabic_word", "is_name_like", "name_tokens"]

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- Arabic text

_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]")
_DOUBLED = re.compile(r"(.)\1+")
_ARABIC_WORD = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]+")
_ARABIC_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
# The same conventions as ``index.text.normalize_arabic`` (hamza seats to their letter,
# Persian/Urdu/Maghrebi letters to the Arabic one), applied again after it so that the
# matcher's internal letters do not depend on which normaliser ran.
_INTERNAL_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ک": "ك",
        "ی": "ي",
        "ې": "ي",
        "ۀ": "ه",
        "ہ": "ه",
        "ھ": "ه",
        "گ": "ك",
        "ڭ": "ك",
        "پ": "ب",
        "چ": "ج",
        "ژ": "ز",
        "ڤ": "ف",
        "ڨ": "ق",
    }
)


def _fallback_normalize_arabic(text: str) -> str:
    """Used when ``index.text.normalize_arabic`` cannot be imported: same conventions."""
    return _ARABIC_DIACRITICS.sub("", text).translate(_INTERNAL_FOLD)


def _load_normalizer() -> Callable[[str], str]:
    try:
        from index.text import normalize_arabic
    except ImportError:
        logger.debug("index.text.normalize_arabic not available; using the private fallback")
        return _fallback_normalize_arabic
    return normalize_arabic


_normalizer: Callable[[str], str] | None = None


def _normalize_arabic(text: str) -> str:
    global _normalizer
    if _normalizer is None:
        _normalizer = _load_normalizer()
    folded = _ARABIC_DIACRITICS.sub("", _normalizer(text)).translate(_INTERNAL_FOLD)
    # doubled letters (a shadda written out, or a typo) count once
    return _DOUBLED.sub(r"\1", folded)


def is_arabic_word(token: str) -> bool:
    """True when ``token`` is written in Arabic script (at least one Arabic letter, no Latin one)."""
    return bool(_ARABIC_LETTER.search(token)) and not re.search(r"[A-Za-z]", token)


_VOWEL_LETTERS = frozenset("اوي")
_WEAK_LETTERS = frozenset("عء")
_FINAL_TA = "ة"  # internal marker: a word-final ه (usually ة) that Latin writes as -a/-ah/-e

_PROCLITICS = (
    "وبال",
    "وكال",
    "وال",
    "فال",
    "بال",
    "كال",
    "ولل",
    "فلل",
    "لل",
    "ال",
    "وب",
    "ول",
    "وك",
    "فب",
    "فل",
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
)
_PROCLITIC_INITIALS = frozenset(p[0] for p in _PROCLITICS)
_MIN_STEM = 3

# Function words that are never names; normalised like the vocabulary.
_ARABIC_STOPWORDS = frozenset(
    _fallback_normalize_arabic(w).translate(_INTERNAL_FOLD)
    for w in (
        "في من على إلى عن مع أن إن كان كانت التي الذي الذين هذا هذه ذلك تلك هناك هنا ثم أو أم "
        "لا لم لن ما ماذا متى أين كيف كل بعض غير بين حتى بعد قبل عند منذ خلال حول ضد دون لدى "
        "قد وقد لقد كما وكان وفي ومن وعلى وإلى أنه أنها إنه إنها هو هي هم هن نحن أنا أنت الى "
        "علي عليه عليها فيه فيها منه منها له لها لهم به بها يكون تكون وهو وهي ولا أي إذا إذ "
        "اليوم أمس الآن أيضا أيضاً وذلك التى فى الي عام العام"
    ).split()
)

# Coarse classes shared by both scripts: one ASCII letter per consonant class.
_AR_COARSE = {
    "ب": "B",
    "ف": "F",
    "ت": "T",
    "ط": "T",
    "ث": "T",
    "د": "D",
    "ض": "D",
    "ذ": "Z",
    "ز": "Z",
    "ظ": "Z",
    "س": "S",
    "ص": "S",
    "ش": "X",
    "ج": "K",
    "غ": "K",
    "ق": "K",
    "ك": "K",
    "خ": "K",
    "ح": "H",
    "ه": "H",
    "ر": "R",
    "ل": "L",
    "م": "M",
    "ن": "N",
}


def _collapse(skeleton: str) -> str:
    return _DOUBLED.sub(r"\1", skeleton)


_COARSE_TABLE = str.maketrans({**_AR_COARSE, **dict.fromkeys("اويعء")})


def _coarse_skeleton(form: str) -> str:
    """The coarse skeleton of a normalised form (same as ``_ArabicForm.build(form).coarse``, faster)."""
    if len(form) > 1 and form[-1] == "ه":
        form = form[:-1]
    head = {"و": "W", "ي": "Y"}.get(form[:1], "")
    return _collapse(head + (form[1:] if head else form).translate(_COARSE_TABLE))


_ROMAN = {
    "ا": "a",
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "ع": "a",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "و": "u",
    "ي": "i",
    "ء": "",
    _FINAL_TA: "a",
}


_ROMAN_TABLE = str.maketrans(_ROMAN)


@dataclass(frozen=True)
class _ArabicForm:
    """An Arabic form (a normalised word or stem) prepared for alignment."""

    letters: str  # normalised letters; a word-final ه is the internal marker ة
    insert_cost: tuple[float, ...]  # cost of a Latin alignment leaving each letter unmatched
    indel_cost: tuple[float, ...]  # cost of an Arabic alignment inserting/deleting each letter
    ar_letters: str  # letters for Arabic-Arabic alignment: a word-initial و/ي is "W"/"Y" (a consonant)
    weight: float  # length of the form for normalisation (consonant 1, vowel/weak 0.25)
    coarse: str  # coarse consonant skeleton

    @classmethod
    def build(cls, form: str) -> _ArabicForm:
        letters = form[:-1] + _FINAL_TA if len(form) > 1 and form.endswith("ه") else form
        costs: list[float] = []
        indels: list[float] = []
        weight = 0.0
        coarse: list[str] = []
        for i, ch in enumerate(letters):
            if ch in _VOWEL_LETTERS and not (i == 0 and ch in "وي"):
                costs.append(0.3)
                indels.append(0.25)
                weight += 0.25
            elif ch in _WEAK_LETTERS or ch == _FINAL_TA:
                # a name (or a spelling) that starts with a consonant does not start with ع
                costs.append((1.0 if i == 0 else 0.4) if ch in _WEAK_LETTERS else 0.3)
                indels.append(1.0 if i == 0 and ch in _WEAK_LETTERS else 0.3)
                weight += 0.25
            else:
                costs.append(1.5)
                indels.append(2.0)
                weight += 1.0
                if i == 0 and ch in "وي":
                    coarse.append("W" if ch == "و" else "Y")
                else:
                    coarse.append(_AR_COARSE.get(ch, "?"))
        return cls(
            letters,
            tuple(costs),
            tuple(indels),
            letters[:1].replace("و", "W").replace("ي", "Y") + letters[1:],
            max(weight, 1.0),
            _collapse("".join(coarse)),
        )


def _arabic_stems(normalised: str) -> list[str]:
    """The word itself, then each reading with a proclitic stripped (stems of 3+ letters)."""
    forms = [normalised]
    if normalised[:1] not in _PROCLITIC_INITIALS:
        return forms
    for prefix in _PROCLITICS:
        if normalised.startswith(prefix) and len(normalised) - len(prefix) >= _MIN_STEM:
            stem = normalised[len(prefix) :]
            if stem not in forms:
                forms.append(stem)
    return forms


# --------------------------------------------------------------------------- Latin side

_ENGLISH_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what when where
    which while who whom whose why will with would you your yours yourself yourselves
    according after ago already although among another anyone anything around asked away back
    became become called came come did does done during either else ever every first found gave get
    give go going gone got great however into last later least less like made make many may meet
    meeting met might much must near need never new next none once one part per put rather said
    say says see seen several shall since still take taken tell than thing think three told took
    toward two upon us use used via want way well went whether within without yet year years
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    january february march april may june july august september october november december
    mr mrs ms dr president minister prime king general""".split()
)
_LATIN_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’\-]*")
_LATIN_ARTICLES = ("al-", "el-", "ad-", "ar-", "as-", "ash-", "at-", "az-", "an-", "ed-")
_VOWELS = "aeiou"

# Latin unit -> (Arabic letters or letter pairs -> cost, coarse alternatives)
_CONSONANTS: dict[str, tuple[dict[str, float], tuple[str, ...]]] = {
    "shch": ({"شتش": 0.0, "ش": 0.1}, ("X",)),
    "sch": ({"ش": 0.0, "سك": 0.3}, ("X",)),
    "tch": ({"تش": 0.0, "ش": 0.1, "ج": 0.3}, ("X", "TX")),
    "dzh": ({"ج": 0.0, "دج": 0.1}, ("K",)),
    "kh": ({"خ": 0.0, "ك": 0.3, "ه": 0.4, "ح": 0.4, "كه": 0.1}, ("K", "KH")),  # Brookhaven
    "sh": ({"ش": 0.0}, ("X",)),
    "ch": ({"تش": 0.0, "ش": 0.1, "ج": 0.3, "ك": 0.3, "خ": 0.3}, ("X", "TX", "K")),
    "zh": ({"ج": 0.0, "ز": 0.1, "ش": 0.3}, ("K", "Z")),
    "gh": ({"غ": 0.0, "ج": 0.2, "ق": 0.2, "ك": 0.4}, ("K", "")),  # silent in Edinburgh, Hugh
    "th": ({"ث": 0.0, "ت": 0.0, "ذ": 0.2, "ط": 0.2, "س": 0.3, "ته": 0.2}, ("T", "S")),
    "dh": ({"ذ": 0.0, "د": 0.0, "ظ": 0.2, "ض": 0.2, "ز": 0.3}, ("Z", "D")),
    "ts": ({"تس": 0.0, "ز": 0.4, "ص": 0.4}, ("TS",)),
    "tz": ({"تس": 0.0, "ز": 0.2}, ("TS", "Z")),
    "ph": ({"ف": 0.0}, ("F",)),
    "rh": ({"ر": 0.0, "ره": 0.3}, ("R", "RH")),  # Rhine -> الراين
    "wh": ({"و": 0.0, "ه": 0.4}, ("W", "H")),  # White -> وايت
    "ck": ({"ك": 0.0, "ق": 0.2}, ("K",)),
    "dj": ({"ج": 0.0}, ("K",)),
    "b": ({"ب": 0.0}, ("B",)),
    "d": ({"د": 0.0, "ض": 0.2, "ذ": 0.3}, ("D",)),
    "f": ({"ف": 0.0}, ("F",)),
    "g": ({"غ": 0.0, "ج": 0.0, "ق": 0.1, "ك": 0.2}, ("K",)),
    "h": ({"ه": 0.0, "ح": 0.0, "خ": 0.4, _FINAL_TA: 0.1}, ("H",)),
    "j": ({"ج": 0.0, "ي": 0.3, "خ": 0.4, "دج": 0.2}, ("K",)),
    "k": ({"ك": 0.0, "ق": 0.1, "خ": 0.4}, ("K",)),
    "l": ({"ل": 0.0}, ("L",)),
    "m": ({"م": 0.0}, ("M",)),
    "n": ({"ن": 0.0}, ("N",)),
    "p": ({"ب": 0.0}, ("B",)),
    "q": ({"ق": 0.0, "ك": 0.1, "غ": 0.3}, ("K",)),
    "r": ({"ر": 0.0}, ("R",)),
    "s": ({"س": 0.0, "ص": 0.1, "ز": 0.3, "ش": 0.5}, ("S",)),
    "t": ({"ت": 0.0, "ط": 0.1, "ث": 0.3, "د": 0.5}, ("T",)),
    "v": ({"ف": 0.0, "و": 0.6}, ("F",)),
    "x": ({"كس": 0.0, "قس": 0.1, "كز": 0.2, "ز": 0.3, "ش": 0.3, "خ": 0.3, "س": 0.4}, ("KS", "Z", "X")),
    "z": ({"ز": 0.0, "ظ": 0.1, "ذ": 0.2, "تس": 0.2, "س": 0.3}, ("Z", "TS")),
}
_SOFT_C = ({"س": 0.0, "ص": 0.1, "ك": 0.3, "تش": 0.3}, ("S", "K"))
_HARD_C = ({"ك": 0.0, "ق": 0.1, "س": 0.4}, ("K", "S"))
_Y_CONSONANT = ({"ي": 0.0, "ج": 0.4}, ("Y",))
_W_CONSONANT = ({"و": 0.0, "ف": 0.1}, ("W", "F"))
_MULTI = sorted((k for k in _CONSONANTS if len(k) > 1), key=len, reverse=True)

# cost of writing a Latin vowel with an Arabic long vowel / weak letter
_VOWEL_OPTIONS: dict[str, dict[str, float]] = {
    "a": {"ا": 0.0, _FINAL_TA: 0.0, "ع": 0.15, "ء": 0.15, "ي": 0.4, "و": 0.4},
    "e": {"ي": 0.0, "ا": 0.1, _FINAL_TA: 0.1, "ع": 0.2, "ء": 0.2, "و": 0.4},
    "i": {"ي": 0.0, "ا": 0.3, "ع": 0.2, "ء": 0.2, "و": 0.4, _FINAL_TA: 0.3},
    "o": {"و": 0.0, "ا": 0.2, "ع": 0.2, "ء": 0.2, "ي": 0.4, _FINAL_TA: 0.3},
    "u": {"و": 0.0, "ا": 0.3, "ع": 0.2, "ء": 0.2, "ي": 0.4, _FINAL_TA: 0.4},
}
_VOWEL_OPTIONS["y"] = _VOWEL_OPTIONS["i"]
_VOWEL_OPTIONS["w"] = _VOWEL_OPTIONS["u"]
_DIPHTHONGS: dict[str, dict[str, float]] = {
    "i": {"اي": 0.1},
    "o": {"او": 0.2},
    "u": {"يو": 0.2},
    "y": {"اي": 0.1},
}
_VOWEL_TARGETS = ("ا", "و", "ي", "ع", "ء", _FINAL_TA)


@dataclass(frozen=True)
class _Unit:
    """One Latin sound: a consonant (grapheme) or a run of vowels."""

    one: dict[str, float]  # single Arabic letter -> cost
    two: dict[str, float]  # Arabic letter pair -> cost
    delete: float  # cost when Arabic does not write it
    weight: float  # length contribution
    coarse: tuple[str, ...]  # coarse skeleton alternatives ("" for none)


def _vowel_unit(run: str, *, initial: bool, final: bool) -> _Unit:
    def costs(chars: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for ch in chars:
            for letter, cost in _VOWEL_OPTIONS[ch].items():
                if letter == _FINAL_TA and not final:
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
        for a, b in itertools.product(_VOWEL_TARGETS, repeat=2):
            if a in first and b in second and a != b and a != _FINAL_TA:
                cost = first[a] + second[b] + surcharge
                two[a + b] = min(two.get(a + b, 9.0), cost)
    for pair, cost in _DIPHTHONGS.get(run, {}).items():  # English i as in Biden -> بايدن
        two[pair] = min(two.get(pair, 9.0), cost)
    if initial:  # an initial vowel sits on an alef (or ع): Ukraine -> أوكرانيا, Ivan -> إيفان
        # alone, و/ي at the start of an Arabic word are consonants (w, y), except for e/ye
        # (Evgeny -> يفغيني)
        for letter in ("و", "ي"):
            if letter in one:
                one[letter] += 0.05 if (letter == "ي" and run[0] == "e") else 0.3
        for letter, cost in list(one.items()):
            if letter not in ("ا", _FINAL_TA):
                two["ا" + letter] = min(two.get("ا" + letter, 9.0), cost)
            if letter not in ("ع", _FINAL_TA):
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
    return _Unit(one, two, delete, 0.25, ("",))


def _consonant_unit(
    options: dict[str, float], coarse: tuple[str, ...], *, delete: float = 1.5, weight: float = 1.0
) -> _Unit:
    one = {k: v for k, v in options.items() if len(k) == 1}
    two = {k: v for k, v in options.items() if len(k) == 2}
    return _Unit(one, two, delete, weight, coarse)


def _is_vowel_at(name: str, i: int) -> bool:
    """Vowel letters, and y/w when they are not followed by a vowel (Kennedy, Andrew)."""
    ch = name[i]
    if ch in _VOWELS:
        return True
    return ch in "yw" and i > 0 and (i + 1 >= len(name) or name[i + 1] not in _VOWELS)


def _latin_units(name: str) -> list[_Unit]:
    """Split a lower-case ASCII name into sound units."""
    units: list[_Unit] = []
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
            opts, coarse = _Y_CONSONANT
            units.append(_consonant_unit(opts, coarse if i == 0 else ("",), delete=0.3, weight=0.5))
            i += 1
            continue
        if ch == "w":
            opts, coarse = _W_CONSONANT
            units.append(_consonant_unit(opts, coarse if i == 0 else ("", "F"), delete=0.3, weight=0.5))
            i += 1
            continue
        for multi in _MULTI:
            if name.startswith(multi, i):
                opts, coarse = _CONSONANTS[multi]
                units.append(_consonant_unit(opts, coarse, delete=0.6 if multi == "gh" else 1.5))
                i += len(multi)
                break
        else:
            if ch == "c":
                opts, coarse = _SOFT_C if nxt in "eiy" else _HARD_C
            elif ch in _CONSONANTS:
                opts, coarse = _CONSONANTS[ch]
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


def _latin_key(token: str) -> str:
    """Lower-case ASCII letters of a Latin name, without possessive or Arabic article."""
    text = unicodedata.normalize("NFKD", token)
    text = "".join(c for c in text if not unicodedata.combining(c))
    if not text.isascii():
        from anyascii import anyascii

        text = anyascii(text)
    text = text.lower().replace("’", "'")
    text = re.sub(r"'s$", "", text)
    for article in _LATIN_ARTICLES:
        if text.startswith(article) and len(text) > len(article) + 2:
            text = text[len(article) :]
            break
    return re.sub(r"[^a-z]", "", text)


def _latin_readings(token: str) -> list[str]:
    """The Latin key, plus the key without a fused Arabic article (Ennahdha -> nahdha, Essebsi -> sebsi)."""
    key = _latin_key(token)
    readings = [key] if key else []
    fused = re.match(r"^(?:a|e|al|el)([tdrzsnl])\1(?=[a-z]{3})", key)
    if fused:
        readings.append(key[fused.end() - 1 :])
    return readings


def _coarse_variants(units: list[_Unit], cap: int = 8) -> list[str]:
    variants = [""]
    for unit in units:
        variants = [v + alt for v in variants for alt in unit.coarse][:cap]
    out: list[str] = []
    for v in variants:
        c = _collapse(v)
        for w in (c, c[1:] if c[:1] in ("Y", "W") else ""):
            if w and w not in out:
                out.append(w)
    return out


def is_name_like(token: str) -> bool:
    """True for a Latin token that may be a name: capitalised, 3+ letters, not an English stopword."""
    if not token or not _LATIN_WORD.fullmatch(token):
        return False
    if not token[0].isupper():
        return False
    key = _latin_key(token)
    if len(key) < 3 or token.lower() in _ENGLISH_STOPWORDS or key in _ENGLISH_STOPWORDS:
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
            normalised = _normalize_arabic(token)
            if len(normalised) >= _MIN_STEM and normalised not in _ARABIC_STOPWORDS:
                out.append(token)
        elif is_name_like(token):
            out.append(token)
    return out


# --------------------------------------------------------------------------- alignment

_INF = float("inf")


def _latin_cost(units: list[_Unit], form: _ArabicForm, bound: float = _INF) -> float:
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


_AR_VARIANTS: dict[frozenset[str], float] = {}
for _group, _cost in (
    ("غجق", 0.3),
    ("كق", 0.3),
    ("كخ", 0.5),
    ("تط", 0.3),
    ("سص", 0.3),
    ("ذزظ", 0.3),
    ("جز", 0.4),
    ("دض", 0.3),
    ("ثس", 0.4),
    ("ثت", 0.4),
    ("هح", 0.5),
    ("فو", 0.6),
):
    for _a, _b in itertools.combinations(_group, 2):
        key = frozenset((_a, _b))
        _AR_VARIANTS[key] = min(_AR_VARIANTS.get(key, 9.0), _cost)


def _ar_sub(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if (a in _VOWEL_LETTERS or a in _WEAK_LETTERS) and (b in _VOWEL_LETTERS or b in _WEAK_LETTERS):
        return 0.25
    return _AR_VARIANTS.get(frozenset((a, b)), 2.0)


_AR_ALPHABET = "".join(_ROMAN) + "".join(_AR_COARSE)
_AR_SUB: dict[tuple[str, str], float] = {
    (a, b): _ar_sub(a, b) for a in _AR_ALPHABET for b in _AR_ALPHABET if _ar_sub(a, b) < 2.0
}


for _marker, _letter in (("W", "و"), ("Y", "ي")):
    for _other in (*_VOWEL_LETTERS, *_WEAK_LETTERS):
        _AR_SUB[_marker, _other] = _AR_SUB[_other, _marker] = 0.5 if _other == _letter else 1.0
_AR_SUB["W", "ف"] = _AR_SUB["ف", "W"] = 0.6
_AR_SUB["W", "W"] = _AR_SUB["Y", "Y"] = 0.0


def _arabic_cost(a: _ArabicForm, b: _ArabicForm, bound: float = _INF) -> float:
    """Weighted edit distance between two Arabic forms (spelling variants are cheap).

    Gives up (returns infinity) as soon as the cost must exceed ``bound``.
    """
    x, y = a.ar_letters, b.ar_letters
    x_indel, y_indel = a.indel_cost, b.indel_cost
    sub = _AR_SUB
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


# --------------------------------------------------------------------------- matcher

_ARTICLE_PREFIXES = ("ال", "لل")  # a stem after these is a reliable reading
_ALIGN_CAP = 100  # candidates aligned per query, after a cheap ranking


class NameMatcher:
    """Find the Arabic words of a vocabulary that spell a given name.

    ``vocabulary`` maps surface words (as they appear in the index) to their document
    frequency. Non-Arabic words are ignored: Latin words match themselves lexically.
    """

    def __init__(self, vocabulary: Mapping[str, int] | None = None) -> None:
        self._df: dict[str, int] = {}
        self._max_df = 1
        self._normal: dict[str, str] = {}  # Arabic surface word -> normalised word
        self._attested: set[str] = set()  # normalised words, and their stems after ال
        self._surfaces: dict[str, set[str]] = {}  # form -> surface words having it
        self._forms: dict[str, _ArabicForm] = {}  # form -> prepared form, built when first scored
        # (first class, skeleton length) -> (skeletons, skeleton -> position, forms per skeleton)
        self._buckets: dict[tuple[str, int], tuple[list[str], dict[str, int], list[list[str]]]] = {}
        self._cache: dict[tuple[str, int, float], list[tuple[str, float]]] = {}
        if vocabulary:
            self.add(vocabulary)

    # ---- vocabulary

    def __len__(self) -> int:
        return len(self._df)

    def __contains__(self, word: object) -> bool:
        return word in self._df

    def df(self, word: str) -> int:
        """Document frequency of a surface word (0 when unknown)."""
        return self._df.get(word, 0)

    def add(self, words: Mapping[str, int] | Iterable[str]) -> None:
        """Add surface words: a mapping word -> document frequency, or words counted once each."""
        if isinstance(words, str):
            raise TypeError(
                f"add() expected a mapping word -> df or an iterable of words, got the str {words!r}"
            )
        items = list(words.items()) if isinstance(words, Mapping) else [(w, 1) for w in words]
        for word, count in items:  # check everything first: a bad item changes nothing
            if not isinstance(word, str) or not isinstance(count, int) or isinstance(count, bool):
                raise TypeError(f"add() expected str words with int frequencies, got {word!r}: {count!r}")
        added = 0
        for word, count in items:
            if word in self._df:
                self._df[word] += count
            else:
                self._df[word] = count
                added += self._index_word(word)
            self._max_df = max(self._max_df, self._df[word])
        self._cache.clear()
        logger.debug(
            "name matcher: %d words, %d Arabic forms (%d new words)",
            len(self._df),
            len(self._surfaces),
            added,
        )

    def _index_word(self, word: str) -> bool:
        if not is_arabic_word(word):
            return False
        normalised = _normalize_arabic(word)
        if len(normalised) < 2 or normalised in _ARABIC_STOPWORDS or not _ARABIC_WORD.fullmatch(normalised):
            return False
        self._normal[word] = normalised
        self._attested.add(normalised)
        for form in _arabic_stems(normalised):
            if normalised[: len(normalised) - len(form)].endswith(_ARTICLE_PREFIXES):
                self._attested.add(form)
            surfaces = self._surfaces.get(form)
            if surfaces is None:
                surfaces = self._surfaces[form] = set()
                skeleton = _coarse_skeleton(form)
                self._bucket_form(form, skeleton)
                if skeleton[:1] in ("Y", "W") and len(skeleton) > 1:
                    self._bucket_form(form, skeleton[1:])
            surfaces.add(word)
        return True

    def _prepared(self, form: str) -> _ArabicForm:
        prepared = self._forms.get(form)
        if prepared is None:
            prepared = self._forms[form] = _ArabicForm.build(form)
        return prepared

    def _bucket_form(self, form: str, skeleton: str) -> None:
        if not skeleton:
            return
        key = (skeleton[0], len(skeleton))
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = ([], {}, [])
        skeletons, position, forms = bucket
        at = position.get(skeleton)
        if at is None:
            position[skeleton] = len(skeletons)
            skeletons.append(skeleton)
            forms.append([form])
        else:
            forms[at].append(form)

    # ---- queries

    def expand(self, token: str, *, limit: int = 5, min_score: float = 0.6) -> list[tuple[str, float]]:
        """Vocabulary words that probably spell the same name as ``token``, best first.

        A Latin token must look like a name (see :func:`is_name_like`), else the result is
        empty; an Arabic token returns other spellings, never the token itself (with or
        without proclitics). Returns ``(surface word, similarity in [0, 1])``, one surface
        word per stem (see :meth:`surface_forms` for the others).
        """
        if limit <= 0:
            return []
        key = (token, limit, min_score)
        cached = self._cache.get(key)
        if cached is None:
            if is_arabic_word(token):
                cached = self._expand_arabic(token, limit, min_score)
            elif is_name_like(token):
                cached = self._expand_latin(token, limit, min_score)
            else:
                cached = []
            self._cache[key] = cached
        return list(cached)

    def expand_question(
        self, question: str, *, limit: int = 5, min_score: float = 0.6
    ) -> dict[str, list[tuple[str, float]]]:
        """Expand every name-like token of a question; tokens with no match are left out."""
        out: dict[str, list[tuple[str, float]]] = {}
        for token in name_tokens(question):
            found = self.expand(token, limit=limit, min_score=min_score)
            if found:
                out[token] = found
        return out

    def surface_forms(self, word: str) -> list[str]:
        """The vocabulary's surface words sharing ``word``'s stem (حفتر -> حفتر, وحفتر, لحفتر), frequent first."""
        normalised = _normalize_arabic(word)
        stems = [f for f in _arabic_stems(normalised) if f in self._surfaces]
        if not stems:
            return []
        stem = min(stems, key=len)
        return sorted(self._surfaces[stem], key=lambda w: (-self._df.get(w, 0), w))

    def _candidates(self, skeletons: Iterable[str], queries: list[str], *, roman: bool) -> list[str]:
        """Forms whose coarse skeleton is close to one of ``skeletons``, most promising first.

        The survivors are ranked by skeleton similarity plus half the string similarity of
        ``queries`` to their romanisation (``roman=True``) or to their letters.
        """
        coarse: dict[str, float] = {}
        for skeleton in skeletons:
            size = len(skeleton)
            # true pairs rarely differ by more (Malashenko ~ مالاتشنكو: 1); two-consonant
            # skeletons must match exactly, or every short word would be a candidate
            edits = 0 if size <= 2 else 1 if size <= 4 else 2
            for length in range(max(1, size - edits), size + edits + 1):
                bucket = self._buckets.get((skeleton[0], length))
                if bucket is None:
                    continue
                names, _, forms = bucket
                for _, distance, at in process.extract(
                    skeleton, names, scorer=Levenshtein.distance, score_cutoff=edits, limit=None
                ):
                    score = 1.0 - distance / max(size, length)
                    for form in forms[at]:
                        if score > coarse.get(form, -1.0):
                            coarse[form] = score
        if not coarse:
            return []
        forms_found = list(coarse)
        texts = [f.translate(_ROMAN_TABLE) for f in forms_found] if roman else forms_found
        similarity = process.cdist(queries, texts, scorer=Levenshtein.normalized_similarity, dtype=np.float32)
        ranked = np.fromiter(
            coarse.values(), dtype=np.float32, count=len(forms_found)
        ) + 0.5 * similarity.max(0)
        if len(forms_found) > _ALIGN_CAP:
            top = np.argpartition(-ranked, _ALIGN_CAP)[:_ALIGN_CAP]
        else:
            top = np.arange(len(forms_found))
        top = top[np.argsort(-ranked[top], kind="stable")]
        return [forms_found[i] for i in top]

    def _stripping_penalty(self, normalised: str, form: str) -> float | None:
        """How much reading ``normalised`` as proclitic + ``form`` costs; None when not credible.

        ال/لل are reliable; و is common enough to accept with a small penalty; ف/ب/ل/ك need
        the stem to occur on its own or with two different proclitics (so فساد does not read
        as ف + ساد for "Saad", while لحفتر and بحفتر give حفتر).
        """
        if normalised == form:
            return 0.0
        prefix = normalised[: len(normalised) - len(form)]
        if prefix.endswith(_ARTICLE_PREFIXES):
            return 0.01
        if form in self._attested or len(self._surfaces.get(form, ())) >= 2:
            return 0.03
        if prefix == "و":
            return 0.05
        return None

    def _finish(
        self, scores: dict[str, float], limit: int, min_score: float, exclude: Callable[[str], bool]
    ) -> list[tuple[str, float]]:
        """One result per stem: its representative surface word, the score weighted by df."""
        # each surface word counts once, under the reading (form) that scored best for it
        best: dict[str, tuple[float, str]] = {}
        for form, score in scores.items():
            for surface in self._surfaces.get(form, ()):
                if exclude(surface):
                    continue
                penalty = self._stripping_penalty(self._normal[surface], form)
                if penalty is not None and score - penalty > best.get(surface, (-1.0, ""))[0]:
                    best[surface] = (score - penalty, form)
        groups: dict[str, list[str]] = {}
        for surface, (_, form) in best.items():
            groups.setdefault(form, []).append(surface)
        log_max = math.log1p(self._max_df)
        results: list[tuple[str, float]] = []
        for form, surfaces in groups.items():
            score = max(best[w][0] for w in surfaces)
            bare = [w for w in surfaces if self._normal[w] == form]
            surface = max(bare or surfaces, key=lambda w: (self._df.get(w, 0), w))
            df = sum(self._df.get(w, 0) for w in surfaces)
            # very frequent words are seldom foreign names: a small tie-breaking penalty
            score *= 1.0 - 0.05 * math.log1p(df) / log_max
            score = round(max(0.0, min(1.0, score)), 4)
            if score >= min_score:
                results.append((surface, score))
        results.sort(key=lambda kv: (-kv[1], -self._df.get(kv[0], 0), kv[0]))
        return results[:limit]

    def _expand_latin(self, token: str, limit: int, min_score: float) -> list[tuple[str, float]]:
        readings = [
            (units, sum(u.weight for u in units)) for units in map(_latin_units, _latin_readings(token))
        ]
        readings = [(units, weight) for units, weight in readings if units]
        if not readings:
            return []
        keys = _latin_readings(token)
        skeletons: list[str] = []
        for units, _ in readings:
            skeletons.extend(v for v in _coarse_variants(units) if v not in skeletons)

        scores: dict[str, float] = {}
        for form in self._candidates(skeletons, keys, roman=True):
            prepared = self._prepared(form)
            best = 0.0
            for units, weight in readings:
                norm = max(weight, prepared.weight)
                cost = _latin_cost(units, prepared, _cost_bound(min_score, norm))
                best = max(best, _similarity(cost, norm))
            if best > 0.0:
                scores[form] = best
        return self._finish(scores, limit, min_score, lambda _w: False)

    def _expand_arabic(self, token: str, limit: int, min_score: float) -> list[tuple[str, float]]:
        normalised = _normalize_arabic(token)
        if len(normalised) < 2:
            return []
        own = _arabic_stems(normalised)
        # readings of the query: the word, its stem after ال, and a stem after و/ف/ب/ل/ك when
        # that stem occurs on its own (a small penalty: stripping is a guess)
        queries: list[tuple[_ArabicForm, float]] = []
        article = any(
            normalised.startswith(p) and len(normalised) - len(p) >= _MIN_STEM for p in _ARTICLE_PREFIXES
        )
        for form in own:
            if form == normalised and article:  # الغنوشي: its stem finds spellings with or without ال
                continue
            penalty = self._stripping_penalty(normalised, form)
            if penalty is not None:
                queries.append((_ArabicForm.build(form), penalty))
        skeletons: list[str] = []
        for q, _ in queries:
            for skeleton in (q.coarse, q.coarse[1:] if q.coarse[:1] in ("Y", "W") else ""):
                if skeleton and skeleton not in skeletons:
                    skeletons.append(skeleton)

        scores: dict[str, float] = {}
        for form in self._candidates(
            skeletons, [q.letters.replace(_FINAL_TA, "ه") for q, _ in queries], roman=False
        ):
            if form in own:
                continue
            prepared = self._prepared(form)
            best = 0.0
            for q, penalty in queries:
                norm = max(q.weight, prepared.weight)
                cost = _arabic_cost(q, prepared, _cost_bound(min_score, norm))
                best = max(best, _similarity(cost, norm) - penalty)
            if best > 0.0:
                scores[form] = best

        def same_word(surface: str) -> bool:
            surface_norm = self._normal[surface]
            return surface_norm in own or normalised in _arabic_stems(surface_norm)

        return self._finish(scores, limit, min_score, same_word)


def _cost_bound(min_score: float, weight: float) -> float:
    """The largest alignment cost whose similarity can still reach ``min_score``."""
    return weight * (1.0 - max(0.0, min_score) ** (2.0 / 3.0)) + 1e-9


def _similarity(cost: float, weight: float) -> float:
    """Alignment cost -> similarity in [0, 1]; the power makes one consonant error in a
    five-consonant name land near 0.6, while vowel noise alone stays above 0.8."""
    return max(0.0, 1.0 - cost / weight) ** 1.5
