"""Slot extraction: the answer value of a "when", "how many", "who" or "where" question, from sentences.

A slot is a candidate value (a date, a number, a name) at [start, end) of a candidate sentence.
Slots are ranked by how well the words around each one match the question.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from assistant.answering.extractive_config import ExtractiveConfig
from assistant.answering.question_patterns import LOCATIVE_WORDS
from assistant.answering.sentence_choice import CandidateSentence
from assistant.dates import find_dates, format_date
from assistant.retrieval import NameSpan
from index.text import tokenize

__all__ = [
    "AnswerSlot",
    "choose_dates",
    "date_slots",
    "name_slot",
    "number_slots",
    "publication_date",
    "rank_slots",
]

Scorer = Callable[[str, list[str]], list[float]]
TermGroups = Callable[[str], list[list[str]]]
NameFinder = Callable[[str, str], list[NameSpan] | None]
RankedSlots = list[tuple[float, "AnswerSlot"]]

_LOCATIVE = frozenset(word for words in LOCATIVE_WORDS.values() for word in words)
_NUMBER = re.compile(r"(?<![\w.,٫])\d[\d,.٫٬]*\d(?![\w])|(?<![\w.,٫])\d(?![\w.,])")
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_GRANULARITY_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


@dataclass(frozen=True)
class AnswerSlot:
    """A candidate answer value (a date, a number, a name) at [start, end) of a candidate sentence."""

    candidate: CandidateSentence
    start: int  # offsets inside the sentence
    end: int
    value: str
    specificity: int

    def surface(self, articles: Mapping[str, str]) -> str:
        c = self.candidate
        return articles[c.passage.article_id][c.start + self.start : c.start + self.end]

    def window(self, articles: Mapping[str, str], words: int) -> str:
        c = self.candidate
        sentence = articles[c.passage.article_id][c.start : c.end]
        before = sentence[: self.start].split()[-words:]
        after = sentence[self.end :].split()[:words]
        return " ".join([*before, sentence[self.start : self.end], *after])


def publication_date(published: str | None) -> dt.date | None:
    """The day of an ISO publication timestamp, or None."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def _sentence_text(c: CandidateSentence, articles: Mapping[str, str]) -> str:
    return articles[c.passage.article_id][c.start : c.end]


def _date_spans(c: CandidateSentence, sentence: str) -> list[tuple[int, int]]:
    return [
        (m.start, m.end) for m in find_dates(sentence, publication_date(c.passage.published), c.passage.lang)
    ]


def date_slots(
    candidates: Sequence[CandidateSentence], lang: str, articles: Mapping[str, str]
) -> list[AnswerSlot]:
    """Every date of the candidate sentences, its value written in ``lang``."""
    slots = []
    for c in candidates:
        sentence = _sentence_text(c, articles)
        for m in find_dates(sentence, publication_date(c.passage.published), c.passage.lang):
            rank = _GRANULARITY_RANK.get(m.granularity, 4)
            slots.append(AnswerSlot(c, m.start, m.end, format_date(m, lang), rank))
    return slots


def number_slots(candidates: Sequence[CandidateSentence], articles: Mapping[str, str]) -> list[AnswerSlot]:
    """Every number of the candidate sentences that is not part of a date (digits made ASCII)."""
    slots = []
    for c in candidates:
        sentence = _sentence_text(c, articles)
        taken = _date_spans(c, sentence)
        for m in _NUMBER.finditer(sentence):
            if not any(s <= m.start() < e for s, e in taken):
                slots.append(AnswerSlot(c, m.start(), m.end(), m.group(0).translate(_ARABIC_DIGITS), 0))
    return slots


def rank_slots(
    question: str,
    slots: Sequence[AnswerSlot],
    articles: Mapping[str, str],
    *,
    scorer: Scorer | None,
    window_words: int,
) -> RankedSlots:
    """Candidate values ranked by how well the words around each one match the question.

    A long sentence can hold several dates or numbers; the one whose neighbourhood (a window
    of words around it) is closest to the question is the answer. Ties go to the better
    sentence, then to the more specific date.
    """
    if not slots:
        return []
    if scorer is None:
        scores = [s.candidate.score for s in slots]
    else:
        scores = scorer(question, [s.window(articles, window_words) for s in slots])
    ranked = [
        (score + 0.2 * slot.candidate.score - 0.004 * slot.specificity, slot)
        for score, slot in zip(scores, slots, strict=True)
    ]
    return sorted(ranked, key=lambda x: -x[0])


def choose_dates(
    question: str,
    ranked: RankedSlots,
    articles: Mapping[str, str],
    *,
    config: ExtractiveConfig,
    terms: TermGroups | None,
) -> RankedSlots:
    """The best date, and a second one within ``also_margin`` from a sentence that names everyone
    the first one does (the earlier meeting of the same two people, not any date nearby)."""
    chosen = [ranked[0]]
    for score, slot in ranked[1:]:
        if len(chosen) >= config.max_sentences or score < ranked[0][0] - config.also_margin:
            break
        if all(
            slot.value != o.value and slot.candidate.start != o.candidate.start for _, o in chosen
        ) and _covers_question_terms(question, slot, chosen[0][1], articles, terms):
            chosen.append((score, slot))
    return chosen


def _covers_question_terms(
    question: str, slot: AnswerSlot, first: AnswerSlot, articles: Mapping[str, str], terms: TermGroups | None
) -> bool:
    """Whether ``slot``'s sentence holds every question term group that ``first``'s sentence holds."""
    if terms is None:
        return True
    groups = terms(question)

    def covered(s: AnswerSlot) -> set[int]:
        words = set(tokenize(_sentence_text(s.candidate, articles)))
        return {i for i, g in enumerate(groups) if words.intersection(g)}

    return covered(first) <= covered(slot)


def name_slot(
    question: str,
    qtype: str,
    candidates: Sequence[CandidateSentence],
    articles: Mapping[str, str],
    *,
    names: NameFinder | None,
    scorer: Scorer | None,
    config: ExtractiveConfig,
) -> AnswerSlot | None:
    """The name (for "who") or place (for "where") that answers, from the best sentence, or
    None when it holds none or no candidate clearly beats the others.

    Candidates are the names of the sentence that the question does not hold (``names``),
    except dates ("الثلاثاء", "September"). Each is ranked like a date or a number (how close
    the words around it are to the question), plus ``kind_weight`` times how well it fits the
    question, a person for "who" (1 - the probe's place score), a place for "where" (the place
    score, or 1 after a locative preposition), minus ``gap_weight`` per word between it and the
    question's nearest word. Only the best sentence is looked at: it is the one quoted first.
    """
    if names is None:
        return None
    c = candidates[0]
    sentence = _sentence_text(c, articles)
    spans = names(question, sentence)
    if spans is None:
        return None
    dates = _date_spans(c, sentence)
    fit: dict[AnswerSlot, float] = {}
    for span in spans:
        if span.gap is None:
            continue  # the sentence holds no word of the question
        if any(s < span.end and span.start < e for s, e in dates):
            continue  # "الثلاثاء", "September": a date, not a name
        if qtype == "who":
            kind = 1.0 - span.place
        else:
            before = sentence[: span.start].split()[-1:]
            kind = 1.0 if before and before[0].lower() in _LOCATIVE else span.place
        if kind >= config.name_min_kind:
            slot = AnswerSlot(c, span.start, span.end, span.text, 0)
            fit[slot] = config.kind_weight * kind - config.gap_weight * span.gap
    ranked = sorted(
        (
            (score + fit[slot], slot)
            for score, slot in rank_slots(
                question, list(fit), articles, scorer=scorer, window_words=config.window_words
            )
        ),
        key=lambda x: -x[0],
    )
    if not ranked or (len(ranked) > 1 and ranked[0][0] - ranked[1][0] < config.name_margin):
        return None
    return ranked[0][1]
