"""Answering: question types, the extractive answerer, drafts and the citation check (LLMs in ``llm``).

``assistant.answering.llm`` (the LLM answerers) is not imported here: it loads llama-index.
"""

from __future__ import annotations

from assistant.answering.citation_check import SUPPORT_THRESHOLD, Verified, support_score, verify
from assistant.answering.draft import Answerer, Draft, PinnedSpan, split_claims
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.extractive_config import ExtractiveConfig
from assistant.answering.question_types import question_language, question_type

__all__ = [
    "SUPPORT_THRESHOLD",
    "Answerer",
    "Draft",
    "ExtractiveAnswerer",
    "ExtractiveConfig",
    "PinnedSpan",
    "Verified",
    "question_language",
    "question_type",
    "split_claims",
    "support_score",
    "verify",
]
