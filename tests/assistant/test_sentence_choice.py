"""Which sentence the answer quotes for a question whose candidates are in the other script: the
second encoder's cosine joins the e5 score in ordering the sentences, not in deciding to abstain."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.answer import ExtractiveAnswerer, ExtractiveConfig
from assistant.retrieve import RetrievalConfig, Retriever
from assistant.second_encoder import SecondEncoder
from index import Article
from tests.fakes import FakeEmbedder, MarkerEncoder

QUESTION = "Which team did the Panthers beat in the final?"
# e5 (here the fake's term overlap, plus the question-term bonus) prefers the sentence naming the
# Panthers; the (fake) second encoder prefers the one that says who was beaten.
E5_FAVOURITE = "لعب فريق Panthers مباراة the final أمام جمهور كبير."
SECOND_FAVOURITE = "وفي المباراة النهائية هزم الفريق منافسه برونكوز بفارق كبير."
ARTICLES = [
    Article(id="final", title="", lang="ar", text=f"{E5_FAVOURITE} {SECOND_FAVOURITE}"),
    Article(
        id="weather", title="", lang="ar", text="هطلت أمطار غزيرة على المدينة أمس. أغلقت المدارس أبوابها."
    ),
    Article(
        id="oil", title="", lang="ar", text="ارتفع سعر النفط هذا الأسبوع. قال الوزير إن الميزانية ستتحسن."
    ),
]


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    with Assistant.open(tmp_path_factory.mktemp("idx"), embedder=FakeEmbedder(dimension=256)) as b:
        assert b.add(ARTICLES).added == 3
        yield b


def _retrieve(bot, question: str = QUESTION, encoder: MarkerEncoder | None = None, **config):
    encoder = encoder or MarkerEncoder(QUESTION, "برونكوز")
    retriever = Retriever(
        bot.index.store, bot.index.embedder, RetrievalConfig(**config), second_encoder=SecondEncoder(encoder)
    )
    return retriever.retrieve(question, k=3)


def _best_text(bot, passages) -> str:
    p, s = max(((p, s) for p in passages for s in p.sentences), key=lambda t: t[1].score)
    return bot.get_article(p.article_id).text[s.start : s.end]


def _best_score(passages) -> float:
    return max(s.score for p in passages for s in p.sentences)


def test_second_encoder_orders_the_sentences_of_a_cross_script_question(bot):
    plain = _retrieve(bot, second_sentence_weight=0.0)
    assert _best_text(bot, plain) == E5_FAVOURITE  # the e5 order, as before
    mixed = _retrieve(bot, second_sentence_weight=1.0)
    assert _best_text(bot, mixed) == SECOND_FAVOURITE
    # Passages, their order and the best score (what the abstention threshold sees) are unchanged.
    assert [p.chunk_id for p in mixed] == [p.chunk_id for p in plain]
    assert _best_score(mixed) == pytest.approx(_best_score(plain), abs=1e-6)


def test_the_answer_quotes_the_sentence_the_second_encoder_prefers(bot):
    passages = _retrieve(bot, second_sentence_weight=1.0)
    articles = {p.article_id: bot.get_article(p.article_id).text for p in passages}
    draft = ExtractiveAnswerer(ExtractiveConfig(min_score=-1.0, max_sentences=1)).draft(
        QUESTION, passages, lang="en", articles=articles
    )
    assert draft.answerable
    first = draft.pinned[1]
    assert articles[draft.sources[0].article_id][first.start : first.end] == SECOND_FAVOURITE


def test_same_script_questions_keep_the_e5_sentence_scores(bot):
    question = "في المباراة النهائية من هزم الفريق؟"
    encoder = MarkerEncoder(QUESTION, "Panthers")
    mixed = _retrieve(bot, question, encoder, second_sentence_weight=1.0)
    plain = _retrieve(bot, question, second_sentence_weight=0.0)
    assert encoder.seen == []  # the second encoder never runs for an Arabic question on Arabic text
    assert [p.sentences for p in mixed] == [p.sentences for p in plain]
