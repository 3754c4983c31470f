"""The built-in answerer (no LLM): quotes the supporting sentences and leads with the value asked for.

It picks the supporting sentences (``sentence_choice``), declines when they score too low or the
question names what the index never mentions (``missing_names``), extracts the answer where the
question type allows (dates for "when", numbers for "how many", a person for "who" and a place
for "where" when one clearly stands out: ``slots``), and writes a short answer in the question's
language (``answer_assembly``). Its citations are checked afterwards like any answerer's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from assistant.answering.answer_assembly import count_draft, named_draft, quoted_sentences_draft, when_draft
from assistant.answering.draft import Draft
from assistant.answering.extractive_config import ExtractiveConfig
from assistant.answering.missing_names import missing_names
from assistant.answering.question_types import question_type
from assistant.answering.sentence_choice import answerable_threshold, candidate_sentences, within_margin
from assistant.answering.slots import (
    AnswerSlot,
    RankedSlots,
    choose_dates,
    date_slots,
    name_slot,
    number_slots,
    rank_slots,
)
from assistant.retrieval import NameMatcher, NameSpan
from assistant.schema import Passage
from prompts import load_sections

__all__ = ["ExtractiveAnswerer"]

logger = logging.getLogger(__name__)


class ExtractiveAnswerer:
    """The default answerer: deterministic, offline, quotes and cites sentences."""

    name = "extractive"

    def __init__(
        self,
        config: ExtractiveConfig | None = None,
        *,
        matcher: Callable[[], NameMatcher] | None = None,
        scorer: Callable[[str, list[str]], list[float]] | None = None,
        terms: Callable[[str], list[list[str]]] | None = None,
        translation: Callable[[str, list[str]], float | None] | None = None,
        names: Callable[[str, str], list[NameSpan] | None] | None = None,
    ):
        """``matcher`` gives the index's name matcher; ``scorer(question, texts)`` scores short
        texts against the question (the retriever's sentence scoring), used to pick among
        several dates or numbers; ``terms(question)`` gives its lexical term groups (with name
        variants); ``translation(word, texts)`` gives the best cross-lingual similarity between a
        word and the words of texts (None when it cannot tell), so that a name the articles
        translate rather than transliterate (Netherlands, هولندا) counts as mentioned;
        ``names(question, sentence)`` gives the proper names of a sentence that the question does
        not hold (None when it cannot tell), from which "who" and "where" answers are taken."""
        self.config = config or ExtractiveConfig()
        self._matcher = matcher
        self._scorer = scorer
        self._terms = terms
        self._translation = translation
        self._names = names

    def draft(
        self, question: str, passages: Sequence[Passage], *, lang: str, articles: Mapping[str, str]
    ) -> Draft:
        config = self.config
        templates = load_sections(f"extractive_{'ar' if lang == 'ar' else 'en'}")
        candidates = candidate_sentences(passages)
        threshold = answerable_threshold(config, lang)
        if not candidates or candidates[0].score < threshold:
            logger.info(
                "best sentence %.3f below %.3f: not answerable",
                candidates[0].score if candidates else float("nan"),
                threshold,
            )
            return Draft(templates["not_found"].render(), answerable=False)
        missing = missing_names(
            question,
            passages,
            articles,
            config=config,
            matcher=self._matcher() if self._matcher else None,
            translation=self._translation,
        )
        if missing:
            return Draft(templates["not_found_names"].render(names=", ".join(missing)), answerable=False)
        qtype = question_type(question)
        top = within_margin(candidates, config.also_margin)
        wide = within_margin(candidates, config.slot_margin, config.slot_sentences)
        if qtype == "when":
            ranked = self._rank(question, date_slots(wide, lang, articles), articles)
            if ranked:
                chosen = choose_dates(question, ranked, articles, config=config, terms=self._terms)
                return when_draft(chosen, articles, templates)
        if qtype == "count":
            ranked = self._rank(question, number_slots(wide, articles), articles)
            if ranked:
                return count_draft(ranked[0][1], articles, templates)
            # A "how many" question whose supporting sentences hold no number is not answered.
            return Draft(templates["not_found"].render(), answerable=False)
        quoted = quoted_sentences_draft(top, lang, articles, templates, config.max_sentences)
        if qtype in ("who", "where"):
            found = name_slot(
                question, qtype, top, articles, names=self._names, scorer=self._scorer, config=config
            )
            if found is not None:
                return named_draft(found, quoted, qtype, lang, articles, templates)
        return quoted

    def _rank(self, question: str, slots: list[AnswerSlot], articles: Mapping[str, str]) -> RankedSlots:
        """Slots ranked by the closeness of their neighbourhood to the question (best first)."""
        return rank_slots(
            question, slots, articles, scorer=self._scorer, window_words=self.config.window_words
        )
