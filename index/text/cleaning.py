"""Clean article text before it is indexed: the cleaned text is what citations quote.

``clean_text`` is deterministic and idempotent (``clean_text(clean_text(x)) == clean_text(x)``)
and runs in time linear in the length of its input. What it does, in order:

1. Line breaks: ``\\r\\n``, ``\\r``, vertical tab, form feed, U+0085, U+2028 and U+2029 become ``\\n``.
2. Invisible characters: control characters (except ``\\n``; a tab becomes a space), format
   characters (zero-width space/joiners, bidi marks and embeddings, soft hyphen, BOM, ...) and
   lone surrogates are removed, except that a zero-width space or a bidi mark standing alone
   between two words (as some sites use it) becomes a space.
3. Unicode NFC.
4. Spaces: every run of spaces, tabs and other Unicode spaces (no-break, thin, ideographic, ...)
   becomes one ASCII space; lines are stripped. Paragraphs are kept: consecutive blank lines
   collapse to **one blank line** (so the text holds at most ``\\n\\n`` in a row), and the text
   has no leading or trailing whitespace.
5. Glued sentences: a missing space after ``.``, ``!``, ``?`` or ``؟`` that ends a word of at
   least two letters (or a number) and is followed by an Arabic letter, or by a capital Latin
   letter followed by a lower-case letter, is inserted (``الصراع.وجاء`` -> ``الصراع. وجاء``,
   ``end.The`` -> ``end. The``). Numbers (``3.5``), one-letter abbreviations (``U.S.``, ``د.محمد``),
   URLs, e-mail addresses and domain names (``Example.Com``) are left alone.
6. Page boilerplate: whole lines at the start or the end of the text that are only page furniture
   ("تعليقات الزوار", "لا تعليقات", "Share this article", "Comments (3)", "Advertisement",
   cookie banners, "All rights reserved" lines, ...) are removed. Lines in the middle are kept.
"""

from __future__ import annotations

import re
import unicodedata

from index.text.boilerplate_phrases import BOILERPLATE_PHRASES

__all__ = ["clean_text", "is_boilerplate_line"]

# Control characters (a tab is turned into a space first; line breaks are split on before),
# Unicode format characters (category Cf as of Unicode 14) and lone surrogates.
_INVISIBLE_CLASS = (
    "[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
_INVISIBLE_RUN = re.compile(_INVISIBLE_CLASS + "+")
# Invisible characters that some sites put where a space belongs ("مع\u200bاستمرار"): a run of
# invisible characters holding one of them, between two word characters, becomes a space.
_SEPARATING_INVISIBLES = frozenset("\u200b\u200e\u200f\u061c")
_WORD_BEFORE = re.compile("[\\w\u0300-\u036f\u064b-\u065f\u0670]")
_WORD_AFTER = re.compile("\\w")


def _replace_invisible_run(match: re.Match[str]) -> str:
    run, line = match.group(), match.string
    start, end = match.span()
    if (
        _SEPARATING_INVISIBLES.intersection(run)
        and start > 0
        and end < len(line)
        and _WORD_BEFORE.match(line, start - 1)
        and _WORD_AFTER.match(line, end)
    ):
        return " "
    return ""


def _remove_invisible(line: str) -> str:
    """Drop invisible characters from one line (no line breaks in it)."""
    if line.isprintable():  # fast path: no control, format or non-ASCII space character
        return line
    return _INVISIBLE_RUN.sub(_replace_invisible_run, line.replace("\t", " "))


def _tidy_lines(text: str) -> str:
    """One space between words, stripped lines, at most one blank line in a row, no blank edges."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if line:
            out.append(line)
        elif out and out[-1]:
            out.append("")
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


# --- glued sentences ---------------------------------------------------------------------

# A sentence-final mark directly followed by a letter: the candidates for a missing space.
_GLUE_CANDIDATE = re.compile(r"[.!?؟](?=[^\W\d_])")
_WHITESPACE = re.compile(r"\s")
_PROTECTED_TOKEN = re.compile(
    r"://|@|(?<![\w.])www\.|"
    r"\.(?:com|org|net|gov|edu|int|mil|info|biz|io|co|tv|news|uk|us|fr|de|ru|ly|tn|dz|ma|eg|sa|ae|qa"
    r"|kw|bh|om|jo|lb|sy|iq|ps|sd|ye|tr|ir)(?![\w-])",
    re.IGNORECASE,
)


def _is_arabic_letter(ch: str) -> bool:
    cp = ord(ch)
    in_block = (
        0x0600 <= cp <= 0x06FF
        or 0x0750 <= cp <= 0x077F
        or 0x08A0 <= cp <= 0x08FF
        or 0xFB50 <= cp <= 0xFDFF
        or 0xFE70 <= cp <= 0xFEFF
    )
    return in_block and unicodedata.category(ch).startswith("L")


def _left_kind(text: str, pos: int, token_start: int) -> str:
    """What ends just before ``pos``: "word" (2+ letters), "number", or "other"."""
    letters = 0
    i = pos - 1
    while i >= token_start:
        ch = text[i]
        cat = unicodedata.category(ch)
        if cat.startswith("L"):
            letters += 1
        elif not cat.startswith("M"):
            break
        i -= 1
    if letters >= 2:
        return "word"
    if letters == 0 and pos - 1 >= token_start and text[pos - 1].isdigit():
        return "number"
    return "other"


def _starts_sentence(text: str, pos: int) -> bool:
    """Whether the character at ``pos`` looks like the start of a new sentence."""
    ch = text[pos]
    if _is_arabic_letter(ch):
        return True
    if ch.isupper() and pos + 1 < len(text):
        return text[pos + 1].islower()
    return False


def _fix_glued_sentences(text: str) -> str:
    pieces: list[str] = []
    last = 0
    token_start = token_end = 0
    protected = False
    for match in _GLUE_CANDIDATE.finditer(text):
        pos = match.start()
        if pos >= token_end:
            # Bounds of the whitespace-delimited token around ``pos``; searching back only to the
            # previous token's end keeps the whole pass linear.
            token_start = max(text.rfind(" ", token_end, pos), text.rfind("\n", token_end, pos)) + 1
            token_start = max(token_start, token_end)
            ws = _WHITESPACE.search(text, pos)
            token_end = ws.start() if ws else len(text)
            protected = _PROTECTED_TOKEN.search(text, token_start, token_end) is not None
        if protected or not _starts_sentence(text, pos + 1):
            continue
        if _left_kind(text, pos, token_start) == "other":
            continue
        pieces.append(text[last : pos + 1])
        pieces.append(" ")
        last = pos + 1
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


# --- boilerplate lines ---------------------------------------------------------------------

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_NON_LETTERS = re.compile(r"[\W\d_]+")


def _line_key(line: str) -> str:
    """A line reduced to its words: lower case, no Arabic diacritics, no digits or punctuation."""
    key = _ARABIC_MARKS.sub("", line.casefold())
    key = key.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ى", "ي")
    return " ".join(_NON_LETTERS.sub(" ", key).split())


_BOILERPLATE_KEYS = frozenset(_line_key(p) for p in BOILERPLATE_PHRASES)
_COOKIE_LINE = re.compile(
    r"cookie.*(?:we use|uses|accept|consent|polic|settings|preferences|agree)"
    r"|(?:we use|uses|accept|consent|agree).*cookie"
    r"|ملفات تعريف الارتباط|ملفات الكوكيز",
    re.IGNORECASE,
)
_COPYRIGHT_LINE = re.compile(r"^(?:©|\(c\)|copyright\b|جميع الحقوق محفوظة)", re.IGNORECASE)
_MAX_BOILERPLATE_LINE = 300


def is_boilerplate_line(line: str) -> bool:
    """Whether a whole line is page furniture (comments header, share buttons, cookie banner, ...)."""
    line = line.strip()
    if not line or len(line) > _MAX_BOILERPLATE_LINE:
        return False
    if _line_key(line) in _BOILERPLATE_KEYS:
        return True
    if _COOKIE_LINE.search(line):
        return True
    return len(line) <= 150 and _COPYRIGHT_LINE.search(line) is not None


def _strip_boilerplate(text: str) -> str:
    lines = text.split("\n")
    start, end = 0, len(lines)
    while start < end and (not lines[start] or is_boilerplate_line(lines[start])):
        start += 1
    while end > start and (not lines[end - 1] or is_boilerplate_line(lines[end - 1])):
        end -= 1
    if start == 0 and end == len(lines):
        return text
    return "\n".join(lines[start:end])


# --- entry point ---------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Return ``text`` cleaned for indexing and quoting (see the module docstring for the rules)."""
    if not isinstance(text, str):
        raise TypeError(f"clean_text expected a str, got {type(text).__name__}")
    # str.splitlines splits on \r\n, \r, \v, \f, \x1c-\x1e, \x85, U+2028 and U+2029 as well as \n.
    text = "\n".join(_remove_invisible(line) for line in text.splitlines())
    text = unicodedata.normalize("NFC", text)
    text = _tidy_lines(text)
    text = _fix_glued_sentences(text)
    text = _strip_boilerplate(text)
    return text
