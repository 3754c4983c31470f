"""Warm-up at start: every model and cache the first question needs is loaded before it comes."""

from __future__ import annotations

import logging

import pytest

from assistant import Assistant
from assistant.retrieval import RetrievalConfig, Retriever, SecondEncoder
from index import Article
from tests.fakes import FakeEmbedder, MarkerEncoder

ARTICLES = [
    Article(id="a-league", title="", lang="ar", text="فاز الفريق ببطولة الدوري بعد مباراة صعبة."),
    Article(id="a-rain", title="", lang="ar", text="هطلت أمطار غزيرة على المدينة أمس."),
]
QUESTION = "Which team won the league?"


@pytest.fixture
def bot(tmp_path):
    with Assistant.open(tmp_path / "idx", embedder=FakeEmbedder(dimension=64)) as b:
        assert b.add(ARTICLES).added == 2
        yield b


def test_warm_up_loads_the_second_encoder_and_names_before_the_first_question(bot):
    loads: list[str] = []
    fake = MarkerEncoder(QUESTION)

    def loader():
        loads.append("USE")
        return fake

    retriever = Retriever(
        bot.index.store, bot.index.embedder, RetrievalConfig(), second_encoder=SecondEncoder(loader=loader)
    )
    seconds = retriever.warm_up()
    assert set(seconds) == {
        "embedding model",
        "index search",
        "name vocabulary",
        "second encoder",
        "name probe",
    }
    assert all(s >= 0 for s in seconds.values())
    assert loads == ["USE"] and fake.seen == ["warm-up"]
    assert retriever._matcher is not None  # the name vocabulary is built
    retriever.retrieve(QUESTION, k=2)
    assert loads == ["USE"]  # the first question loads nothing more


def test_warm_up_skips_a_disabled_second_encoder(bot):
    retriever = Retriever(
        bot.index.store,
        bot.index.embedder,
        RetrievalConfig(second_encoder=False),
        second_encoder=SecondEncoder(loader=lambda: pytest.fail("the disabled encoder was loaded")),
    )
    assert "second encoder" not in retriever.warm_up()


def test_warm_up_survives_a_second_encoder_that_cannot_load(bot, caplog):
    def broken():
        raise OSError("no model files")

    retriever = Retriever(
        bot.index.store, bot.index.embedder, RetrievalConfig(), second_encoder=SecondEncoder(loader=broken)
    )
    with caplog.at_level(logging.WARNING):
        seconds = retriever.warm_up()
    assert "second encoder" in seconds  # tried, failed, logged; questions go on without it
    assert retriever.retrieve(QUESTION, k=2)


def test_assistant_warm_up_logs_what_it_loaded(bot, caplog, monkeypatch):
    monkeypatch.setattr(bot.retriever, "_second", SecondEncoder(MarkerEncoder(QUESTION)))
    with caplog.at_level(logging.INFO, logger="assistant.chat"):
        seconds = bot.warm_up()
    assert "embedding model" in seconds
    assert any("warmed up: embedding model" in r.getMessage() for r in caplog.records)


def test_warm_up_on_an_empty_index(tmp_path):
    with Assistant.open(tmp_path / "empty", embedder=FakeEmbedder(dimension=64)) as b:
        b.retriever._second = SecondEncoder(MarkerEncoder(QUESTION))
        assert "index search" in b.warm_up()
