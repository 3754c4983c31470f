"""The conversation's state: one Turn per question, the ChatView one chat step shows, its messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from assistant import Answer
from ui.render import render_answer_html, render_user_html

__all__ = ["ChatView", "Turn", "chat_messages", "llm_history"]


@dataclass
class Turn:
    """One question of the conversation and its final answer (None while it streams)."""

    question: str
    answer: Answer | None = None


class ChatView(NamedTuple):
    """What one step of the chat shows; ``error`` is a message for the user, or ''."""

    textbox: str
    messages: list[dict[str, str]]
    sources: str
    turns: list[Turn]
    status: str
    markdown: str
    download: str | None
    error: str = ""


def chat_messages(turns: Sequence[Turn], partial: str | None = None) -> list[dict[str, str]]:
    """The chat's messages as HTML; the last turn without an answer shows ``partial`` (streaming)."""
    out: list[dict[str, str]] = []
    for i, t in enumerate(turns, start=1):
        out.append({"role": "user", "content": render_user_html(t.question)})
        if t.answer is not None:
            out.append({"role": "assistant", "content": render_answer_html(t.answer.text, i, t.answer)})
        elif i == len(turns):
            out.append({"role": "assistant", "content": render_answer_html(partial or "", i, pending=True)})
    return out


def llm_history(turns: Sequence[Turn]) -> list[dict[str, str]]:
    """The answered turns as plain-text history for the Assistant (questions and answer texts)."""
    out: list[dict[str, str]] = []
    for t in turns:
        if t.answer is not None:
            out.append({"role": "user", "content": t.question})
            out.append({"role": "assistant", "content": t.answer.text})
    return out
