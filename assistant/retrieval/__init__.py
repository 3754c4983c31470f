"""Retrieval: dense and lexical channels, names across scripts, the second encoder, fusion, the Retriever."""

from assistant.retrieval.arabic_forms import is_arabic_word
from assistant.retrieval.config import RetrievalConfig, question_script
from assistant.retrieval.lexical import content_words, surface_vocabulary, term_coverage
from assistant.retrieval.name_matcher import NameMatcher
from assistant.retrieval.name_probe import PROBE_FILE, NameProbe, NameSpan, name_spans
from assistant.retrieval.name_tokens import is_name_like, name_tokens
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.second_encoder import SecondEncoder, load_usem3, shared_second_encoder

__all__ = [
    "PROBE_FILE",
    "NameMatcher",
    "NameProbe",
    "NameSpan",
    "RetrievalConfig",
    "Retriever",
    "SecondEncoder",
    "content_words",
    "is_arabic_word",
    "is_name_like",
    "load_usem3",
    "name_spans",
    "name_tokens",
    "question_script",
    "shared_second_encoder",
    "surface_vocabulary",
    "term_coverage",
]
