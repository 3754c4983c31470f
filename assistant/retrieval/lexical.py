"""The lexical side of retrieval: query term groups (with names' spellings), content words, term coverage."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from assistant.retrieval.name_matcher import NameMatcher
from assistant.retrieval.name_tokens import name_tokens
from assistant.retrieval.second_encoder import SecondEncoder
from index.text import surface_tokens, tokenize

__all__ = [
    "content_words",
    "held_group_count",
    "is_content_word",
    "query_term_groups",
    "surface_vocabulary",
    "term_coverage",
    "term_group_key",
]


def surface_vocabulary(texts: Iterable[tuple[str, str]]) -> Counter[str]:
    """Document frequency of every surface word (no stemming) in ``(id, text)`` pairs."""
    df: Counter[str] = Counter()
    for _id, text in texts:
        df.update({word for word, _s, _e in surface_tokens(text)})
    return df


def content_words(text: str) -> list[str]:
    """The surface words of ``text`` that carry meaning (those :func:`index.text.tokenize` keeps),
    in order, each once."""
    return list(dict.fromkeys(w for w, _, _ in surface_tokens(text) if is_content_word(w)))


@functools.lru_cache(maxsize=65_536)
def is_content_word(word: str) -> bool:
    """True when ``word`` gives a lexical term (not a stop word such as "في" or "the")."""
    return bool(tokenize(word))


def term_group_key(word: str) -> str:
    """The key of ``word``'s group in :func:`query_term_groups`: its first lexical term."""
    return (tokenize(word) or [word.lower()])[0]


def query_term_groups(
    question: str, matcher: NameMatcher, *, limit: int, min_score: float
) -> list[list[str]]:
    """Lexical query: one group per question term, holding the term and its spelling variants
    (an English name gives its Arabic spellings found by ``matcher``, at most ``limit`` of them
    scoring ``min_score`` or more)."""
    groups: dict[str, list[str]] = {}
    for term in tokenize(question):
        groups.setdefault(term, [term])
    for token in name_tokens(question):
        found = matcher.expand(token, limit=limit, min_score=min_score)
        key = term_group_key(token)
        group = groups.setdefault(key, [key])
        for word, _score in found:
            for variant in tokenize(word) or [word]:
                if variant not in group:
                    group.append(variant)
    return list(groups.values())


def held_group_count(text: str, groups: Sequence[Sequence[str]]) -> int:
    """How many of the term groups ``text`` holds (any spelling variant of the group's term)."""
    terms = set(tokenize(text))
    return sum(1 for group in groups if terms.intersection(group))


def term_coverage(
    second: SecondEncoder,
    question: str,
    texts: Sequence[str],
    groups: Sequence[Sequence[str]] = (),
    span: tuple[float, float] = (0.4, 0.7),
) -> np.ndarray:
    """For each text, the mean over the question's content words of how well the text holds the
    word, in 0..1: 1 when one of the word's lexical terms or spelling variants (``groups``, as from
    :meth:`Retriever.query_terms`) is among the text's terms, else the best cosine between the word
    and a content word of the text under ``second`` (a multilingual encoder: a word and its
    translation score high), mapped linearly from ``span`` to 0..1. Zeros when the question has
    no content word."""
    words = content_words(question)
    out = np.zeros(len(texts))
    if not words or not texts:
        return out
    variants = {g[0]: set(g) for g in groups if g}
    keys = [term_group_key(w) for w in words]
    per_text = [content_words(t) for t in texts]
    vocab = list(dict.fromkeys(w for ws in per_text for w in ws))
    sims = np.zeros((len(words), 0))
    if vocab:
        vectors = second.encode([*words, *vocab])
        sims = vectors[: len(words)] @ vectors[len(words) :].T  # question word x text word
    column = {w: i for i, w in enumerate(vocab)}
    lo, hi = span
    for i, (text, text_words) in enumerate(zip(texts, per_text, strict=True)):
        terms = set(tokenize(text))
        held = np.array([bool(variants.get(k, {k}) & terms) for k in keys], dtype=float)
        if text_words:
            best = sims[:, [column[w] for w in text_words]].max(axis=1)
            held = np.maximum(held, np.clip((best - lo) / (hi - lo), 0.0, 1.0))
        out[i] = held.mean()
    return out
