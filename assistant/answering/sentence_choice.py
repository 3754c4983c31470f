"""Sentence choice: the retrieved sentences as answer candidates, best first, and which ones to quote."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering.extractive_config import ExtractiveConfig
from assistant.schema import Passage

__all__ = ["CandidateSentence", "answerable_threshold", "candidate_sentences", "within_margin"]


@dataclass(frozen=True)
class CandidateSentence:
    """A sentence at [start, end) of a passage's article, with its retrieval score."""

    passage: Passage
    start: int
    end: int
    score: float


def candidate_sentences(passages: Sequence[Passage]) -> list[CandidateSentence]:
    """Every scored sentence of the passages, best first."""
    return sorted(
        (CandidateSentence(p, s.start, s.end, s.score) for p in passages for s in p.sentences),
        key=lambda c: -c.score,
    )


def answerable_threshold(config: ExtractiveConfig, lang: str) -> float:
    """The best-sentence score below which the articles are taken not to answer."""
    if config.min_score is not None:
        return config.min_score
    return config.min_score_arabic if lang == "ar" else config.min_score_latin


def within_margin(
    candidates: Sequence[CandidateSentence], margin: float, limit: int | None = None
) -> list[CandidateSentence]:
    """The candidates scoring within ``margin`` of the best (at most ``limit``); ``candidates`` best first."""
    kept = [c for c in candidates if c.score >= candidates[0].score - margin]
    return kept if limit is None else kept[:limit]
