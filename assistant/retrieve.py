"""Temporary shim: moved to assistant/retrieval/ (config.py, retriever.py, lexical.py); removed when the restructure branches are merged."""

from assistant.retrieval.config import RetrievalConfig
from assistant.retrieval.lexical import term_coverage
from assistant.retrieval.retriever import Retriever

__all__ = ["RetrievalConfig", "Retriever", "term_coverage"]
