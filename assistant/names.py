"""Temporary shim: moved to assistant/retrieval/ (name_matcher.py, name_tokens.py); removed when the restructure branches are merged."""

from assistant.retrieval.name_matcher import NameMatcher
from assistant.retrieval.name_tokens import is_name_like, name_tokens

__all__ = ["NameMatcher", "is_name_like", "name_tokens"]
