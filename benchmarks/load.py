"""Load test: many users asking at once, through the web UI and the Python API, with and without
an ingestion running beside them.

Every simulated user has its own session (its own ``gradio_client.Client`` for the UI, its own
history list for the API), its own topic (an article of the index), and asks pairs of questions: a
first question about its topic, then a bare follow-up ("and where?", "وأين؟") that only makes
sense through *its own* history. Checked on every answer:

- errors: exceptions, timeouts, and answers the page shows as errors;
- history isolation: the chat the server returns holds exactly this session's questions, in order
  (the sources panel too); the follow-up cites this user's topic article (each pair was first asked
  alone, and only pairs whose follow-up cites the topic article are used); for the API, the
  follow-up's standalone question is the one asked alone;
- citations: every quote is a verbatim slice of the article it names (API) or of an indexed article
  (UI); answers that cite nothing are counted.

Usage (from the repository root; the server runs as a subprocess on 127.0.0.1):
    python benchmarks/load.py --index-dir .load-index --target both --users 20 --duration 120 \
        --ingest 1000 --ask-limits 1,2,4 --write benchmarks/RESULTS.md

``--index-dir`` is built when missing (the seed article + the first ``--articles`` jawharafm
articles); ``--ingest N`` adds the next N jawharafm articles not yet in the index while the users
ask (through the page's "Add articles" upload for the UI, ``Assistant.add`` for the API). Every wait
has a timeout, so a run always ends by itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html
import json
import logging
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from benchmarks import offline_environment  # noqa: E402

offline_environment()

__all__ = [
    "Pair",
    "Scenario",
    "ScenarioResult",
    "Topic",
    "build_index",
    "calibrate",
    "iter_articles",
    "load_articles",
    "main",
    "make_topics",
    "markdown_table",
    "run_api",
    "run_ui",
    "set_queue_limits",
    "start_ui_inprocess",
    "start_ui_subprocess",
    "write_ingest_file",
]

logger = logging.getLogger("benchmarks.load")

SHARED = Path(os.environ.get("NEWS_ASSISTANT_SHARED", ROOT.parent / "shared"))
SEED = SHARED / "data" / "seed" / "haftar_russia_visit.jsonl"
NEWS = SHARED / "data" / "news" / "jawharafm.jsonl.gz"
SEED_QUESTIONS = SHARED / "eval" / "seed" / "questions.jsonl"
BUILTIN = "Built-in (extractive, offline)"  # app.BUILTIN, repeated so the API run needs no gradio
ASK_API = "/on_ask"
ADD_API = "/on_add"
NEW_CHAT_API = "/on_new_chat"


# --------------------------------------------------------------------------------------------------
# Data: articles, topics, questions


def load_articles(paths: Sequence[Path], limit: int | None = None) -> list[dict[str, Any]]:
    """Article records (dicts with at least id and text) from JSONL / JSONL.gz files, in order."""
    out: list[dict[str, Any]] = []
    for rec in iter_articles(paths):
        out.append(rec)
        if limit is not None and len(out) >= limit:
            break
    return out


def iter_articles(paths: Sequence[Path]) -> Iterator[dict[str, Any]]:
    """Like :func:`load_articles`, one record at a time."""
    for path in paths:
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: expected a JSON object, got {exc}") from None
                if rec.get("id") and rec.get("text"):
                    yield rec


@dataclass(frozen=True)
class Pair:
    """A first question and a bare follow-up that needs the first one to make sense."""

    first: str
    follow_up: str
    standalone: str = ""  # the follow-up made standalone when the pair is asked alone (calibration)


@dataclass
class Topic:
    """One article a user asks about, with its question pairs."""

    article_id: str
    title: str
    pairs: list[Pair] = field(default_factory=list)


def _follow_up_for(question: str) -> str:
    arabic = bool(re.search(r"[\u0600-\u06FF]", question)) and not re.search(r"[A-Za-z]{3,}", question)
    starts_when = question.strip().lower().startswith(("when", "متى"))
    if arabic:
        return "وأين؟" if starts_when else "ومتى؟"
    return "and where?" if starts_when else "and when?"


def make_topics(
    seed_questions: Path,
    seed_article: dict[str, Any],
    news: Sequence[dict[str, Any]],
    n_news: int = 10,
    *,
    seed_pairs: int | None = None,
    variants: int = 1,
) -> list[Topic]:
    """The seed topic (its answerable eval questions, English and Arabic) and ``n_news`` news topics.

    News questions are built from the article's title (XQuAD-style: the title's words are in the
    article), "متى <title>؟" followed by "وأين؟", so the follow-up is tied to that article only;
    ``variants`` (1-3) adds "ماذا حدث في <title>؟" + "ومتى؟" and an English "When did this happen:
    <title>?" + "and where?" (more distinct questions, so caches serve fewer of them).
    ``seed_pairs`` keeps the first pairs of the seed topic (the Arabic ones come first).
    """
    seed = Topic(seed_article["id"], seed_article.get("title", ""))
    if seed_questions.exists():
        for rec in load_articles_jsonl(seed_questions):
            if rec.get("answerable") and seed_article["id"] in rec.get("gold_article_ids", []):
                seed.pairs.append(Pair(rec["question"], _follow_up_for(rec["question"])))
    seed.pairs.sort(key=lambda p: p.follow_up[0] != "و")  # Arabic first (stable), then English
    del seed.pairs[seed_pairs:]
    if not seed.pairs:
        seed.pairs.append(Pair("When did Yevkurov meet Haftar?", "and where?"))
    topics = [seed]
    seen_titles: set[str] = set()
    for rec in news:
        title = re.sub(r"\s+", " ", str(rec.get("title") or "")).strip().strip("\"'«»")
        if len(title.split()) < 4 or title in seen_titles:
            continue
        seen_titles.add(title)
        pairs = [
            Pair(f"متى {title}؟", "وأين؟"),
            Pair(f"ماذا حدث في {title}؟", "ومتى؟"),
            Pair(f"When did this happen: {title}?", "and where?"),
        ]
        topics.append(Topic(rec["id"], title, pairs[: max(1, variants)]))
        if len(topics) > n_news:
            break
    return topics


def load_articles_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# --------------------------------------------------------------------------------------------------
# Index


def build_index(index_dir: Path, articles: int, *, embedder: Any = None) -> None:
    """Create ``index_dir`` from the seed article and the first ``articles`` jawharafm articles."""
    from assistant import Assistant

    with Assistant.open(index_dir, embedder=embedder) as bot:
        print(f"building {index_dir}: seed + {articles} articles …", flush=True)
        print("  " + bot.add([str(SEED)]).summary(), flush=True)
        if articles:
            print("  " + bot.add([str(NEWS)], limit=articles).summary(), flush=True)


def write_ingest_file(bot: Any, n: int, path: Path) -> list[dict[str, Any]]:
    """Write the next ``n`` jawharafm articles that are not in ``bot``'s index to ``path`` (JSONL)."""
    chosen: list[dict[str, Any]] = []
    for rec in iter_articles([NEWS]):
        if bot.get_article(rec["id"]) is None:
            chosen.append(rec)
            if len(chosen) >= n:
                break
    with open(path, "w", encoding="utf-8") as f:
        for rec in chosen:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return chosen


def calibrate(bot: Any, topics: Sequence[Topic]) -> list[Topic]:
    """Ask every pair alone; keep the pairs whose first answer and follow-up both cite the topic.

    Records the follow-up's standalone question; topics left without a pair are dropped.
    """
    kept: list[Topic] = []
    for topic in topics:
        pairs = []
        for pair in topic.pairs:
            first = bot.ask(pair.first)
            history = [{"role": "user", "content": pair.first}, {"role": "assistant", "content": first.text}]
            second = bot.ask(pair.follow_up, history)
            ok = all(topic.article_id in {c.article_id for c in a.citations} for a in (first, second))
            if ok:
                pairs.append(Pair(pair.first, pair.follow_up, second.standalone_question))
            else:
                logger.info("calibration: dropped %r (+ %r)", pair.first, pair.follow_up)
        if pairs:
            kept.append(Topic(topic.article_id, topic.title, pairs))
    if not kept:
        raise RuntimeError("calibration kept no question pair: no follow-up cites its own topic article")
    return kept


# --------------------------------------------------------------------------------------------------
# Measurements


@dataclass
class Scenario:
    """What one run does."""

    target: str  # "ui" or "api"
    users: int
    duration: float
    ingest: int = 0
    ask_limit: int | None = None  # UI only: concurrency_limit of the ask event
    default_limit: int | None = None  # UI only: demo.queue(default_concurrency_limit=...)
    api_limit: int | None = None  # API only: at most this many ``ask`` calls at once (None: no limit)
    think: float = 0.5  # mean pause between a user's questions, seconds
    request_timeout: float = 180.0
    seed: int = 0

    @property
    def name(self) -> str:
        bits = [self.target.upper(), f"{self.users} users"]
        if self.target == "ui":
            bits.append(f"ask limit {self.ask_limit}, default {self.default_limit}")
        else:
            bits.append(f"{self.api_limit} at a time" if self.api_limit else "all at once")
        bits.append(f"+ ingesting {self.ingest}" if self.ingest else "no ingestion")
        return ", ".join(bits)


@dataclass
class ScenarioResult:
    scenario: Scenario
    wall: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    history_violations: list[str] = field(default_factory=list)
    topic_violations: list[str] = field(default_factory=list)
    invalid_citations: list[str] = field(default_factory=list)
    uncited: int = 0
    distinct: set[tuple[str, str]] = field(default_factory=set)
    follow_ups: int = 0
    ingested: int = 0
    ingest_expected: int = 0
    ingest_seconds: float | None = None
    ingest_error: str = ""
    missing_after: list[str] = field(default_factory=list)
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, attr: str, item: Any) -> None:
        with self._lock:
            getattr(self, attr).append(item)

    def count_uncited(self) -> None:
        with self._lock:
            self.uncited += 1

    def note_question(self, question: str, before: Sequence[Any]) -> None:
        """Remember the question with the previous question, to count distinct requests."""
        previous = ""
        for item in reversed(before or ()):
            text = item.get("content", "") if isinstance(item, dict) else str(item)
            if not isinstance(item, dict) or item.get("role") == "user":
                previous = text
                break
        with self._lock:
            self.distinct.add((question, previous))

    def count_follow_up(self) -> None:
        with self._lock:
            self.follow_ups += 1

    @property
    def completed(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.completed / self.wall if self.wall else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(q) - 1]

    @property
    def ok(self) -> bool:
        return not (
            self.errors
            or self.history_violations
            or self.topic_violations
            or self.invalid_citations
            or self.missing_after
            or self.ingest_error
            or (self.scenario.ingest and self.ingested != self.ingest_expected)
        )


def _user_plan(topics: Sequence[Topic], user: int, users: int) -> list[tuple[Topic, Pair]]:
    """The (topic, pair)s a user cycles through: topics user, user + users, ... (at least one)."""
    own = [t for i, t in enumerate(topics) if i % users == user] or [topics[user % len(topics)]]
    plan = [(t, p) for t in own for p in t.pairs]
    random.Random(user).shuffle(plan)
    return plan


def _think(rng: random.Random, mean: float, deadline: float) -> None:
    if mean > 0:
        time.sleep(min(rng.uniform(0, 2 * mean), max(0.0, deadline - time.monotonic())))


def _check_citations_api(answer: Any, bot: Any, result: ScenarioResult, where: str) -> set[str]:
    """``quote == article.text[start:end]`` for every citation, on the indexed (cleaned) text."""
    cited = set()
    for c in answer.citations:
        article = bot.get_article(c.article_id)
        text = article.text if article is not None else None
        if text is None or text[c.start : c.end] != c.quote or not c.quote:
            result.add("invalid_citations", f"{where}: [{c.marker}] {c.article_id} {c.start}:{c.end}")
        cited.add(c.article_id)
    if not answer.citations:
        result.count_uncited()
    return cited


def _ingest_thread(
    result: ScenarioResult, work: Callable[[], int], done: threading.Event
) -> threading.Thread:
    def run() -> None:
        t0 = time.monotonic()
        try:
            result.ingested = work()
        except Exception as exc:  # reported, never raised in a thread
            result.ingest_error = f"{type(exc).__name__}: {exc}"[:300]
        finally:
            result.ingest_seconds = time.monotonic() - t0
            done.set()

    thread = threading.Thread(target=run, name="ingest", daemon=True)
    thread.start()
    return thread


def run_api(
    bot: Any,
    topics: Sequence[Topic],
    scenario: Scenario,
    *,
    ingest_file: Path | None = None,
    ingest_ids: Sequence[str] = (),
    ingest_timeout: float = 3600.0,
) -> ScenarioResult:
    """``scenario.users`` threads asking one shared ``bot`` (``Assistant.ask`` with ``history=``).

    With ``scenario.api_limit`` the users pass through a semaphore of that size first (what the
    page's queue does for the UI); without it all of them call ``ask`` at once.
    """
    gate = threading.BoundedSemaphore(scenario.api_limit) if scenario.api_limit else None
    result = ScenarioResult(scenario, load_before=os.getloadavg())
    result.ingest_expected = len(ingest_ids)
    start = time.monotonic()
    deadline = start + scenario.duration
    done = threading.Event()
    ingest = None
    if scenario.ingest and ingest_file is not None:
        ingest = _ingest_thread(result, lambda: bot.add([str(ingest_file)]).added, done)

    def user(u: int) -> None:
        rng = random.Random(scenario.seed * 1000 + u)
        plan = _user_plan(topics, u, scenario.users)
        i = 0
        while time.monotonic() < deadline:
            topic, pair = plan[i % len(plan)]
            i += 1
            history: list[dict[str, str]] = []
            for step, q in enumerate((pair.first, pair.follow_up)):
                if step == 0 and time.monotonic() >= deadline:  # a started pair is finished
                    return
                where = f"user {u} {q!r}"
                t0 = time.monotonic()
                try:
                    if gate is not None:
                        with gate:
                            answer = bot.ask(q, history or None)
                    else:
                        answer = bot.ask(q, history or None)
                except Exception as exc:
                    result.add("errors", f"{where}: {type(exc).__name__}: {exc}"[:300])
                    return
                result.add("latencies", time.monotonic() - t0)
                result.note_question(q, history)
                cited = _check_citations_api(answer, bot, result, where)
                if step == 1:
                    result.count_follow_up()
                    if pair.standalone and answer.standalone_question != pair.standalone:
                        result.add(
                            "history_violations",
                            f"{where}: standalone {answer.standalone_question!r}, expected {pair.standalone!r}",
                        )
                    if cited and topic.article_id not in cited:
                        result.add(
                            "topic_violations", f"{where}: cites {sorted(cited)}, not {topic.article_id}"
                        )
                history += [{"role": "user", "content": q}, {"role": "assistant", "content": answer.text}]
                _think(rng, scenario.think, deadline)

    threads = [threading.Thread(target=user, args=(u,), daemon=True) for u in range(scenario.users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()) + 2 * scenario.request_timeout)
        if t.is_alive():
            result.add(
                "errors", f"{t.name}: still running 2 × {scenario.request_timeout:.0f} s after the end"
            )
    result.wall = time.monotonic() - start
    if ingest is not None:
        if not done.wait(timeout=max(1.0, ingest_timeout - (time.monotonic() - start))):
            result.ingest_error = f"ingestion still running after {ingest_timeout:.0f} s"
        result.missing_after = [a for a in ingest_ids if bot.get_article(a) is None]
    result.load_after = os.getloadavg()
    return result


# -- UI --------------------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")
_GROUP_Q = re.compile(r'<span class="na-group-q" dir="auto">(.*?)</span>', re.S)
_QUOTE = re.compile(r"^> (.+)$", re.M)


def _plain(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment.replace("<br>", "\n"))).strip()


def _message_text(message: Any) -> str:
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):
        content = " ".join(str(c.get("text", "")) if isinstance(c, dict) else str(c) for c in content)
    return _plain(str(content or ""))


_IGNORED = re.compile(r"[\s\u00a0\u064b-\u0652\u0640\u200b-\u200f]+")


def _squash(text: str) -> str:
    """Text without spaces, Arabic diacritics and tatweel: cleaning at ingestion may change those."""
    return _IGNORED.sub("", text)


class _ArticleFinder:
    """Which articles contain a quote (quotes are sentences, so almost always one).

    The UI shows quotes of the *cleaned* article text; ``texts`` are the raw records, so both sides
    are compared without spaces and diacritics.
    """

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = {aid: _squash(text) for aid, text in texts.items()}

    def find(self, quote: str) -> set[str]:
        q = _squash(quote)
        return {aid for aid, text in self.texts.items() if q and q in text}


def _check_ui_view(
    outputs: Sequence[Any],
    asked: list[str],
    finder: _ArticleFinder,
    result: ScenarioResult,
    where: str,
) -> tuple[str, set[str]]:
    """Check one final view of the page; returns (error or '', articles cited by the last answer)."""
    if not isinstance(outputs, list | tuple) or len(outputs) != 6:
        return f"unexpected outputs {str(outputs)[:200]}", set()
    _textbox, messages, sources, status, markdown, _download = outputs
    if "na-error" in str(status or ""):
        return f"the page shows an error: {_plain(str(status))[:200]}", set()
    users = [_message_text(m) for m in messages or [] if isinstance(m, dict) and m.get("role") == "user"]
    bots = [m for m in messages or [] if isinstance(m, dict) and m.get("role") == "assistant"]
    if users != asked or len(bots) != len(asked):
        result.add("history_violations", f"{where}: chat shows {users!r}, this session asked {asked!r}")
    groups = [_plain(g) for g in _GROUP_Q.findall(str(sources or ""))]
    if groups != asked:
        result.add("history_violations", f"{where}: sources panel for {groups!r}, asked {asked!r}")
    md = str(markdown or "")
    if not md.startswith(f"**Q:** {asked[-1] if asked else ''}"):
        result.add("history_violations", f"{where}: Markdown export is for {md[:80]!r}")
    cited: set[str] = set()
    quotes = _QUOTE.findall(md.split("**Sources**", 1)[1]) if "**Sources**" in md else []
    for quote in quotes:
        found = finder.find(quote.strip())
        if not found:
            result.add("invalid_citations", f"{where}: quote not in any article: {quote[:80]!r}")
        cited |= found
    if not quotes:
        result.count_uncited()
    return "", cited


def run_ui(
    url: str,
    topics: Sequence[Topic],
    texts: dict[str, str],
    scenario: Scenario,
    *,
    ingest_file: Path | None = None,
    ingest_ids: Sequence[str] = (),
    ingest_timeout: float = 3600.0,
    warm_up: bool = True,
) -> ScenarioResult:
    """``scenario.users`` gradio clients (one session each) asking the page at ``url``.

    The ingestion, when asked for, uploads ``ingest_file`` through the page's "Add articles" event.
    ``missing_after`` is left for the caller (the index is checked once the server has stopped).
    """
    from gradio_client import Client, handle_file

    timeout = scenario.request_timeout

    def client() -> Any:
        return Client(url, verbose=False, download_files=False, httpx_kwargs={"timeout": timeout})

    if warm_up:  # the first question builds caches (name matcher ...); not measured
        first = client()
        first.predict(topics[0].pairs[0].first, None, None, [], [], BUILTIN, "", 6, api_name=ASK_API)
        first.close()
    finder = _ArticleFinder(texts)
    result = ScenarioResult(scenario, load_before=os.getloadavg())
    result.ingest_expected = len(ingest_ids)
    with ThreadPoolExecutor(max_workers=8) as pool:  # connecting is not measured
        clients: list[Any] = list(pool.map(lambda _: client(), range(scenario.users)))
    start = time.monotonic()
    deadline = start + scenario.duration
    done = threading.Event()
    ingest = None
    if scenario.ingest and ingest_file is not None:

        def add() -> int:
            job = client().submit([handle_file(str(ingest_file))], "", api_name=ADD_API)
            report = job.result(timeout=ingest_timeout)
            text = _plain(str(report[0] if isinstance(report, list | tuple) else report))
            m = re.search(r"(\d+) added", text)
            if not m:
                raise RuntimeError(f"unexpected add report: {text[:200]}")
            return int(m.group(1))

        ingest = _ingest_thread(result, add, done)

    def user(u: int) -> None:
        rng = random.Random(scenario.seed * 1000 + u)
        plan = _user_plan(topics, u, scenario.users)
        c = clients[u]
        asked: list[str] = []
        i = 0
        while time.monotonic() < deadline:
            topic, pair = plan[i % len(plan)]
            i += 1
            if i % 3 == 0:  # a new chat now and then: the session's history must start empty
                try:
                    view = c.predict(api_name=NEW_CHAT_API)
                    asked = []
                    if view[1]:
                        result.add("history_violations", f"user {u}: new chat still shows {view[1]!r:.200}")
                except Exception as exc:
                    result.add("errors", f"user {u} new chat: {type(exc).__name__}: {exc}"[:300])
                    return
            for step, q in enumerate((pair.first, pair.follow_up)):
                if step == 0 and time.monotonic() >= deadline:  # a started pair is finished
                    return
                where = f"user {u} {q!r}"
                t0 = time.monotonic()
                job = c.submit(q, None, None, [], [], BUILTIN, "", 6, api_name=ASK_API)
                try:
                    outputs = job.result(timeout=timeout)
                except Exception as exc:
                    job.cancel()
                    result.add("errors", f"{where}: {type(exc).__name__}: {exc}"[:300])
                    return
                elapsed = time.monotonic() - t0
                asked.append(q)
                error, cited = _check_ui_view(outputs, asked, finder, result, where)
                if error:
                    result.add("errors", f"{where}: {error}")
                    return
                result.add("latencies", elapsed)
                result.note_question(q, asked[:-1])
                if step == 1:
                    result.count_follow_up()
                    if cited and topic.article_id not in cited:
                        result.add(
                            "topic_violations", f"{where}: cites {sorted(cited)}, not {topic.article_id}"
                        )
                _think(rng, scenario.think, deadline)

    threads = [threading.Thread(target=user, args=(u,), daemon=True) for u in range(scenario.users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()) + 2 * timeout + 5)  # a pair: 2 questions
        if t.is_alive():
            result.add("errors", f"{t.name}: still running 2 × {timeout:.0f} s after the end")
    result.wall = time.monotonic() - start
    if ingest is not None and not done.wait(timeout=max(1.0, ingest_timeout - (time.monotonic() - start))):
        result.ingest_error = f"ingestion still running after {ingest_timeout:.0f} s"
    for c in clients:
        try:
            c.close()
        except Exception:  # closing is best effort
            logger.debug("closing a client failed", exc_info=True)
    result.load_after = os.getloadavg()
    return result


def set_queue_limits(demo: Any, *, ask_limit: int | None = None, default_limit: int | None = None) -> None:
    """Change the page's queue settings without editing app.py.

    ``ask_limit`` replaces the ``concurrency_limit`` of the events with ``concurrency_id="ask"``;
    ``default_limit`` replaces the ``default_concurrency_limit`` that ``app.serve`` passes to
    ``demo.queue``. Call before ``app.serve``.
    """
    if ask_limit is not None:
        fns = [fn for fn in demo.fns.values() if getattr(fn, "concurrency_id", None) == "ask"]
        if not fns:
            raise RuntimeError("no event with concurrency_id 'ask' in the page (app.build_ui changed?)")
        for fn in fns:
            fn.concurrency_limit = ask_limit
    if default_limit is not None:
        original = demo.queue

        def queue(*args: Any, **kwargs: Any) -> Any:
            kwargs["default_concurrency_limit"] = default_limit
            return original(*args, **kwargs)

        demo.queue = queue


def start_ui_inprocess(
    bot: Any, work_dir: Path, *, ask_limit: int | None = None, default_limit: int | None = None
) -> tuple[str, Callable[[], None]]:
    """Serve the real page over ``bot`` in this process on a free port; returns (url, stop)."""
    import app

    previous = os.environ.get("GRADIO_TEMP_DIR")  # prepare_work_dir points it at work_dir
    dirs = app.prepare_work_dir(work_dir)
    demo = app.build_ui(bot, upload_dir=dirs.uploads, export_dir=dirs.exports)
    set_queue_limits(demo, ask_limit=ask_limit, default_limit=default_limit)
    url = app.serve(demo, host="127.0.0.1", port=_free_port(), work_dirs=dirs, block=False)

    def stop() -> None:
        demo.close()
        if previous is None:
            os.environ.pop("GRADIO_TEMP_DIR", None)
        else:
            os.environ["GRADIO_TEMP_DIR"] = previous

    return url, stop


def start_ui_subprocess(
    index_dir: Path,
    work_dir: Path,
    *,
    ask_limit: int | None = None,
    default_limit: int | None = None,
    timeout: float = 300.0,
) -> tuple[str, Callable[[], None]]:
    """Start the real app (this script's ``--serve`` mode) as a subprocess; returns (url, stop)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log_path = work_dir / f"server-{port}.log"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--serve", "--index-dir", str(index_dir)]
    cmd += ["--port", str(port), "--work-dir", str(work_dir)]
    if ask_limit is not None:
        cmd += ["--ask-limit", str(ask_limit)]
    if default_limit is not None:
        cmd += ["--default-limit", str(default_limit)]
    log = open(log_path, "w", encoding="utf-8")  # closed by stop()
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
        log.close()

    t_end = time.monotonic() + timeout
    while time.monotonic() < t_end:
        text = log_path.read_text(encoding="utf-8", errors="replace")
        m = re.search(r"News assistant running at (\S+)", text)
        if m:
            return m.group(1), stop
        if proc.poll() is not None:
            stop()
            raise RuntimeError(f"the server exited with {proc.returncode}; log {log_path}:\n{text[-2000:]}")
        time.sleep(0.5)
    stop()
    raise RuntimeError(f"the server did not start within {timeout:.0f} s; see {log_path}")


def _serve_main(args: argparse.Namespace) -> int:
    """``--serve``: the app as ``app.main`` runs it, with the queue settings given."""
    import app
    from assistant import Assistant

    logging.basicConfig(level=logging.WARNING)
    dirs = app.prepare_work_dir(args.work_dir)
    bot = Assistant.open(args.index_dir)
    try:
        demo = app.build_ui(bot, upload_dir=dirs.uploads, export_dir=dirs.exports)
        set_queue_limits(demo, ask_limit=args.ask_limit, default_limit=args.default_limit)
        app.serve(
            demo, host="127.0.0.1", port=args.port, work_dirs=dirs, blocked=[args.index_dir], block=True
        )
    finally:
        bot.close()
    return 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------------------------------
# Report


def _first(items: Sequence[str], n: int = 2) -> str:
    return "; ".join(x.replace("|", "\\|").replace("\n", " ")[:160] for x in items[:n])


def markdown_table(results: Sequence[ScenarioResult]) -> str:
    head = (
        "| scenario | users | s | requests | distinct | req/s | p50 s | p95 s | max s | errors | history mix-ups "
        "| off-topic follow-ups | invalid citations | uncited | ingested | ingestion s | load avg before → after |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = []
    for r in results:
        s = r.scenario
        ingest = "–"
        if s.ingest:
            ingest = f"{r.ingested}/{r.ingest_expected}"
            if r.missing_after:
                ingest += f" ({len(r.missing_after)} missing after)"
        rows.append(
            f"| {s.name} | {s.users} | {r.wall:.0f} | {r.completed} | {len(r.distinct)} | "
            f"{r.throughput:.2f} | "
            f"{r.percentile(50):.2f} | {r.percentile(95):.2f} | {max(r.latencies, default=float('nan')):.2f} | "
            f"{len(r.errors)} | {len(r.history_violations)} | {len(r.topic_violations)} | "
            f"{len(r.invalid_citations)} | {r.uncited} | {ingest} | "
            f"{'–' if r.ingest_seconds is None else f'{r.ingest_seconds:.0f}'} | "
            f"{r.load_before[0]:.1f} → {r.load_after[0]:.1f} |"
        )
    notes = []
    for r in results:
        problems = [
            ("errors", r.errors),
            ("history", r.history_violations),
            ("topic", r.topic_violations),
            ("citations", r.invalid_citations),
            ("missing", r.missing_after),
        ]
        for label, items in problems:
            if items:
                notes.append(f"- {r.scenario.name}: {label}: {len(items)}, first: {_first(items)}")
        if r.ingest_error:
            notes.append(f"- {r.scenario.name}: ingestion: {r.ingest_error}")
    return head + "\n".join(rows) + ("\n\n" + "\n".join(notes) if notes else "") + "\n"


# --------------------------------------------------------------------------------------------------
# Command line


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--index-dir", type=Path, default=Path(".load-index"))
    p.add_argument("--articles", type=int, default=300, help="news articles of a new index (default 300)")
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--duration", type=float, default=120.0, help="seconds of asking per scenario")
    p.add_argument("--ingest", type=int, default=0, help="also run each target while ingesting N articles")
    p.add_argument("--ingest-timeout", type=float, default=3600.0)
    p.add_argument("--target", choices=("ui", "api", "both"), default="both")
    p.add_argument("--ask-limits", default="2", help="UI: comma list of ask concurrency limits to try")
    p.add_argument("--default-limit", type=int, default=2, help="UI: default_concurrency_limit")
    p.add_argument(
        "--api-limits", default="0", help="API: comma list of concurrent ask calls to try (0: no limit)"
    )
    p.add_argument("--think", type=float, default=0.5, help="mean pause between a user's questions (s)")
    p.add_argument("--topics", type=int, default=10, help="news topics besides the seed article")
    p.add_argument("--variants", type=int, default=1, help="question pairs per news topic (1-3)")
    p.add_argument("--no-plain", action="store_true", help="with --ingest: skip the runs without ingestion")
    p.add_argument("--write", type=Path, default=None, help="update the 'load' section of this file")
    p.add_argument("--work-dir", type=Path, default=None)
    # internal: the server subprocess
    p.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--ask-limit", type=int, default=None, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    if args.serve:
        return _serve_main(args)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from assistant import Assistant

    command = "python benchmarks/load.py " + " ".join(sys.argv[1:] if argv is None else argv)
    started = dt.datetime.now()
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="news-load-"))
    work.mkdir(parents=True, exist_ok=True)
    index_dir = args.index_dir.resolve()
    if not (index_dir.exists() and any(index_dir.iterdir())):
        build_index(index_dir, args.articles)
    ask_limits = [int(x) for x in args.ask_limits.split(",") if x.strip()]
    api_limits = [int(x) for x in args.api_limits.split(",") if x.strip()] or [0]
    seed_article = load_articles([SEED])[0]

    bot = Assistant.open(index_dir)
    embedder = bot.index.embedder  # loaded once, shared by every in-process Assistant
    n_base = bot.stats().articles
    present = [r for r in load_articles([NEWS], limit=max(n_base * 2, 50)) if bot.get_article(r["id"])]
    topics = calibrate(
        bot, make_topics(SEED_QUESTIONS, seed_article, present, args.topics, variants=args.variants)
    )
    print(
        f"{n_base} articles; {len(topics)} topics, {sum(len(t.pairs) for t in topics)} question pairs",
        flush=True,
    )
    bot.close()
    _clear_chroma_cache()

    plans: list[Scenario] = []
    runs = ([] if args.no_plain and args.ingest else [0]) + ([args.ingest] if args.ingest else [])
    for target in ("ui", "api") if args.target == "both" else (args.target,):
        for ingest in runs:
            if target == "ui":
                limits = ask_limits if not ingest else ask_limits[:1]
            else:
                limits = api_limits if not ingest else api_limits[:1]
            for limit in limits:
                plans.append(
                    Scenario(
                        target,
                        args.users,
                        args.duration,
                        ingest=ingest,
                        ask_limit=limit if target == "ui" else None,
                        default_limit=args.default_limit if target == "ui" else None,
                        api_limit=(limit or None) if target == "api" else None,
                        think=args.think,
                    )
                )
    results: list[ScenarioResult] = []
    texts = {r["id"]: r["text"] for r in load_articles([SEED, NEWS])}
    for n, plan in enumerate(plans):
        print(f"[{n + 1}/{len(plans)}] {plan.name} for {plan.duration:.0f} s …", flush=True)
        ingest_file, ids = None, []
        if plan.ingest:
            with Assistant.open(index_dir, embedder=embedder) as probe:
                ingest_file = work / f"ingest-{n}.jsonl"
                ids = [r["id"] for r in write_ingest_file(probe, plan.ingest, ingest_file)]
            _clear_chroma_cache()
        if plan.target == "ui":
            url, stop = start_ui_subprocess(
                index_dir, work / f"server-{n}", ask_limit=plan.ask_limit, default_limit=plan.default_limit
            )
            try:
                r = run_ui(
                    url, topics, texts, plan, ingest_file=ingest_file, ingest_ids=ids,
                    ingest_timeout=args.ingest_timeout,
                )  # fmt: skip
            finally:
                stop()
            if ids:
                with Assistant.open(index_dir, embedder=embedder) as probe:
                    r.missing_after = [a for a in ids if probe.get_article(a) is None]
        else:
            with Assistant.open(index_dir, embedder=embedder) as api_bot:
                api_bot.ask(topics[0].pairs[0].first)  # warm-up, not measured
                r = run_api(
                    api_bot, topics, plan, ingest_file=ingest_file, ingest_ids=ids,
                    ingest_timeout=args.ingest_timeout,
                )  # fmt: skip
        _clear_chroma_cache()
        results.append(r)
        print(markdown_table([r]), flush=True)

    table = markdown_table(results)
    print(table)
    if args.write:
        from benchmarks.results_file import replace_section

        body = (
            "## Load: concurrent users on the UI and the Python API (`benchmarks/load.py`)\n\n"
            f"Run {started:%Y-%m-%d %H:%M} with `{command}`; index: {n_base} articles at start "
            f"(seed + jawharafm); {len(topics)} topics, extractive answerer, think time "
            f"{args.think:.1f} s mean. Machine: {os.cpu_count()} cores, shared; load average "
            f"{results[0].load_before[0]:.1f} at start, {results[-1].load_after[0]:.1f} at the end.\n\n"
            "Latency is from sending a question to its final answer (queue wait included); req/s "
            "counts answered questions over the run's wall time. History mix-ups: a session's chat, "
            "sources panel or export shows a question it did not ask (UI), or a follow-up's "
            "standalone question differs from the one made alone (API). Off-topic follow-ups: a "
            "follow-up that cites articles, none of them its user's topic.\n\n" + table
        )
        replace_section(args.write, "load", body)
        print(f"wrote the 'load' section of {args.write}")
    return 0 if all(r.ok for r in results) else 1


def _clear_chroma_cache() -> None:
    if "chromadb" in sys.modules:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()


if __name__ == "__main__":
    sys.exit(main())
