"""Reply parsing: a model's reply without its reasoning, markers written ``[n]``, refusals recognised."""

from __future__ import annotations

import re

from assistant.answering.question_types import question_language

__all__ = ["NOT_ANSWERABLE", "clean_reply", "condense_problem", "first_line", "is_refusal", "strip_markers"]

NOT_ANSWERABLE = "NOT_ANSWERABLE"
_THINK_BLOCK = re.compile(r"(?is)<(think|thinking|reasoning)>.*?</\1>")
_THINK_OPEN = re.compile(r"(?is)<(think|thinking|reasoning)>.*")
_THINK_CLOSE = re.compile(r"(?is)^.*</(think|thinking|reasoning)>")
_ARABIC_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹０１２３４５６７８９", "012345678901234567890123456789")
# What models write for citations: [1], [1, 2], [Source 1], 【1】, [١].
_REPLY_MARKER = re.compile(
    r"[\[［【]\s*(?:(?:source|src|المصدر|مصدر)\s*)?(\d+(?:\s*(?:,|،|;|and|و)\s*\d+)*)\s*[\]］】]", re.I
)
_MARKER_WITH_SPACE = re.compile(r"\s*" + _REPLY_MARKER.pattern, re.I)
# A run of markers placed after the sentence's final punctuation moves before it.
_MARKERS_AFTER_STOP = re.compile(r"(?<=\S)\s*([.!?؟。])((?:\s*\[\d{1,3}\])+)")
_LEADING_LABEL = re.compile(r"^\s*(answer|réponse|الإجابة|الجواب)\s*[:：]\s*", re.I)
_REFUSAL = re.compile(
    r"(?i)\b(do(es)?\s+not|don't|doesn't|cannot|can't|unable\s+to)\s+(answer|contain|mention|say|provide|"
    r"include|specify|state|determine|find)\b|\bno\s+(information|mention)\b|\bnot\s+(answerable|mentioned|specified)\b"
    r"|لا\s+(تجيب|تذكر|تتضمن|تحتوي|تحدد|يمكن|توجد|يوجد)|لم\s+(تذكر|يذكر|ترد|يرد)"
)


def clean_reply(text: str) -> str:
    """A model's reply with its reasoning removed and its citation markers written ``[n]``."""
    text = _THINK_BLOCK.sub("", text)
    text = _THINK_CLOSE.sub("", text)  # a template that opened <think> in the prompt
    text = _THINK_OPEN.sub("", text)  # reasoning that never finished
    text = _LEADING_LABEL.sub("", text.strip())

    def marker(m: re.Match[str]) -> str:
        numbers = re.split(r"\s*(?:,|،|;|and|و)\s*", m.group(1).translate(_ARABIC_INDIC))
        return "".join(f"[{int(x)}]" for x in numbers if x.isdigit())

    text = _REPLY_MARKER.sub(marker, text)
    text = _MARKERS_AFTER_STOP.sub(lambda m: " " + m.group(2).strip() + m.group(1), text)
    return text.strip()


def is_refusal(text: str) -> bool:
    if not text or NOT_ANSWERABLE in text.upper().replace(" ", "_"):
        return True
    return "[" not in text and bool(_REFUSAL.search(text))


def strip_markers(text: str) -> str:
    """``text`` without its citation markers (and the spaces before them)."""
    return _MARKER_WITH_SPACE.sub("", text)


def first_line(text: str) -> str:
    for line in text.splitlines():
        line = re.sub(
            r"^\s*(standalone question|rewritten question|question|السؤال)\s*[:：]\s*", "", line, flags=re.I
        )
        line = line.strip().strip("\"'“”«»").strip()
        if line:
            return line
    return ""


def condense_problem(question: str, out: str) -> str | None:
    if not out:
        return "empty"
    if NOT_ANSWERABLE in out.upper():
        return "refusal"
    if question_language(out) != question_language(question):
        return "wrong script"
    if len(out) > 4 * len(question) + 300:
        return "too long"
    numbers = re.findall(r"\d+", question.translate(_ARABIC_INDIC))
    have = set(re.findall(r"\d+", out.translate(_ARABIC_INDIC)))
    if any(x not in have for x in numbers):
        return "dropped a number or date"
    return None
