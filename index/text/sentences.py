"""Cut a text into sentence spans (Arabic punctuation, abbreviations, decimals, URLs, e-mails)."""

from __future__ import annotations

import re
import unicodedata

from index.text.scripts import is_arabic_char

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
                if is_arabic_char(after) or is_arabic_char(prev):
                    brk = not _is_abbreviation(text, i, seg_start, content_start)
                elif after.isupper() and (prev.islower() or prev.isdigit()):
                    brk = not _is_abbreviation(text, i, seg_start, content_start)
        if brk:
            emit(seg_start, k)
            seg_start = k
            content_start = first_nonspace(k)
    emit(seg_start, n)
    return out
