"""Follow-up questions made standalone: "and where?" after "When did Yevkurov meet Haftar?"
becomes "where did Yevkurov meet Haftar?". Rules here; an LLM does it when one is configured."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.answering.question_patterns import FOLLOW_UP_QUESTION_WORDS
from assistant.retrieval import name_tokens

__all__ = ["condense_rules", "last_user_questions", "normalize_history"]

_WH_EN = "(" + "|".join(FOLLOW_UP_QUESTION_WORDS["en"]) + ")"
_WH_AR = "(" + "|".join(FOLLOW_UP_QUESTION_WORDS["ar"]) + ")"
_BARE_EN = re.compile(rf"^\s*(and|but|so)?\s*(?P<wh>{_WH_EN})\b(?P<rest>[^?]*)\??\s*$", re.I)
_BARE_AR = re.compile(rf"^\s*و?\s*(?P<wh>{_WH_AR})(?P<rest>[^؟?]*)[؟?]?\s*$")
_LEAD_EN = re.compile(rf"^\s*{_WH_EN}\b", re.I)
_LEAD_AR = re.compile(rf"^\s*{_WH_AR}(?=\s)")
_PRONOUNS = re.compile(r"\b(he|she|they|him|her|them|it|his|their|there|that|this)\b", re.I)


def normalize_history(history: Sequence[Any] | None) -> list[dict[str, str]]:
    """OpenAI-style messages from what a caller passes: message dicts, or (user, bot) pairs."""
    out: list[dict[str, str]] = []
    for item in history or ():
        if isinstance(item, dict) and "role" in item:
            content = item.get("content")
            if isinstance(content, list):  # gradio may send [{"type": "text", "text": ...}]
                content = " ".join(str(c.get("text", "")) if isinstance(c, dict) else str(c) for c in content)
            out.append({"role": str(item["role"]), "content": str(content or "")})
        elif isinstance(item, list | tuple) and len(item) == 2:
            user, bot = item
            if user:
                out.append({"role": "user", "content": str(user)})
            if bot:
                out.append({"role": "assistant", "content": str(bot)})
        else:
            raise ValueError(
                f"history items must be {{'role', 'content'}} dicts or (user, assistant) pairs, got {item!r}"
            )
    return out


def last_user_questions(history: Sequence[dict[str, str]], n: int = 2) -> list[str]:
    return [m["content"] for m in history if m.get("role") == "user" and m.get("content")][-n:]


def condense_rules(question: str, history: Sequence[dict[str, str]]) -> str:
    """A standalone form of ``question`` built by rules; the question itself when it stands alone.

    - A bare follow-up ("and where?", "وأين؟", "who else?") takes the previous question and
      swaps its question word: "When did Yevkurov meet Haftar?" + "and where?" -> "where did
      Yevkurov meet Haftar?".
    - A follow-up that names no one but refers back ("when did he return?", "ومتى عاد؟") gets
      the names of the previous question appended, so retrieval finds the same people.
    Words of the follow-up (its dates included) are never dropped, and the question word stays
    in the follow-up's language.
    """
    previous = last_user_questions(history, 1)
    if not previous:
        return question
    prev = previous[0].strip()
    q = question.strip()
    arabic = bool(re.search(r"[\u0600-\u06FF]", q)) and not re.search(r"[A-Za-z]{3,}", q)
    bare = (_BARE_AR if arabic else _BARE_EN).match(q)
    prev_lead = (_LEAD_AR if arabic else _LEAD_EN).match(prev)
    if bare and len(bare.group("rest").split()) <= 1 and prev_lead:
        wh = bare.group("wh")
        rest = bare.group("rest").strip()
        body = prev[prev_lead.end() :].strip().rstrip("?؟").strip()
        mark = "؟" if arabic else "?"
        return f"{wh} {body}{(' ' + rest) if rest else ''}{mark}"
    own_names = name_tokens(q)
    prev_names = [n for n in name_tokens(prev) if n not in own_names]
    refers_back = len(q.split()) <= 6 or _PRONOUNS.search(q) or q.startswith("و")
    if prev_names and refers_back and not _has_rare_name(own_names):
        return f"{q} ({' '.join(prev_names)})"
    return question


def _has_rare_name(tokens: Sequence[str]) -> bool:
    from assistant.retrieval import is_name_like

    return any(is_name_like(t) for t in tokens)
