"""Prompting: the numbered, delimited sources and the messages an LLM answerer sends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from llama_index.core.base.llms.types import ChatMessage, MessageRole

from assistant.answering.llm.guard import INJECTION_PLACEHOLDER, find_injections, neutralize
from assistant.answering.llm.replies import strip_markers
from assistant.schema import Passage
from prompts import load_prompt

__all__ = ["LANGUAGE_NAMES", "TODAY_NOTE", "answer_messages", "condense_prompt", "render_sources", "truncate"]

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "ru": "Russian",
    "tr": "Turkish",
    "fa": "Persian",
    "ur": "Urdu",
    "zh": "Chinese",
}
TODAY_NOTE = (
    "Today's date is not relevant: date every event from the publication date of the article that reports it."
)
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _header_field(value: str | None) -> str:
    return " ".join(neutralize(value or "").replace("|", "/").split()) or "unknown"


def _published_with_weekday(value: str | None) -> str:
    if not value:
        return "unknown"
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return _header_field(value)
    return f"{value[:10]} ({_WEEKDAYS[day.weekday()]})"


def truncate(text: str, max_chars: int) -> str:
    """``text`` cut to about ``max_chars`` at a space, with an ellipsis."""
    if len(text) <= max_chars:
        return text
    cut = text.rfind(" ", 0, max_chars)
    return text[: cut if cut > max_chars // 2 else max_chars] + " …"


def render_sources(passages: Sequence[Passage], *, max_chars: int = 3000) -> str:
    """The numbered, delimited sources of the prompt: source ``[n]`` is ``passages[n-1]``."""
    blocks = []
    for n, p in enumerate(passages, 1):
        text = p.text
        for s, e in reversed(find_injections(text)):
            text = text[:s] + INJECTION_PLACEHOLDER + text[e:]
        header = (
            f"<<<SOURCE [{n}] | outlet: {_header_field(p.source)} | published: {_published_with_weekday(p.published)}"
            f" | title: {_header_field(p.title)}>>>"
        )
        blocks.append(f"{header}\n{truncate(neutralize(text).strip(), max_chars)}\n<<<END SOURCE [{n}]>>>")
    return "\n\n".join(blocks)


def answer_messages(
    question: str, passages: Sequence[Passage], *, lang: str, max_chars_per_source: int
) -> list[ChatMessage]:
    """The system and user messages the model sees for ``question``."""
    language = LANGUAGE_NAMES.get(lang, lang)
    system = load_prompt("answer").render(language=language, today_note=TODAY_NOTE)
    user = load_prompt("sources").render(
        sources=render_sources(passages, max_chars=max_chars_per_source),
        question=" ".join(question.split()),
        language=language,
    )
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=system),
        ChatMessage(role=MessageRole.USER, content=user),
    ]


def condense_prompt(question: str, messages: Sequence[Mapping[str, str]]) -> str:
    """The prompt asking for ``question`` as a standalone question, given the last messages."""
    lines = []
    for m in list(messages)[-6:]:
        role = "User" if m.get("role") == "user" else "Assistant"
        content = " ".join(strip_markers(str(m.get("content") or "")).split())
        if content:
            lines.append(f"{role}: {truncate(content, 600)}")
    return load_prompt("condense").render(history="\n".join(lines), question=" ".join(question.split()))
