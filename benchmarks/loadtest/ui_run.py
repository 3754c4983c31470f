"""The load test through the web UI: one ``gradio_client`` session per user, every page view checked."""

from __future__ import annotations

import html
import logging
import os
import random
import re
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.loadtest.scenario import Scenario, ScenarioResult, ingest_thread, think_pause, user_plan
from benchmarks.loadtest.workload import ADD_API, ASK_API, BUILTIN, NEW_CHAT_API, Topic

logger = logging.getLogger("benchmarks.load")


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

        ingest = ingest_thread(result, add, done)

    def user(u: int) -> None:
        rng = random.Random(scenario.seed * 1000 + u)
        plan = user_plan(topics, u, scenario.users)
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
                think_pause(rng, scenario.think, deadline)

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
