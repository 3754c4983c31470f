"""The Assistant end to end with the fake embedder: retrieval, answers, abstention, history."""

from __future__ import annotations

import pytest

from assistant import Answer, Assistant, EmptyQuestionError, SearchFilters
from assistant.answering import ExtractiveConfig
from index import Article
from tests.fakes import FakeEmbedder

ARTICLES = [
    Article(
        id="bridge",
        title="Council approves bridge",
        lang="en",
        source="City Post",
        published="2024-01-03",
        text="The city council approved the new river bridge on Tuesday. Construction starts in March. "
        "The mayor said the bridge will cost 12 million dinars. Residents welcomed the plan.",
    ),
    Article(
        id="storm",
        title="Storm hits harbour",
        lang="en",
        source="Coast News",
        published="2023-11-20",
        text="A storm damaged 40 boats in the harbour yesterday. Fishermen asked the ministry for help. "
        "The harbour master said repairs will take weeks.",
    ),
    Article(
        id="seed-like",
        title="زيارة",
        lang="ar",
        source="Arab Daily",
        published="2023-09-26",
        text="والتقى يوفكيورف حفتر في بنغازي في 17 سبتمبر الجاري. "
        "كما التقى يفكوروف حفتر قبل شهر واحد في زيارة معلنة.",
    ),
]


@pytest.fixture
def bot(tmp_path):
    # The fake's cosines are term overlaps, not e5's: calibrate the abstention threshold for it.
    config = ExtractiveConfig(min_score=0.3)
    with Assistant.open(tmp_path / "idx", embedder=FakeEmbedder(dimension=256), extractive=config) as b:
        report = b.add(ARTICLES)
        assert report.added == 3
        yield b


def test_retrieve_returns_passages_with_scored_sentences(bot):
    passages = bot.retrieve("When will construction of the bridge start?", k=3)
    assert passages[0].article_id == "bridge"
    p = passages[0]
    article = bot.get_article("bridge")
    assert article.text[p.start : p.end] == p.text
    for s in p.sentences:
        assert p.start <= s.start < s.end <= p.end


def test_when_question_gets_an_absolute_date_resolved_from_the_article(bot):
    answer = bot.ask("When did the storm damage the boats in the harbour?")
    assert isinstance(answer, Answer) and answer.answerable
    assert "19 November 2023" in answer.text  # "yesterday" in an article of 20 November 2023
    c = answer.citations[0]
    assert c.article_id == "storm" and "yesterday" in c.quote
    assert bot.get_article("storm").text[c.start : c.end] == c.quote


def test_arabic_question_gets_arabic_answer_and_both_meetings(bot):
    answer = bot.ask("متى التقى يوفكيورف حفتر في بنغازي؟")
    assert answer.lang == "ar" and answer.answerable
    assert "17 سبتمبر 2023" in answer.text
    assert "[1]" in answer.text


def test_count_question_without_a_number_is_declined(bot):
    answer = bot.ask("How many residents welcomed the plan for the bridge?")
    assert not answer.answerable and not answer.citations


def test_question_naming_someone_absent_from_the_articles_is_declined(bot):
    answer = bot.ask("What did Erdogan say about the new river bridge?")
    assert not answer.answerable and "Erdogan" in answer.text


def test_filters_restrict_the_sources(bot):
    flt = SearchFilters(sources=("Coast News",))
    assert {p.article_id for p in bot.retrieve("bridge council mayor", k=5, filters=flt)} == {"storm"}


def test_follow_up_uses_history(bot):
    first = bot.ask("When did the council approve the river bridge?")
    history = [{"role": "user", "content": first.question}, {"role": "assistant", "content": first.text}]
    answer = bot.ask("and who?", history=history)
    assert answer.standalone_question == "who did the council approve the river bridge?"


def test_stream_yields_text_then_the_answer(bot):
    items = list(bot.stream("When did the storm damage the boats in the harbour?"))
    assert isinstance(items[-1], Answer)
    assert all(isinstance(i, str) for i in items[:-1])


def test_empty_question_is_a_clear_error(bot):
    with pytest.raises(EmptyQuestionError, match="empty"):
        bot.ask("   ")


def test_added_articles_are_searchable_at_once(bot):
    bot.add([Article(id="new", title="Zoo", lang="en", text="The zoo welcomed a baby giraffe named Kito.")])
    assert bot.retrieve("giraffe Kito", k=1)[0].article_id == "new"


def test_markdown_export_lists_sources(bot):
    md = bot.ask("When did the storm damage the boats in the harbour?").to_markdown()
    assert "**Sources**" in md and "[1]" in md and "Coast News" in md


def test_concurrent_questions_are_bounded_by_max_concurrent(tmp_path, monkeypatch):
    import threading

    config = ExtractiveConfig(min_score=0.3)
    with Assistant.open(
        tmp_path / "idx", embedder=FakeEmbedder(dimension=256), extractive=config, max_concurrent=2
    ) as b:
        b.add(ARTICLES)
        inside, peak, lock = 0, 0, threading.Lock()
        two_in = threading.Event()
        real = b.retriever.retrieve

        def counting(*args, **kwargs):
            nonlocal inside, peak
            with lock:
                inside += 1
                peak = max(peak, inside)
                if inside == 2:
                    two_in.set()
            two_in.wait(5)  # let a second question in before leaving, so the bound is reached
            try:
                return real(*args, **kwargs)
            finally:
                with lock:
                    inside -= 1

        monkeypatch.setattr(b.retriever, "retrieve", counting)
        answers: list[Answer] = []
        threads = [
            threading.Thread(target=lambda: answers.append(b.ask("When did the storm damage the boats?")))
            for _ in range(8)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert len(answers) == 8 and all(a.answerable for a in answers)
        assert peak == 2  # two at a time, never more
