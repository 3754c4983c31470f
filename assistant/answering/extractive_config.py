"""Thresholds and weights of the built-in extractive answerer, calibrated on the dev sets."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ExtractiveConfig"]


@dataclass(frozen=True)
class ExtractiveConfig:
    """``min_score*``: below this best-sentence score (cosine plus the question-term bonus) the
    articles are taken not to answer; calibrated per question script on the dev sets (see
    benchmarks/RESULTS.md), since cross-lingual similarities run lower. (For a question on text in
    the other script, the retriever orders sentences with the second encoder's help but keeps the
    best score on this e5 scale: ``RetrievalConfig.second_sentence_weight``.) ``also_margin``: a second cited
    sentence must score within this margin of the best one. ``common_zipf``: Latin capitalised
    words more frequent than this in English (wordfreq Zipf scale) are treated as common words,
    rarer ones as names that the articles must mention. ``name_translation_score``: such a name
    also counts as mentioned when a word of the retrieved passages is this close to it under the
    cross-lingual ``translation`` similarity (the top of ``RetrievalConfig.second_term_range``).

    "Who" and "where" answers lead with a name of the best sentence (:func:`assistant.answering.slots.name_slot`):
    ``kind_weight`` weighs how well a name fits the question (a person, a place), ``gap_weight``
    is taken off per word between it and the nearest word of the question, a name fitting less
    than ``name_min_kind`` is no candidate, and the best must lead the next by ``name_margin``."""

    min_score: float | None = None  # one threshold for every question (tests); else by script:
    min_score_arabic: float = 0.82  # 1st percentile of answerable Arabic XQuAD questions: 0.833
    min_score_latin: float = 0.755  # English -> Arabic cosines run lower: 1st percentile 0.757
    also_margin: float = 0.03
    max_sentences: int = 2
    slot_margin: float = 0.06
    slot_sentences: int = 8
    window_words: int = 8
    common_zipf: float = 4.5
    name_match_score: float = 0.45
    name_translation_score: float = 0.7
    # "Who"/"where": benchmarks/who_where.py, XQuAD who and where questions (see RESULTS.md).
    kind_weight: float = 0.3
    gap_weight: float = 0.03
    name_min_kind: float = 0.5
    name_margin: float = 0.03
