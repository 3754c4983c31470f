"""Several users at once (short, bounded version of ``benchmarks/load.py``).

20 simulated users ask the real page (each its own gradio session) and the Python API (threads
sharing one Assistant) while articles are being ingested, with the real model on a small index.
Each user asks about its own article and follows up with "and where?" / "وأين؟": a follow-up
condensed from another session's history would cite another article, and the chat the server
returns must hold only this session's questions. No timing is asserted, only that every run ends,
without errors, with answers that cite verbatim quotes, and with nothing lost from the ingestion.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from benchmarks.load import (
    NEWS,
    SEED,
    SEED_QUESTIONS,
    Pair,
    Scenario,
    ScenarioResult,
    Topic,
    _check_ui_view,
    build_index,
    calibrate,
    load_articles,
    make_topics,
    markdown_table,
    run_api,
    run_ui,
    start_ui_inprocess,
    write_ingest_file,
)

BASE_ARTICLES = 8
INGEST = 6
USERS = 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, real_embedder: Any) -> tuple[Path, list[Topic]]:
    """An index of the seed + 8 news articles, and the calibrated topics (one per article)."""
    from assistant import Assistant

    index_dir = tmp_path_factory.mktemp("load") / "index"
    build_index(index_dir, BASE_ARTICLES, embedder=real_embedder)
    news = load_articles([NEWS], limit=BASE_ARTICLES)
    seed = load_articles([SEED])[0]
    with Assistant.open(index_dir, embedder=real_embedder) as bot:
        topics = calibrate(bot, make_topics(SEED_QUESTIONS, seed, news, n_news=4, seed_pairs=4))
    assert len(topics) >= 3, f"expected at least 3 topics whose follow-ups cite their article, got {topics}"
    return index_dir, topics


@pytest.fixture
def bot(corpus: tuple[Path, list[Topic]], tmp_path: Path, real_embedder: Any):
    from assistant import Assistant

    copy = tmp_path / "index"
    shutil.copytree(corpus[0], copy)
    with Assistant.open(copy, embedder=real_embedder) as b:
        yield b


def _assert_clean(r: ScenarioResult, bot: Any, ingest_ids: list[str]) -> None:
    assert r.errors == []
    assert r.history_violations == []
    assert r.topic_violations == []
    assert r.invalid_citations == []
    assert r.uncited == 0, "every answer to a calibrated question cites its article"
    assert r.completed >= USERS and r.follow_ups > 0, (r.completed, r.follow_ups)
    assert r.ingest_error == ""
    assert r.ingested == len(ingest_ids) == INGEST
    assert [a for a in ingest_ids if bot.get_article(a) is None] == []
    assert r.ok


@pytest.mark.model
@pytest.mark.server
def test_twenty_ui_sessions_while_ingesting_through_the_page(
    bot: Any, corpus: tuple[Path, list[Topic]], tmp_path: Path
) -> None:
    _, topics = corpus
    ingest_file = tmp_path / "more.jsonl"
    ids = [r["id"] for r in write_ingest_file(bot, INGEST, ingest_file)]
    texts = {r["id"]: r["text"] for r in load_articles([SEED, NEWS], limit=BASE_ARTICLES + INGEST + 1)}
    url, stop = start_ui_inprocess(bot, tmp_path / "work", ask_limit=4, default_limit=2)
    try:
        r = run_ui(
            url,
            topics,
            texts,
            Scenario(
                "ui",
                USERS,
                8.0,
                ingest=INGEST,
                ask_limit=4,
                default_limit=2,
                think=0.1,
                request_timeout=120.0,
            ),
            ingest_file=ingest_file,
            ingest_ids=ids,
            ingest_timeout=240.0,
        )
    finally:
        stop()
    print(markdown_table([r]))
    _assert_clean(r, bot, ids)


@pytest.mark.model
def test_twenty_api_threads_share_one_assistant_while_it_adds(
    bot: Any, corpus: tuple[Path, list[Topic]], tmp_path: Path
) -> None:
    _, topics = corpus
    ingest_file = tmp_path / "more.jsonl"
    ids = [r["id"] for r in write_ingest_file(bot, INGEST, ingest_file)]
    r = run_api(
        bot,
        topics,
        # 2 s: every thread asks one pair, the 20 first questions at the same moment
        Scenario("api", USERS, 2.0, ingest=INGEST, think=0.0, request_timeout=180.0),
        ingest_file=ingest_file,
        ingest_ids=ids,
        ingest_timeout=240.0,
    )
    print(markdown_table([r]))
    _assert_clean(r, bot, ids)


# -- the checks can fail: a leaky assistant and a mixed-up page are caught ---------------------------


class LeakyBot:
    """Condenses a follow-up from the *last question anyone asked* (a shared variable), not from
    the history it is given: what a mix-up of sessions looks like."""

    def __init__(self, leak: bool) -> None:
        self.leak = leak
        self.last = ""
        self.lock = threading.Lock()
        self.texts = {f"a{i}": f"Article {i} says topic {i} happened in place {i}." for i in range(4)}

    def ask(self, question: str, history: Any = None) -> Any:
        with self.lock:
            previous = self.last if self.leak else (history[-2]["content"] if history else "")
            self.last = question
        time.sleep(0.01)  # let the threads interleave
        asked = f"{question} <{previous}>" if previous else question
        aid = next((a for a in self.texts if f"topic {a[1:]} " in asked), None)
        if aid is None:
            return SimpleNamespace(text="Not found.", citations=(), standalone_question=asked)
        text = self.texts[aid]
        cite = SimpleNamespace(marker=1, article_id=aid, quote=text, start=0, end=len(text))
        return SimpleNamespace(text=text + " [1]", citations=(cite,), standalone_question=asked)

    def get_article(self, article_id: str) -> Any:
        return SimpleNamespace(text=self.texts[article_id]) if article_id in self.texts else None


def _leaky_topics() -> list[Topic]:
    return [
        Topic(f"a{i}", f"topic {i}", [Pair(f"When did topic {i} happen?", "and where?")]) for i in range(4)
    ]


@pytest.mark.parametrize("leak", [False, True])
def test_api_check_catches_follow_ups_condensed_from_another_session(leak: bool) -> None:
    topics = calibrate(LeakyBot(leak=False), _leaky_topics())
    r = run_api(LeakyBot(leak=leak), topics, Scenario("api", 8, 0.5, think=0.0))
    assert r.errors == [] and r.invalid_citations == [] and r.completed >= 16
    if leak:
        assert r.history_violations and r.topic_violations
    else:
        assert r.history_violations == [] and r.topic_violations == []


def _view(questions: list[str], quote: str) -> tuple[Any, ...]:
    messages = []
    for q in questions:
        messages.append({"role": "user", "content": [{"type": "text", "text": f"<div>{q}</div>"}]})
        messages.append({"role": "assistant", "content": "<p>answer [1]</p>"})
    sources = "".join(f'<span class="na-group-q" dir="auto">{q}</span>' for q in questions)
    md = f"**Q:** {questions[-1]}\n\nanswer [1]\n\n**Sources**\n\n[1] Title\n> {quote}\n"
    return ("", messages, sources, "", md, None)


def test_ui_check_catches_a_foreign_question_and_a_quote_from_nowhere() -> None:
    from benchmarks.load import _ArticleFinder

    finder = _ArticleFinder({"a1": "Topic one\u00a0happened  in Tunis.", "a2": "حدث ذلك في سوسة."})
    r = ScenarioResult(Scenario("ui", 1, 1.0))
    assert _check_ui_view(
        _view(["q1", "and where?"], "Topic one happened in Tunis."), ["q1", "and where?"], finder, r, "ok"
    ) == ("", {"a1"})
    assert r.history_violations == [] and r.invalid_citations == []
    _check_ui_view(
        _view(["q1", "someone else's", "and where?"], "حدث ذلك في سوسة."),
        ["q1", "and where?"],
        finder,
        r,
        "mixed",
    )
    assert len(r.history_violations) == 2  # the chat and the sources panel
    _check_ui_view(_view(["q1"], "A sentence no article has."), ["q1"], finder, r, "bad quote")
    assert len(r.invalid_citations) == 1
