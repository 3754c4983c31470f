"""Transliteration tables (data): how Latin sounds are written in Arabic letters, and back.

The matcher (:mod:`assistant.retrieval.name_matcher`) reads these mappings; supporting another
spelling convention is editing a table here, not the alignment code.
"""

from __future__ import annotations

FINAL_TA = "ة"  # internal marker: a word-final ه (usually ة) that Latin writes as -a/-ah/-e

# The same conventions as ``index.text.normalize_arabic`` (hamza seats to their letter,
# Persian/Urdu/Maghrebi letters to the Arabic one), applied again after it so that the
# matcher's internal letters do not depend on which normaliser ran.
ARABIC_LETTER_FOLD: dict[str, str] = {
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

# Arabic proclitics (و ف ب ل ك ال and their combinations), longest first.
ARABIC_PROCLITICS: tuple[str, ...] = (
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

# Coarse classes shared by both scripts: one ASCII letter per consonant class.
ARABIC_CONSONANT_CLASSES: dict[str, str] = {
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


# A rough romanisation of each Arabic letter (ranks candidates against a Latin name).
ARABIC_ROMANISATION: dict[str, str] = {
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
    FINAL_TA: "a",
}


# Arabic article prefixes a Latin name may carry (al-Sisi, el-Baradei).
LATIN_ARTICLES = ("al-", "el-", "ad-", "ar-", "as-", "ash-", "at-", "az-", "an-", "ed-")

# Latin unit -> (Arabic letters or letter pairs -> cost, coarse alternatives)
LATIN_CONSONANTS: dict[str, tuple[dict[str, float], tuple[str, ...]]] = {
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
    "h": ({"ه": 0.0, "ح": 0.0, "خ": 0.4, FINAL_TA: 0.1}, ("H",)),
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
SOFT_C = ({"س": 0.0, "ص": 0.1, "ك": 0.3, "تش": 0.3}, ("S", "K"))
HARD_C = ({"ك": 0.0, "ق": 0.1, "س": 0.4}, ("K", "S"))
Y_CONSONANT = ({"ي": 0.0, "ج": 0.4}, ("Y",))
W_CONSONANT = ({"و": 0.0, "ف": 0.1}, ("W", "F"))

# cost of writing a Latin vowel with an Arabic long vowel / weak letter
LATIN_VOWELS: dict[str, dict[str, float]] = {
    "a": {"ا": 0.0, FINAL_TA: 0.0, "ع": 0.15, "ء": 0.15, "ي": 0.4, "و": 0.4},
    "e": {"ي": 0.0, "ا": 0.1, FINAL_TA: 0.1, "ع": 0.2, "ء": 0.2, "و": 0.4},
    "i": {"ي": 0.0, "ا": 0.3, "ع": 0.2, "ء": 0.2, "و": 0.4, FINAL_TA: 0.3},
    "o": {"و": 0.0, "ا": 0.2, "ع": 0.2, "ء": 0.2, "ي": 0.4, FINAL_TA: 0.3},
    "u": {"و": 0.0, "ا": 0.3, "ع": 0.2, "ء": 0.2, "ي": 0.4, FINAL_TA: 0.4},
}
LATIN_VOWELS["y"] = LATIN_VOWELS["i"]
LATIN_VOWELS["w"] = LATIN_VOWELS["u"]
LATIN_DIPHTHONGS: dict[str, dict[str, float]] = {
    "i": {"اي": 0.1},
    "o": {"او": 0.2},
    "u": {"يو": 0.2},
    "y": {"اي": 0.1},
}
VOWEL_TARGETS = ("ا", "و", "ي", "ع", "ء", FINAL_TA)

# Arabic letters that spell the same sound in different transliterations, and the cost of
# writing one for another (Arabic-Arabic alignment).
ARABIC_VARIANT_GROUPS: tuple[tuple[str, float], ...] = (
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
)
