"""Which sentence the answer quotes for a question whose candidates are in the other script: the
second encoder's cosine, and the question words its word vectors find in each sentence (term
coverage), join the e5 score in ordering the sentences, not in deciding to abstain."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import Assistant
from assistant.answering import ExtractiveAnswerer, ExtractiveConfig
from assistant.retrieval import RetrievalConfig, Retriever, SecondEncoder, term_coverage
from index import Article
from tests.fakes import FakeEmbedder, LexiconEncoder, MarkerEncoder

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
    for knob in ("second_term_weight", "second_order_term_weight"):  # the cosine alone; terms below
        config.setdefault(knob, 0.0)
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


# ------------------------------------------------------------------ cross-lingual term coverage
SPOKESMAN_QUESTION = "Who is the spokesman of Haftar's command?"
LEXICON = [("spokesman", "للمتحدث"), ("command", "قيادة")]
NAMED = "أعلن الجيش أن قائده خليفة حفتر بدأ زيارة."  # names Haftar, nothing else asked about
ANSWER = "بحسب بيان للمتحدث الرسمي باسم قيادة حفتر، أحمد المسماري."


def test_term_coverage_counts_translations_names_and_partial_matches():
    encoder = SecondEncoder(LexiconEncoder(LEXICON))
    groups = [["spokesman"], ["haftar", "حفتر"], ["command"]]  # Haftar's Arabic spelling, as found
    cover = term_coverage(encoder, SPOKESMAN_QUESTION, [ANSWER, NAMED, "هطلت أمطار غزيرة."], groups)
    assert cover == pytest.approx([1.0, 1 / 3, 0.0])
    # Without the spelling variant, the name is not matched (the fake does not know it).
    assert term_coverage(encoder, SPOKESMAN_QUESTION, [ANSWER], [])[0] == pytest.approx(2 / 3)
    assert list(term_coverage(encoder, "?!", [ANSWER], groups)) == [0.0]  # no content word
    assert term_coverage(encoder, SPOKESMAN_QUESTION, [], groups).shape == (0,)


def test_term_coverage_maps_cosines_linearly_between_the_span():
    def encode(texts: list[str]) -> np.ndarray:  # "spokesman" ~ "متحدث" at cosine 0.55
        rows = {"spokesman": (1.0, 0.0), "متحدث": (0.55, np.sqrt(1 - 0.55**2))}
        return np.array([rows.get(t, (0.0, 1.0)) for t in texts], dtype=np.float32)

    cover = term_coverage(SecondEncoder(encode), "spokesman", ["متحدث"], span=(0.4, 0.7))
    assert cover[0] == pytest.approx(0.5, abs=1e-5)


@pytest.fixture(scope="module")
def spokesman_bot(tmp_path_factory):
    with Assistant.open(tmp_path_factory.mktemp("idx"), embedder=FakeEmbedder(dimension=256)) as b:
        article = Article(id="visit", title="", lang="ar", text=f"{NAMED} {ANSWER}")
        assert b.add([article, *ARTICLES[1:]]).added == 3
        yield b


def test_term_coverage_orders_the_answer_sentence_of_a_cross_script_question(spokesman_bot):
    def run(weight: float):
        encoder = LexiconEncoder(LEXICON)
        config = RetrievalConfig(
            second_sentence_weight=0.0, second_term_weight=weight, second_order_term_weight=0.0
        )
        retriever = Retriever(
            spokesman_bot.index.store,
            spokesman_bot.index.embedder,
            config,
            second_encoder=SecondEncoder(encoder),
        )
        return retriever.retrieve(SPOKESMAN_QUESTION, k=3), encoder

    # The fake e5 sees no shared word but the name; it prefers the shorter sentence naming Haftar.
    plain, unused = run(0.0)
    assert _best_text(spokesman_bot, plain) == NAMED
    assert not any(t in unused.seen for t in ("spokesman", "للمتحدث"))  # words are encoded only when weighed
    mixed, encoder = run(0.3)
    assert _best_text(spokesman_bot, mixed) == ANSWER
    assert {"spokesman", "command", "للمتحدث", "قيادة"} <= set(encoder.seen)
    assert [p.chunk_id for p in mixed] == [p.chunk_id for p in plain]
    assert _best_score(mixed) == pytest.approx(_best_score(plain), abs=1e-6)


def test_term_coverage_ranks_the_passage_holding_the_question_words(tmp_path):
    with Assistant.open(tmp_path / "idx", embedder=FakeEmbedder(dimension=256)) as b:
        named = Article(id="named", title="", lang="ar", text=NAMED)
        answer = Article(id="answer", title="", lang="ar", text=ANSWER)
        assert b.add([named, answer, *ARTICLES[1:]]).added == 4

        def second_ranks(weight: float) -> dict[str, int]:
            config = RetrievalConfig(
                second_sentence_weight=0.0, second_term_weight=0.0, second_order_term_weight=weight
            )
            retriever = Retriever(
                b.index.store, b.index.embedder, config, second_encoder=SecondEncoder(LexiconEncoder(LEXICON))
            )
            return {p.article_id: p.channels["second"] for p in retriever.retrieve(SPOKESMAN_QUESTION, k=4)}

        # The fake's question vector matches no sentence: without the term coverage the second
        # encoder's channel keeps the fused order, in which the passage naming Haftar comes first.
        assert second_ranks(0.0)["named"] < second_ranks(0.0)["answer"]
        assert second_ranks(1.0)["answer"] == 1
