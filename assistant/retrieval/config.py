"""Retrieval knobs (RetrievalConfig, tuned on the dev sets) and the question script that picks the weights."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.text import script_ratio

__all__ = ["RetrievalConfig", "question_script"]


def question_script(question: str) -> str:
    """'ar' for a question written mostly in Arabic script, else 'latin'."""
    return "ar" if script_ratio(question) >= 0.5 else "latin"


@dataclass(frozen=True)
class RetrievalConfig:
    """Retrieval knobs; the defaults were chosen on the dev sets (benchmarks/RESULTS.md).

    ``weights`` gives, per question script, the RRF weight of each channel: ``dense`` (the
    embedding model), ``lexical`` (BM25 over normalised, light-stemmed terms plus name
    variants), ``sentence`` (the best sentence of a candidate chunk against the question) and
    ``second`` (the best sentence's cosine under the second encoder, multilingual USE, ranking the
    ``second_k`` best fused candidates; only when at least ``second_min_share`` of them are in the
    other script than the question). ``second_encoder=False`` turns that channel off.

    ``second_sentence_weight``: when the second encoder ran for a question, the returned passages'
    sentence scores (which the extractive answerer orders, and quotes the best of) become the e5
    score plus this weight times the sentence's second-encoder cosine, shifted so that the best
    sentence keeps the best e5 score: the answerer's abstention thresholds, calibrated on e5
    scores, keep their meaning. 0 keeps the e5 scores.

    ``second_term_weight``: on the same occasion, plus this weight times the sentence's
    cross-lingual term coverage (:func:`assistant.retrieval.lexical.term_coverage`): the mean, over
    the question's content words, of how well the sentence holds each one (1 for an exact match or a
    name's spelling variant; otherwise the best second-encoder cosine between the word and a word of the sentence,
    mapped linearly from ``second_term_range`` to 0..1). USE's word vectors work as a bilingual
    lexicon (spokesman ~ للمتحدث 0.84, statement ~ بيان 0.90, about 0.5 for unrelated words);
    e5's do not (0.8-0.9 for any pair). 0 turns it off.

    ``second_order_term_weight``: the ``second`` channel ranks each candidate by its best sentence's
    second-encoder cosine plus this weight times that sentence's term coverage. 0 ranks by the
    cosine alone.

    ``name_threshold``: the name probe's score from which a word counts as part of a name
    (:func:`assistant.retrieval.name_probe.name_spans`); ``name_held_cosine``: a sentence word this
    close to a question word under the second encoder is taken as the question's own (not a new name).
    """

    dense_k: int = 40
    lexical_k: int = 40
    rrf_k: int = 60
    rerank_top: int = 8
    sentence_term_bonus: float = 0.06
    name_limit: int = 4
    name_min_score: float = 0.62
    second_encoder: bool = True
    second_k: int = 20
    second_min_share: float = 0.5
    # XQuAD en->ar, the answer's first cited sentence holds a gold answer: tuned on half the questions
    # (split by paragraph), on the other half 0.514 -> 0.555; USE alone (0.45) is worse than e5.
    second_sentence_weight: float = 0.2
    # Same measure, same halves, through Assistant.ask: 0.590 -> 0.660 on A, 0.555 -> 0.652 on B (held
    # out). Chosen on A in an offline replay: 0.70-0.71 for weights 0.12-0.4 and ranges from
    # 0.3-0.8 to 0.45-0.65, a plateau. benchmarks/RESULTS.md.
    second_term_weight: float = 0.3
    second_term_range: tuple[float, float] = (0.4, 0.7)
    # XQuAD en->ar MRR@10 0.904 -> 0.919 on A (best of 0.3-1.5), 0.897 -> 0.911 on B (held out).
    second_order_term_weight: float = 1.0
    name_threshold: float = 0.7
    name_held_cosine: float = 0.6
    weights: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            # Measured on 300 XQuAD questions per language (benchmarks/RESULTS.md): the lexical
            # channel helps Arabic questions; for English ones it only carries names across
            # scripts, and weighs little, while the sentence channel helps both. The second
            # encoder helps English questions on Arabic text (MRR 0.866 -> 0.901 on all 1,190,
            # held out 2-fold), not Arabic ones (0.956 either way): benchmarks/fusion.py.
            "ar": {"dense": 1.0, "lexical": 0.6, "sentence": 1.5},
            "latin": {"dense": 1.0, "lexical": 0.2, "sentence": 2.0, "second": 1.5},
        }
    )
