""" "Who" and "where" answers lead with the name or place the best sentence gives, found by the name
probe (assistant/retrieval/name_probe.py); the cited sentence follows. When no name clearly wins, or names
cannot be found, the answer quotes the sentence alone."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from assistant.answering import ExtractiveAnswerer, ExtractiveConfig, question_type, verify
from assistant.retrieval import (
    PROBE_FILE,
    NameMatcher,
    NameProbe,
    NameSpan,
    RetrievalConfig,
    Retriever,
    SecondEncoder,
    name_spans,
)
from assistant.schema import Passage, SentenceSpan
from tests.fakes import FakeEmbedder, LexiconEncoder

PEOPLE = ["يونس", "بيك", "يوفكيورف", "حفتر", "Haftar"]
PLACES = ["بنغازي", "روسيا", "Russia"]
# Word vectors: every person word shares one direction, every place another; the probe's heads
# read them off (a tiny stand-in for USE and the shipped probe).
ENCODER = LexiconEncoder([PEOPLE, PLACES], dimension=64)
PROBE = NameProbe(
    np.r_[8.0, 8.0, np.zeros(62)].astype(np.float32),
    -4.0,
    np.r_[-8.0, 8.0, np.zeros(62)].astype(np.float32),
    0.0,
)


def test_probe_scores_names_and_places():
    names, places = PROBE.scores(ENCODER(["يوفكيورف", "بنغازي", "استقبل"]))
    assert names[0] > 0.9 and names[1] > 0.9 and names[2] < 0.1
    assert places[0] < 0.1 < 0.9 < places[1]


def test_name_spans_group_neighbouring_names_and_skip_the_questions_own():
    text = "واستقبل يونس بيك يوفكيورف حفتر في بنغازي، روسيا."
    spans = name_spans(text, ENCODER, PROBE)
    assert [s.text for s in spans] == ["يونس بيك يوفكيورف حفتر", "بنغازي", "روسيا"]  # the comma breaks a run
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert spans[0].place < 0.1 and spans[1].place > 0.9
    spans = name_spans(text, ENCODER, PROBE, skip=lambda w: w == "حفتر")
    assert [s.text for s in spans] == ["يونس بيك يوفكيورف", "بنغازي", "روسيا"]
    assert name_spans("", ENCODER, PROBE) == []


def test_the_shipped_probe_loads_and_bad_files_are_refused(tmp_path):
    assert NameProbe.load(PROBE_FILE).dim == 512  # USE v3 word vectors
    bad = tmp_path / "probe.npz"
    bad.write_bytes(b"not a probe")
    with pytest.raises(ValueError, match=r"probe\.npz: expected the name probe"):
        NameProbe.load(bad)
    with pytest.raises(ValueError, match="expected 64-dimensional word vectors, got 3"):
        PROBE.scores(np.zeros((1, 3), dtype=np.float32))


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who received Haftar?", "who"),
        ("Whom did Yevkurov meet?", "who"),
        ("من استقبل حفتر؟", "who"),
        ("Where did Yevkurov meet Haftar?", "where"),
        ("أين التقى يفكوروف حفتر؟", "where"),
        ("من أين يبدأ الدلتا في هولندا؟", "where"),  # "from where", not "who"
        ("When did Yevkurov meet Haftar?", "when"),
        ("How many people died?", "count"),
        ("What did the army say?", "other"),
    ],
)
def test_question_types(question, kind):
    assert question_type(question) == kind


# ------------------------------------------------------------------------------------ answerer
TEXT = (
    "واستقبل نائب وزير الدفاع يونس بيك يوفكيورف حفتر في روسيا. وقال المتحدث أحمد المسماري إن الزيارة ناجحة."
)
FIRST = TEXT.index(" وقال")


def _passage() -> Passage:
    return Passage(
        chunk_id="a::0",
        article_id="a",
        text=TEXT,
        score=1.0,
        start=0,
        end=len(TEXT),
        lang="ar",
        title="Haftar in Russia",
        source="Example News",
        published="2023-09-26",
        sentences=(SentenceSpan(0, FIRST, 0.9), SentenceSpan(FIRST + 1, len(TEXT), 0.8)),
    )


def _names(question: str, sentence: str) -> list[NameSpan]:
    return name_spans(sentence, ENCODER, PROBE, skip=lambda w: w == "حفتر")


def _answer(question: str, names=_names, lang: str = "en", **config):
    answerer = ExtractiveAnswerer(ExtractiveConfig(min_score=0.5, **config), names=names)
    draft = answerer.draft(question, [_passage()], lang=lang, articles={"a": TEXT})
    return draft, verify(draft, [_passage()], {"a": TEXT})


@pytest.mark.parametrize(
    ("question", "lang", "lead"),
    [
        (
            "Who received Haftar?",
            "en",
            "يونس بيك يوفكيورف [1]. According to Example News (26 September 2023): “",
        ),
        ("Where did Haftar go?", "en", "روسيا [1]. According to Example News"),
        ("من استقبل حفتر؟", "ar", "يونس بيك يوفكيورف [1]. بحسب Example News (26 سبتمبر 2023): «"),
        ("أين كان حفتر؟", "ar", "روسيا [1]."),
    ],
)
def test_who_and_where_lead_with_the_name_then_quote_the_sentence(question, lang, lead):
    draft, answer = _answer(question, lang=lang)
    assert draft.answerable and draft.text.startswith(lead), draft.text
    assert TEXT[:FIRST] in draft.text  # the sentence it comes from, quoted in full
    (citation,) = answer.citations
    assert (citation.start, citation.end, citation.quote) == (0, FIRST, TEXT[:FIRST])


def test_a_place_after_a_locative_word_wins_a_where_question():
    # "روسيا" follows "في"; the person names do not: kind decides even if the probe hesitates.
    def names(question: str, sentence: str) -> list[NameSpan]:
        return [dataclasses.replace(s, place=0.5) for s in _names(question, sentence)]

    draft, _ = _answer("Where did Haftar go?", names=names)
    assert draft.text.startswith("روسيا [1].")


@pytest.mark.parametrize(
    ("names", "config"),
    [
        (None, {}),  # no name finder: the sentence is quoted
        (lambda q, s: None, {}),  # it cannot tell (second encoder off)
        (lambda q, s: [], {}),  # the sentence names no one new
        (_names, {"name_margin": 5.0, "name_min_kind": 0.0}),  # none clearly beats the runner-up
        (lambda q, s: [dataclasses.replace(x, place=0.9) for x in _names(q, s)], {}),  # only places
    ],
)
def test_without_a_clear_name_the_sentence_is_quoted(names, config):
    draft, answer = _answer("Who received Haftar?", names=names, **config)
    assert draft.answerable and draft.text.startswith("According to Example News (26 September 2023) [1]: “")
    assert answer.citations[0].quote == TEXT[:FIRST]


def test_dates_and_names_far_from_the_question_are_no_candidates():
    def names(question: str, sentence: str) -> list[NameSpan]:
        day = sentence.index("الثلاثاء")
        return [
            NameSpan(day, day + len("الثلاثاء"), "الثلاثاء", 0, 0, 0.9, 0.1, gap=0),  # a date
            NameSpan(0, 7, sentence[:7], 0, 0, 0.9, 0.1, gap=None),  # no question word in the sentence
        ]

    text = "واستقبل حفتر يوم الثلاثاء."
    passage = dataclasses.replace(
        _passage(), text=text, end=len(text), sentences=(SentenceSpan(0, len(text), 0.9),)
    )
    answerer = ExtractiveAnswerer(ExtractiveConfig(min_score=0.5), names=names)
    draft = answerer.draft("Who received Haftar?", [passage], lang="en", articles={"a": text})
    assert draft.text.startswith("According to")


def test_only_the_best_sentence_gives_names():
    seen: list[str] = []

    def names(question: str, sentence: str) -> list[NameSpan]:
        seen.append(sentence)
        return _names(question, sentence)

    _answer("Who received Haftar?", names=names)
    assert seen == [TEXT[:FIRST]]


def test_other_question_types_never_ask_for_names():
    def names(question: str, sentence: str) -> list[NameSpan]:
        raise AssertionError("names asked for a 'what' question")

    draft, _ = _answer("What happened to Haftar?", names=names)
    assert draft.text.startswith("According to")


# ------------------------------------------------------------------------------------ retriever
def test_retriever_new_names_leaves_out_the_questions_own_names_and_translations():
    encoder = SecondEncoder(
        LexiconEncoder([PEOPLE[:3], ["حفتر", "Haftar"], ["روسيا", "Russia"]], dimension=64)
    )
    probe = NameProbe(
        np.r_[8.0, 8.0, 8.0, np.zeros(61)].astype(np.float32),
        -4.0,
        np.r_[0, 0, 8.0, np.zeros(61)].astype(np.float32),
        -4.0,
    )
    retriever = Retriever(None, FakeEmbedder(dimension=8), second_encoder=encoder, name_probe=probe)
    retriever._matcher = NameMatcher({"حفتر": 1, "روسيا": 1})  # the index's vocabulary, without a store
    sentence = "واستقبل يونس بيك يوفكيورف حفتر في روسيا"
    # Haftar is the question's (its Arabic spelling), Russia too (a translation, by cosine).
    spans = retriever.new_names("Who received Haftar in Russia?", sentence)
    assert [s.text for s in spans] == ["يونس بيك يوفكيورف"]
    spans = retriever.new_names("Who received him?", sentence)
    assert [s.text for s in spans] == ["يونس بيك يوفكيورف حفتر", "روسيا"]
    off = Retriever(None, FakeEmbedder(dimension=8), RetrievalConfig(second_encoder=False), name_probe=probe)
    assert off.new_names("Who received Haftar?", sentence) is None
