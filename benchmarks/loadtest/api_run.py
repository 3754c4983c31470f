"""The load test through the Python API: users sharing one ``Assistant``, an ingestion beside them."""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.loadtest.scenario import Scenario, ScenarioResult, ingest_thread, think_pause, user_plan
from benchmarks.loadtest.workload import Topic

logger = logging.getLogger("benchmarks.load")


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
        ingest = ingest_thread(result, lambda: bot.add([str(ingest_file)]).added, done)

    def user(u: int) -> None:
        rng = random.Random(scenario.seed * 1000 + u)
        plan = user_plan(topics, u, scenario.users)
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
                think_pause(rng, scenario.think, deadline)

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
