"""Answering side of the news assistant: cross-lingual retrieval, grounded answers, checked citations.

>>> from assistant import Assistant
>>> bot = Assistant.open("my-index")
>>> bot.ask("When did Yevkurov meet Haftar?").text
"""

from __future__ import annotations

from assistant.chat import Assistant
from assistant.errors import AssistantError, EmptyQuestionError, LLMConfigError, LLMUnavailableError
from assistant.schema import Answer, Citation, Passage, SentenceSpan
from index import AddReport, ArticleInfo, IndexingError, IndexStats, SearchFilters
from index.readers import KNOWN_EXTENSIONS as ARTICLE_FILE_SUFFIXES

__all__ = [
    "ARTICLE_FILE_SUFFIXES",
    "AddReport",
    "Answer",
    "ArticleInfo",
    "Assistant",
    "AssistantError",
    "Citation",
    "EmptyQuestionError",
    "IndexStats",
    "IndexingError",
    "LLMConfigError",
    "LLMUnavailableError",
    "Passage",
    "SearchFilters",
    "SentenceSpan",
]
