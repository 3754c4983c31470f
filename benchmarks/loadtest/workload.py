"""The load test's workload: articles, user topics with question pairs, the index they are asked of."""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import SHARED

ROOT = Path(__file__).resolve().parents[2]

logger = logging.getLogger("benchmarks.load")

SEED = SHARED / "data" / "seed" / "haftar_russia_visit.jsonl"
NEWS = SHARED / "data" / "news" / "jawharafm.jsonl.gz"
SEED_QUESTIONS = SHARED / "eval" / "seed" / "questions.jsonl"
BUILTIN = "Built-in (extractive, offline)"  # ui.BUILTIN, repeated so the API run needs no gradio
ASK_API = "/on_ask"
ADD_API = "/on_add"
NEW_CHAT_API = "/on_new_chat"


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
