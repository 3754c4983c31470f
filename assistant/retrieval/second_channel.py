"""The second-encoder channel: candidates ranked, and the answer's sentences re-scored, under USE."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.retrieval.config import RetrievalConfig
from assistant.retrieval.dense import sentence_text
from assistant.retrieval.lexical import term_coverage
from assistant.retrieval.second_encoder import SecondEncoder
from assistant.schema import SentenceSpan
from index import StoredChunk
from index.text import split_sentences

__all__ = ["other_script_share", "second_encoder_order", "second_encoder_sentence_scores"]


def other_script_share(script: str, chunks: Sequence[StoredChunk]) -> float:
    """The share of ``chunks`` written in the other script than a question in ``script``."""
    if not chunks:
        return 0.0
    other = sum(1 for c in chunks if (c.lang == "ar") != (script == "ar"))
    return other / len(chunks)


def second_encoder_order(
    second: SecondEncoder,
    config: RetrievalConfig,
    question: str,
    chunks: Sequence[StoredChunk],
    groups: Sequence[Sequence[str]] = (),
) -> list[str]:
    """Candidate chunk ids ordered by their best sentence under the second encoder: its cosine
    with the question plus ``second_order_term_weight`` x its term coverage (ties keep the
    fused order)."""
    owners: list[int] = []
    texts: list[str] = []
    for i, c in enumerate(chunks):
        for s, e in split_sentences(c.text):
            owners.append(i)
            texts.append(c.text[s:e])
    best = np.full(len(chunks), -2.0)
    if texts:
        vectors = second.encode([question, *texts])
        scores = vectors[1:] @ vectors[0]
        if config.second_order_term_weight:
            scores = scores + config.second_order_term_weight * term_coverage(
                second, question, texts, groups, config.second_term_range
            )
        np.maximum.at(best, np.asarray(owners), scores)
    order = sorted(range(len(chunks)), key=lambda i: -best[i])
    return [chunks[i].id for i in order]


def second_encoder_sentence_scores(
    second: SecondEncoder,
    config: RetrievalConfig,
    question: str,
    chunks: Sequence[StoredChunk],
    sentences: dict[str, tuple[SentenceSpan, ...]],
    groups: Sequence[Sequence[str]] = (),
) -> dict[str, tuple[SentenceSpan, ...]]:
    """The sentences of ``chunks`` re-scored for the answer: e5 score + weight x second-encoder
    cosine + weight x cross-lingual term coverage, shifted so that the best of them equals the
    best e5 score (see RetrievalConfig)."""
    spans = [(c.id, s) for c in chunks for s in sentences.get(c.id, ())]
    if not spans:
        return sentences
    texts = [sentence_text(chunks, cid, s.start, s.end) for cid, s in spans]
    e5 = np.array([s.score for _, s in spans])
    combined = e5.copy()
    if config.second_sentence_weight:
        vectors = second.encode([question, *texts])
        combined += config.second_sentence_weight * (vectors[1:] @ vectors[0])
    if config.second_term_weight:
        combined += config.second_term_weight * term_coverage(
            second, question, texts, groups, config.second_term_range
        )
    combined += e5.max() - combined.max()
    out = dict(sentences)
    rescored: dict[str, list[SentenceSpan]] = {c.id: [] for c in chunks}
    for (cid, s), score in zip(spans, combined, strict=True):
        rescored[cid].append(SentenceSpan(s.start, s.end, round(float(score), 6)))
    out.update({cid: tuple(v) for cid, v in rescored.items()})
    return out
