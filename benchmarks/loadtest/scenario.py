"""What one load-test run does (``Scenario``), what it measured (``ScenarioResult``), each user's plan."""

from __future__ import annotations

import random
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.loadtest.workload import Pair, Topic


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


def user_plan(topics: Sequence[Topic], user: int, users: int) -> list[tuple[Topic, Pair]]:
    """The (topic, pair)s a user cycles through: topics user, user + users, ... (at least one)."""
    own = [t for i, t in enumerate(topics) if i % users == user] or [topics[user % len(topics)]]
    plan = [(t, p) for t in own for p in t.pairs]
    random.Random(user).shuffle(plan)
    return plan


def think_pause(rng: random.Random, mean: float, deadline: float) -> None:
    """Sleep a random think time of mean ``mean`` seconds, never past ``deadline``."""
    if mean > 0:
        time.sleep(min(rng.uniform(0, 2 * mean), max(0.0, deadline - time.monotonic())))


def ingest_thread(result: ScenarioResult, work: Callable[[], int], done: threading.Event) -> threading.Thread:
    """Run ``work`` (it returns the articles added) in a thread, its outcome recorded in ``result``."""

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
