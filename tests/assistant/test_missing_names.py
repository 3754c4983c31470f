"""The extractive answerer declines a question naming something the articles never mention, in any
spelling; a name the articles translate rather than transliterate still counts as mentioned."""

from __future__ import annotations

import pytest

from assistant.answering import ExtractiveAnswerer, ExtractiveConfig
from assistant.retrieval import NameMatcher, RetrievalConfig, Retriever, SecondEncoder
from assistant.schema import Passage, SentenceSpan
from tests.fakes import FakeEmbedder, LexiconEncoder

TEXT = "قررت هولندا إغلاق سفارتها في العاصمة."
QUESTION = "What did the Netherlands decide about its embassy?"
PASSAGE = Passage(
    chunk_id="a::0",
    article_id="a",
    text=TEXT,
    score=1.0,
    start=0,
    end=len(TEXT),
    lang="ar",
    sentences=(SentenceSpan(0, len(TEXT), 0.9),),
)


def _draft(translation=None):
    answerer = ExtractiveAnswerer(
        ExtractiveConfig(min_score=0.5),
        matcher=lambda: NameMatcher({w: 1 for w in TEXT.rstrip(".").split()}),
        translation=translation,
    )
    return answerer.draft(QUESTION, [PASSAGE], lang="en", articles={"a": TEXT})


def test_a_name_found_in_no_spelling_is_declined():
    draft = _draft()
    assert not draft.answerable and "Netherlands" in draft.text


@pytest.mark.parametrize(
    ("similarity", "answered"), [(0.93, True), (0.7, True), (0.59, False), (None, False)]
)
def test_a_translated_name_counts_as_mentioned(similarity, answered):
    asked: list[tuple[str, list[str]]] = []

    def translation(word: str, texts: list[str]) -> float | None:
        asked.append((word, texts))
        return similarity

    assert _draft(translation).answerable is answered
    assert asked == [("Netherlands", [TEXT])]  # the retrieved passages' text, once per missing name


def test_retriever_best_word_match_uses_the_second_encoder():
    encoder = SecondEncoder(LexiconEncoder([("Netherlands", "هولندا")]))
    retriever = Retriever(None, FakeEmbedder(dimension=8), second_encoder=encoder)  # no store needed
    assert retriever.best_word_match("Netherlands", [TEXT]) == pytest.approx(1.0)
    assert retriever.best_word_match("Putin", [TEXT]) == pytest.approx(0.0, abs=1e-6)
    assert retriever.best_word_match("Putin", ["?!"]) == -1.0  # no word to compare with
    off = Retriever(None, FakeEmbedder(dimension=8), RetrievalConfig(second_encoder=False))
    assert off.best_word_match("Netherlands", [TEXT]) is None
