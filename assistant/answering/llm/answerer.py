"""The LLM answerer: asks a llama-index LLM from numbered, delimited sources and returns a ``Draft``."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence

from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.llms import LLM

from assistant.answering.draft import Draft, split_claims
from assistant.answering.follow_ups import condense_rules
from assistant.answering.llm.guard import drop_injected_support
from assistant.answering.llm.prompting import answer_messages, condense_prompt
from assistant.answering.llm.replies import (
    NOT_ANSWERABLE,
    clean_reply,
    condense_problem,
    first_line,
    is_refusal,
)
from assistant.schema import Passage
from prompts import load_sections

__all__ = ["LLMAnswerer"]

logger = logging.getLogger(__name__)


def _not_found(lang: str) -> str:
    return load_sections(f"extractive_{'ar' if lang == 'ar' else 'en'}")["not_found"].render()


class LLMAnswerer:
    """Answers with a llama-index LLM from numbered, delimited sources; see the module docstring."""

    def __init__(self, llm: LLM, *, name: str | None = None, max_chars_per_source: int = 3000) -> None:
        self.llm = llm
        model = getattr(llm.metadata, "model_name", "") or ""
        self.name = name or f"llm:{model if model and model != 'unknown' else llm.class_name()}"
        self.max_chars_per_source = max_chars_per_source

    def __repr__(self) -> str:
        return f"LLMAnswerer({self.name!r})"

    # ------------------------------------------------------------------ prompts
    def messages(self, question: str, passages: Sequence[Passage], *, lang: str) -> list[ChatMessage]:
        """The system and user messages the model sees for ``question``."""
        return answer_messages(question, passages, lang=lang, max_chars_per_source=self.max_chars_per_source)

    # ------------------------------------------------------------------ answering
    def draft(
        self, question: str, passages: Sequence[Passage], *, lang: str, articles: Mapping[str, str]
    ) -> Draft:
        if not passages:
            return Draft(_not_found(lang), answerable=False)
        reply = self.llm.chat(self.messages(question, passages, lang=lang))
        return self._to_draft(reply.message.content or "", passages, lang)

    def stream_draft(
        self, question: str, passages: Sequence[Passage], *, lang: str, articles: Mapping[str, str]
    ) -> Iterator[str | Draft]:
        """Yield the answer text as it grows (reasoning hidden), then the :class:`Draft`."""
        if not passages:
            yield Draft(_not_found(lang), answerable=False)
            return
        raw, shown = "", ""
        for chunk in self.llm.stream_chat(self.messages(question, passages, lang=lang)):
            raw = raw + chunk.delta if chunk.delta is not None else (chunk.message.content or raw)
            visible = clean_reply(raw)
            # Hold back a reply that may be becoming NOT_ANSWERABLE, and unchanged text.
            if visible and visible != shown and not NOT_ANSWERABLE.startswith(visible.upper()):
                shown = visible
                yield visible
        yield self._to_draft(raw, passages, lang)

    def _to_draft(self, raw: str, passages: Sequence[Passage], lang: str) -> Draft:
        text = clean_reply(raw)
        if is_refusal(text):
            logger.info("%s: the model found no answer in %d sources", self.name, len(passages))
            return Draft(_not_found(lang), answerable=False)
        claims = [drop_injected_support(c, passages) for c in split_claims(text)]
        return Draft(" ".join(claims), claims=claims)

    # ------------------------------------------------------------------ follow-ups
    def condense(self, question: str, messages: Sequence[Mapping[str, str]]) -> str:
        """The follow-up ``question`` as a standalone question in its own language (rules as fallback)."""
        prompt = condense_prompt(question, messages)
        reply = self.llm.chat([ChatMessage(role=MessageRole.USER, content=prompt)])
        out = first_line(clean_reply(reply.message.content or ""))
        problem = condense_problem(question, out)
        if problem:
            logger.info("%s: condensed question rejected (%s: %r); using rules", self.name, problem, out)
            return condense_rules(question, messages)
        return out
