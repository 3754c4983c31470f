"""What a question asks for ('when', 'count', 'who', 'where', 'other') and the language it is in."""

from __future__ import annotations

import re

from assistant.answering.question_patterns import KIND_ORDER, QUESTION_PATTERNS

__all__ = ["question_language", "question_type"]

_COMPILED: dict[str, list[re.Pattern[str]]] = {
    kind: [re.compile(patterns[kind], re.I) for patterns in QUESTION_PATTERNS.values() if kind in patterns]
    for kind in KIND_ORDER
}


def question_language(question: str) -> str:
    """'ar' for a question written mostly in Arabic script, else 'en'."""
    from index.text import script_ratio

    return "ar" if script_ratio(question) >= 0.5 else "en"


def question_type(question: str) -> str:
    """'when', 'count', 'who', 'where' or 'other'."""
    q = question.strip()
    for kind in KIND_ORDER:
        if any(pattern.search(q) for pattern in _COMPILED[kind]):
            return kind
    return "other"
