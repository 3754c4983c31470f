"""Text utilities shared by chunking, the lexical index and retrieval (Arabic and English).

Everything here is pure Python (standard library only) and deterministic:

- :func:`content_hash` hashes an article's fields for "have I seen this before?".
- :func:`split_sentences` cuts a text into sentence spans (character offsets), knowing Arabic
  punctuation, abbreviations, initials, decimals, URLs and e-mail addresses.
- :func:`normalize_arabic` and :func:`normalize_for_match` fold spelling variants for matching
  (never for display: offsets into the original text come from :func:`surface_tokens`).
- :func:`tokenize` gives the lexical terms of the BM25 index (normalised, stop words dropped,
  light Arabic and English stemming); :func:`surface_tokens` gives unstemmed words with offsets.
- :func:`script_ratio` / :func:`is_arabic_script` tell how much of a text is in Arabic script.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import sys
import unicodedata

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

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# Hashing
# --------------------------------------------------------------------------------------------


def content_hash(*parts: str | None) -> str:
    """Return the sha256 hex digest of ``parts`` (``None`` counts as ``""``).

    Each part is written as ``<length in bytes>:<utf-8 bytes>``: the length prefix is the
    separator that cannot occur inside a part, so ``("ab", "c")`` and ``("a", "bc")`` differ
    whatever characters the parts contain, and so do different numbers of parts.
    """
    digest = hashlib.sha256()
    for i, part in enumerate(parts):
        if part is None:
            part = ""
        if not isinstance(part, str):
            raise TypeError(
                f"content_hash expects str or None parts, got {type(part).__name__} at position {i}"
            )
        data = part.encode("utf-8", "surrogatepass")
        digest.update(f"{len(data)}:".encode("ascii"))
        digest.update(data)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# Character classes
# --------------------------------------------------------------------------------------------

# Arabic script blocks (letters, marks, digits, punctuation, presentation forms).
_ARABIC_RANGES = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x0870, 0x089F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
    (0x10E60, 0x10E7F),
    (0x1EE00, 0x1EEFF),
)
_ARABIC_CLASS = "".join(f"{chr(a)}-{chr(b)}" for a, b in _ARABIC_RANGES)
_LETTER_RE = re.compile(r"[^\W\d_]")
_ARABIC_LETTER_RE = re.compile(rf"(?=[{_ARABIC_CLASS}])[^\W\d_]")


def _is_arabic_char(ch: str) -> bool:
    cp = ord(ch)
    return any(a <= cp <= b for a, b in _ARABIC_RANGES)


@functools.cache
def _unicode_tables() -> tuple[dict[int, str | None], str]:
    """Scan Unicode once: a translate table for matching and a regex class of combining marks.

    The table deletes combining marks (categories Mn, Mc, Me) and format characters (Cf: bidi
    marks, zero-width joiners, soft hyphen) and maps every decimal digit to its ASCII digit.
    """
    table: dict[int, str | None] = {}
    mark_ranges: list[list[int]] = []
    for cp in range(sys.maxunicode + 1):
        cat = unicodedata.category(chr(cp))
        if cat[0] == "M":
            table[cp] = None
            if mark_ranges and mark_ranges[-1][1] == cp - 1:
                mark_ranges[-1][1] = cp
            else:
                mark_ranges.append([cp, cp])
        elif cat == "Cf":
            table[cp] = None
        elif cat == "Nd" and cp > 0x7F:
            table[cp] = str(unicodedata.decimal(chr(cp)))
    mark_class = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in mark_ranges
    )
    return table, mark_class


# --------------------------------------------------------------------------------------------
# Arabic normalisation
# --------------------------------------------------------------------------------------------

_ARABIC_DELETE = (
    0x0640,  # tatweel
    *range(0x0610, 0x061B),  # Quranic honorifics and small marks
    *range(0x064B, 0x0660),  # tanwin, harakat, shadda, sukun, maddah, hamza above/below ...
    0x0670,  # superscript (dagger) alef
    *range(0x06D6, 0x06DD),  # Quranic annotation marks
    *range(0x06DF, 0x06E9),
    *range(0x06EA, 0x06EE),
    *range(0x08D3, 0x08E2),  # extended Arabic marks (U+08E2 is a format sign, kept)
    *range(0x08E3, 0x0900),
)

_ARABIC_MAP: dict[int, str | None] = {cp: None for cp in _ARABIC_DELETE}
_ARABIC_MAP.update(
    {
        # alef forms: hamza above/below, madda, wasla, wavy hamza
        ord("أ"): "ا",
        ord("إ"): "ا",
        ord("آ"): "ا",
        ord("ٱ"): "ا",
        ord("ٲ"): "ا",
        ord("ٳ"): "ا",
        ord("ٵ"): "ا",
        # other letters with a high or attached hamza
        ord("ٶ"): "و",
        ord("ٷ"): "و",
        ord("ٸ"): "ي",
        ord("ۓ"): "ي",
        ord("ۂ"): "ه",
        # alef maqsura and Persian/Urdu yeh
        ord("ى"): "ي",
        ord("ی"): "ي",
        ord("ې"): "ي",
        ord("ے"): "ي",
        # taa marbuta and heh variants
        ord("ة"): "ه",
        ord("ۀ"): "ه",
        ord("ہ"): "ه",
        ord("ھ"): "ه",
        ord("ە"): "ه",
        # hamza on a seat: the seat letter (see normalize_arabic's docstring)
        ord("ؤ"): "و",
        ord("ئ"): "ي",
        # Persian/Urdu and Maghrebi letters used for foreign sounds: nearest Arabic letter
        ord("ک"): "ك",
        ord("ڪ"): "ك",
        ord("گ"): "ك",
        ord("ڭ"): "ك",
        ord("پ"): "ب",
        ord("چ"): "ج",
        ord("ژ"): "ز",
        ord("ڤ"): "ف",
        ord("ڥ"): "ف",
        ord("ڨ"): "ق",
        # Arabic number punctuation
        ord("٫"): ".",  # decimal separator
        ord("٬"): ",",  # thousands separator
        ord("٪"): "%",
    }
)
# Arabic-Indic (U+0660..) and Extended Arabic-Indic (U+06F0..) digits
_ARABIC_MAP.update({0x0660 + d: str(d) for d in range(10)})
_ARABIC_MAP.update({0x06F0 + d: str(d) for d in range(10)})
# str.replace per letter and one regex for the deletions are several times faster than translate
_ARABIC_DELETE_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in _ARABIC_DELETE) + "]+")
_ARABIC_REPLACE = tuple((chr(cp), dst) for cp, dst in _ARABIC_MAP.items() if dst is not None)


def normalize_arabic(text: str) -> str:
    """Fold Arabic spelling variants for matching (not for display; offsets are not kept).

    - NFKC first, so presentation forms (``ﻻ``, ``ﷲ``, isolated/final letter forms) become
      ordinary letters;
    - tashkeel is removed (harakat, tanwin, shadda, sukun, superscript alef, hamza/madda marks,
      Quranic annotation marks) and so is tatweel;
    - ``أ إ آ ٱ`` → ``ا``; ``ى`` → ``ي``; ``ة`` → ``ه``;
    - hamza on a seat becomes the seat letter: ``ؤ`` → ``و`` and ``ئ`` → ``ي``. Writers and
      transliterations vary exactly there (``مسئول``/``مسؤول``, ``رئيس``/``ريس``), while the
      hamza on the line ``ء`` is kept as a letter;
    - Persian/Urdu/Maghrebi variants go to the Arabic letter: ``ک`` → ``ك``, ``ی`` → ``ي``,
      ``گ`` → ``ك``, ``پ`` → ``ب``, ``چ`` → ``ج``, ``ژ`` → ``ز``, ``ڤ`` → ``ف``, ``ڨ`` → ``ق``;
    - Arabic-Indic and Extended Arabic-Indic digits → ASCII digits, ``٫`` → ``.``, ``٬`` → ``,``.

    Idempotent: ``normalize_arabic(normalize_arabic(s)) == normalize_arabic(s)``.
    """
    if text.isascii():
        return text
    result = _arabic_pass(unicodedata.normalize("NFKC", text))
    # Deleting marks can bring together characters that NFKC composes; repeat to a fixed point.
    for _ in range(4):
        if unicodedata.is_normalized("NFKC", result):
            break
        result = _arabic_pass(unicodedata.normalize("NFKC", result))
    return result


def _arabic_pass(text: str) -> str:
    text = _ARABIC_DELETE_RE.sub("", text)
    for src, dst in _ARABIC_REPLACE:
        if src in text:
            text = text.replace(src, dst)
    return text


# --------------------------------------------------------------------------------------------
# Matching normalisation
# --------------------------------------------------------------------------------------------

_THOUSANDS_RE = re.compile(r"(\d),(?=\d{3}(?!\d))")
_DECIMAL_RE = re.compile(r"(\d)\.(?=\d)")
_NON_WORD_RE = re.compile(r"[\W_]+")
# Characters that need no mark/format/digit folding: ASCII, basic Arabic letters and punctuation,
# common typographic punctuation. Only runs of other characters go through the slow path.
_UNUSUAL_RE = re.compile(
    "[^\x00-\x7f\u0621-\u063a\u0641-\u064a\u060c\u061b\u061f\u066d"
    "\u00a1-\u00ac\u00ae-\u00bf\u00d7\u00f7\u2010-\u2027\u2030-\u205e]+"
)


def _fold_run(m: re.Match[str]) -> str:
    table, _ = _unicode_tables()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKD", m.group()).translate(table))


def _fold(text: str) -> str:
    text = normalize_arabic(unicodedata.normalize("NFKC", text).casefold())
    if not text.isascii():
        # strip every combining mark (é → e, Arabic marks left by NFKC), drop format characters,
        # map all decimal digits to ASCII
        text = _UNUSUAL_RE.sub(_fold_run, text)
    return text


def _is_folded(text: str) -> bool:
    return text.isascii() or (unicodedata.is_normalized("NFKC", text) and text.casefold() == text)


def normalize_for_match(text: str) -> str:
    """Normalise ``text`` for matching: equal for spellings a reader would take as the same.

    Lowercase (casefold) and NFKC; all combining marks stripped (Latin diacritics ``é`` → ``e``,
    Arabic tashkeel); :func:`normalize_arabic`; format characters (bidi marks, zero-width joiners,
    soft hyphens) deleted; every decimal digit made ASCII; thousands separators between digits
    removed (``1,000`` → ``1000``); a ``.`` between two digits kept (``3.5``, ``٣٫٥`` → ``3.5``);
    any other punctuation or symbol becomes a space; runs of spaces collapse to one. Idempotent.
    """
    text = _fold(text)
    # Folding can expose new characters to fold (rare: compatibility and case interactions).
    for _ in range(3):
        if _is_folded(text):
            break
        text = _fold(text)
    text = _THOUSANDS_RE.sub(r"\1", text)
    # casefolded text has no ASCII capital: "D" marks a decimal point while punctuation goes
    text = _NON_WORD_RE.sub(" ", _DECIMAL_RE.sub(r"\1D", text))
    return text.replace("D", ".").strip()


# --------------------------------------------------------------------------------------------
# Stop words and light stemmers
# --------------------------------------------------------------------------------------------

ENGLISH_STOPWORDS: frozenset[str] = frozenset(
    """a about above after again against all am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me
    more most my myself no nor not now of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves also""".split()
)

_ARABIC_STOPWORDS_RAW = """في من على إلى الى عن أن إن ان التي الذي الذين اللذان اللذين اللتان
اللتين اللاتي اللواتي هذا هذه هذان هاتان هؤلاء ذلك تلك أولئك هو هي هم هن هما نحن أنا انت أنت
مع كان كانت يكون تكون قد لقد ما لا لم لن أو او ثم كما حيث بين عند عندما منذ كل بعد قبل حتى إذا
اذا إذ اذ أي اي أيضا ايضا إلا الا غير بعض فيه فيها فيهم منه منها منهم عليه عليها عليهم إليه إليها
له لها لهم به بها بهم انه أنه إنه انها أنها إنها كانوا ليس ليست هناك هنا لكن بل وقد التى""".split()

ARABIC_STOPWORDS: frozenset[str] = frozenset(normalize_arabic(w) for w in _ARABIC_STOPWORDS_RAW)
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
def _term(tok: str) -> str | None:
    """The index term for one token of normalised text, or None to drop it."""
    if tok[0].isdigit():
        return tok
    if _is_arabic_char(tok[0]):
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
    terms = [_term(tok) for tok in _TOKEN_RE.findall(normalize_for_match(text))]
    return [t for t in terms if t is not None]


@functools.cache
def _surface_re() -> re.Pattern[str]:
    _, marks = _unicode_tables()
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


# --------------------------------------------------------------------------------------------
# Script
# --------------------------------------------------------------------------------------------


def script_ratio(text: str) -> float:
    """Fraction of the letters of ``text`` that are in Arabic script (0.0 when it has no letter)."""
    letters = len(_LETTER_RE.findall(text))
    if letters == 0:
        return 0.0
    return len(_ARABIC_LETTER_RE.findall(text)) / letters


def is_arabic_script(text: str) -> bool:
    """True when at least half of the letters of ``text`` are Arabic script (False if no letter)."""
    return script_ratio(text) >= 0.5


# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------

_NEWLINES = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_STRONG = "!?؟۔‼⁇⁈⁉"
_CANDIDATE_RE = re.compile(rf"[.…{_STRONG}]+|؛|[{_NEWLINES}]")
_CLOSERS = frozenset("\"'»›”’)]}」』〉》﴾")
_NONSPACE_RE = re.compile(r"\S")
_NON_SPACE_RUN_RE = re.compile(r"\S*")
_URL_TRAIL = ".,;:!?؟،؛)]}\"'»”’…"
_EMAIL_LOCAL = re.compile(r"[\w.+-]{1,64}\Z")
_EMAIL_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")
_CLAUSE_RE = re.compile(r"[،,؛;:]")
_WS_RE = re.compile(r"\s")
_OPENERS = "\"'«‹“‘([{"

# Words before a '.' that do not end a sentence (compared in lowercase, without the dot).
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt gen col lt sgt capt cmdr adm maj rep sen gov pres supt insp
    rev hon fr messrs mme mlle jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed
    thu thur thurs fri sat sun inc ltd co corp bros dept univ assn est approx appt apt vs etc
    e.g i.e a.m p.m u.s u.k u.n u.s.a e.u fig figs vol vols pp ed eds al cf ca ph.d""".split()
)
# Case-sensitive: "No. 5" is an abbreviation, "said no. Then" is not.
_ABBREVIATIONS_CASED = frozenset({"No", "Nos", "Nr", "Art", "Ch", "Sec", "Op"})
_DOTTED_RE = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]\.?\Z")


def _url_end(text: str, start: int) -> int:
    e = _NON_SPACE_RUN_RE.match(text, start).end()  # type: ignore[union-attr]
    while e > start and text[e - 1] in _URL_TRAIL:
        e -= 1
    return e


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans of URLs and e-mail addresses, inside which no sentence breaks.

    Found with ``str.find`` on ``://``, ``www.`` and ``@`` (a regex tried at every position is
    several times slower on long texts), then widened to the surrounding token.
    """
    spans: list[tuple[int, int]] = []
    p = text.find("://")
    while p != -1:
        s = p
        while s > max(0, p - 10) and text[s - 1].isascii() and text[s - 1].isalpha():
            s -= 1
        e = _url_end(text, p + 3)
        if s < p and e > p + 3:
            spans.append((s, e))
        p = text.find("://", max(e, p + 3))
    for needle in ("www.", "WWW.", "Www."):
        p = text.find(needle)
        while p != -1:
            e = _url_end(text, p)
            if (p == 0 or not text[p - 1].isalnum()) and e > p + 4:
                spans.append((p, e))
            p = text.find(needle, max(e, p + 4))
    at = text.find("@")
    while at != -1:
        end = at + 1
        dm = _EMAIL_DOMAIN.match(text, at + 1)
        if dm:
            lm = _EMAIL_LOCAL.search(text, max(0, at - 64), at)
            if lm:
                spans.append((lm.start(), dm.end()))
            end = dm.end()
        at = text.find("@", end)
    if not spans:
        return spans
    spans.sort()
    merged = [spans[0]]
    for s, e in spans[1:]:
        if s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _word_before(text: str, i: int, floor: int) -> tuple[str, int]:
    """The non-space token ending at ``i`` (at most 40 chars, not before ``floor``), and its start."""
    k = i
    lo = max(floor, i - 40)
    while k > lo and not text[k - 1].isspace() and text[k - 1] not in _OPENERS:
        k -= 1
    return text[k:i], k


def _is_abbreviation(text: str, i: int, seg_start: int, content_start: int) -> bool:
    """Whether the '.' at ``i`` ends an abbreviation, an initial or a list number."""
    word, k = _word_before(text, i, seg_start)
    if not word:
        return False
    if word in _ABBREVIATIONS_CASED or word.lower() in _ABBREVIATIONS:
        return True
    if _DOTTED_RE.match(word + "."):
        return True  # U.S. / e.g. / J.K. / أ.د.
    if len(word) == 1 and word.isalpha():
        # an initial ("J. K. Rowling", "د. أحمد"), unless it follows a number ("2017 م.")
        j = k
        while j > seg_start and text[j - 1].isspace():
            j -= 1
        return not (j > seg_start and text[j - 1].isdigit())
    if word.isdigit() and len(word) <= 3 and k == content_start:
        return True  # "1. First point"
    return False


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    seg = text[s:e]
    stripped = seg.lstrip()
    s2 = s + (len(seg) - len(stripped))
    e2 = s2 + len(stripped.rstrip())
    return s2, e2


def _cut_long(text: str, s: int, e: int, max_chars: int, out: list[tuple[int, int]]) -> None:
    """Append ``[s, e)`` (trimmed, non-empty) as pieces of at most ``max_chars`` characters."""
    while e - s > max_chars:
        pieces = -(-(e - s) // max_chars)
        target = s + -(-(e - s) // pieces)
        hi = s + max_chars
        lo = s + max(1, (target - s) // 2)
        cut = -1
        best = None
        for m in _CLAUSE_RE.finditer(text, lo, hi):
            p = m.start()
            if p > 0 and p + 1 < len(text) and text[p - 1].isdigit() and text[p + 1].isdigit():
                continue  # 1,000 / 10:30
            if best is None or abs(p + 1 - target) < abs(best - target):
                best = p + 1
        if best is not None:
            cut = best
        else:
            for m in _WS_RE.finditer(text, lo, hi + 1):
                p = m.start()
                if cut < 0 or abs(p - target) < abs(cut - target):
                    cut = p
            if cut < 0:
                last = -1
                for m in _WS_RE.finditer(text, s + 1, lo):
                    last = m.start()
                if last > 0:
                    cut = last
            if cut < 0:
                cut = target
                # do not leave a combining mark at the start of the next piece
                while cut > s + 1 and unicodedata.category(text[cut])[0] == "M":
                    cut -= 1
        piece_s, piece_e = _trim(text, s, cut)
        if piece_e > piece_s:
            out.append((piece_s, piece_e))
        m = _NONSPACE_RE.search(text, cut, e)
        if m is None:  # cannot happen: text[e - 1] is not a space
            return
        s = m.start()
    out.append((s, e))


def split_sentences(
    text: str, max_chars: int = 600, *, semicolon_min_chars: int = 200
) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans ``(start, end)``: character offsets into ``text``.

    Guarantees: spans are in order and do not overlap; ``text[start:end]`` is non-empty and has
    no leading or trailing whitespace; every non-whitespace character is in exactly one span;
    no span is longer than ``max_chars``. Linear in the length of ``text``.

    Rules:

    - line breaks always end a sentence;
    - ``! ? ؟`` (and runs such as ``?!``) end a sentence; so do ``.``, ``...`` and ``…``
      followed by a space, unless the next word starts with a lowercase letter;
    - closing quotes and brackets right after the mark belong to the sentence
      (``قال "نعم." ثم`` ends after the quote);
    - a ``.`` does not end a sentence in a number (``3.5``), after an abbreviation (``Mr.``,
      ``Jan.``, ``e.g.``, ``U.S.``, ``No.``), after an initial (``J. K. Rowling``, ``د. أحمد``),
      after a list number at the start of a line (``1.``), or inside a URL or e-mail address;
    - a ``.`` with no space after it ends a sentence only between words that are clearly two
      sentences: an Arabic letter on either side (``الصراع.وجاء``), or a lowercase Latin letter
      followed by an uppercase one (``end.Next``); ``example.com`` and ``node.js`` stay whole;
    - ``؛`` (Arabic semicolon) ends a sentence only when the sentence is already at least
      ``semicolon_min_chars`` characters long; ``،`` and ``,`` never do;
    - a sentence longer than ``max_chars`` is cut into near-equal pieces, preferably after a
      ``، , ؛ ; :``, else at a space, else (no space at all) anywhere.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be a positive number of characters, got {max_chars}")
    n = len(text)
    out: list[tuple[int, int]] = []
    protected = _protected_spans(text)
    pi = 0

    seg_start = 0
    content_start = -1  # first non-space character at or after seg_start (n if none)

    def first_nonspace(pos: int) -> int:
        # everything between pos and the previous answer is whitespace: reuse it (keeps runs of
        # blank lines linear)
        if content_start >= pos:
            return content_start
        m = _NONSPACE_RE.search(text, pos)
        return m.start() if m else n

    content_start = first_nonspace(0)

    def emit(s: int, e: int) -> None:
        s2, e2 = _trim(text, s, e)
        if e2 > s2:
            if e2 - s2 > max_chars:
                _cut_long(text, s2, e2, max_chars, out)
            else:
                out.append((s2, e2))

    for m in _CANDIDATE_RE.finditer(text):
        i, j = m.span()
        if i < seg_start:
            continue  # consumed as a closer of the previous break
        mark = m.group()
        if mark[0] in _NEWLINES:
            emit(seg_start, i)
            seg_start = j
            content_start = first_nonspace(j)
            continue
        if content_start >= i:
            continue  # nothing before the mark yet: leading marks belong to the sentence
        while pi < len(protected) and protected[pi][1] <= i:
            pi += 1
        if pi < len(protected) and protected[pi][0] <= i:
            continue
        k = j
        while k < n and text[k] in _CLOSERS:
            k += 1
        after = text[k] if k < n else ""
        brk = False
        if mark == "؛":
            brk = i + 1 - content_start >= semicolon_min_chars and (
                not after or after.isspace() or after.isalnum()
            )
        elif not after or after.isspace():
            # look at the next word on the same line
            q = k
            while q < n and text[q].isspace() and text[q] not in _NEWLINES:
                q += 1
            nxt_ch = text[q] if q < n else ""
            if not nxt_ch or nxt_ch in _NEWLINES:
                brk = True
            elif nxt_ch.islower():
                brk = False
            elif mark == ".":
                brk = not _is_abbreviation(text, i, seg_start, content_start)
            else:
                brk = True
        elif k > j:
            # closers glued to the next word ('."وقال'): a break, unless punctuation follows
            brk = after.isalnum()
        elif after.isalpha():
            prev = text[i - 1]
            if any(c in _STRONG for c in mark):
                brk = True
            elif mark == "." and prev.isalnum():
                if _is_arabic_char(after) or _is_arabic_char(prev):
                    brk = not _is_abbreviation(text, i, seg_start, content_start)
                elif after.isupper() and (prev.islower() or prev.isdigit()):
                    brk = not _is_abbreviation(text, i, seg_start, content_start)
        if brk:
            emit(seg_start, k)
            seg_start = k
            content_start = first_nonspace(k)
    emit(seg_start, n)
    return out
