"""Evaluation harness: ``python -m assistant.eval DATASET_DIR [DATASET_DIR ...]``.

A dataset folder holds ``articles.jsonl`` (article records) and one or more ``questions*.jsonl``
files (question records: ``id``, ``question``, ``lang``, ``answers``, ``gold_article_ids``,
``answerable``, optionally ``gold_quotes`` and, for cross-lingual sets, ``answers_ar``). For every
dataset the harness indexes the articles (a temporary index, or ``--index-dir DIR/<dataset>`` to
keep it between runs), then for every question file asks each question through
:meth:`Assistant.retrieve` and :meth:`Assistant.ask` and reports, one table per question file:

- retrieval by article: recall@1/5/10 and MRR@10 (passages deduplicated by article, in rank order);
- answers: answer-contains-gold (normalised containment of a gold answer; English questions also
  accept ``answers_ar``), cites-gold-article, gold-quote-cited, exact-quote rate (every citation's
  ``quote == article.text[start:end]``), abstention on unanswerable questions and false abstention
  on answerable ones;
- p50/p95 latency of retrieval and ``ask`` in milliseconds. ``ask`` runs first, so its latency is
  the cold one a user waits for, and the retrieval latency is the retrieval stage inside it
  (``Answer.timings["retrieve_ms"]``, cold, the answer's own k). The ``retrieve(k)`` call that
  follows finds the retriever's caches warm; its latency is reported apart.

Before timing, one untimed warm-up question per dataset absorbs lazy loading (its seconds are in
the JSON). ``--retrieval-only`` skips ``ask`` (recall, MRR and retrieve latency only: several
times faster). ``--sample N --seed S`` and ``--limit N`` evaluate subsets. Exit code: 0 done,
1 some questions raised (they are counted in the tables), 2 bad arguments or dataset folders.

``--articles PATH`` overrides where the articles come from (``NAME=PATH`` targets the dataset whose
folder is called NAME); the seed set needs it, e.g.::

    python -m assistant.eval ../shared/eval/seed --articles ../shared/data/seed/haftar_russia_visit.jsonl

The metric functions are pure and importable; :func:`evaluate_dataset` takes an
``assistant_factory`` so that tests can run the harness on a fake assistant.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from index.text import normalize_for_match

__all__ = [
    "BASELINES",
    "EvalQuestion",
    "QuestionResult",
    "TableResult",
    "contains_any",
    "evaluate_dataset",
    "evaluate_questions",
    "format_misses",
    "format_summary",
    "format_table",
    "load_questions",
    "main",
    "normalize",
    "percentile",
    "quote_is_exact",
    "quote_matches_gold",
    "recall_at",
    "reciprocal_rank",
    "summarize",
    "unique_articles",
]

logger = logging.getLogger(__name__)

#: Plain multilingual-e5-small dense retrieval over whole passages (measured in issue 3):
#: (dataset folder name, question lang, article lang) -> metrics.
BASELINES: dict[tuple[str, str, str], dict[str, float]] = {
    ("xquad", "en", "ar"): {"recall@1": 0.753, "recall@5": 0.947, "mrr@10": 0.838},
    ("xquad", "ar", "ar"): {"recall@1": 0.861, "recall@5": 0.967, "mrr@10": 0.910},
}


# --------------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class EvalQuestion:
    """One question record of a dataset's ``questions*.jsonl``."""

    id: str
    question: str
    lang: str
    answers: tuple[str, ...] = ()
    gold_article_ids: tuple[str, ...] = ()
    answerable: bool = True
    gold_quotes: tuple[str, ...] = ()
    answers_ar: tuple[str, ...] = ()

    @classmethod
    def from_record(cls, record: dict[str, Any], where: str = "") -> EvalQuestion:
        if not isinstance(record, dict):
            raise ValueError(f"{where}: expected a JSON object, got {type(record).__name__}")
        missing = [k for k in ("id", "question") if not record.get(k)]
        if missing:
            raise ValueError(
                f"{where}: question record lacks {', '.join(missing)}; got keys {sorted(record)}"
            )

        def strings(key: str) -> tuple[str, ...]:
            value = record.get(key) or ()
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{where}: expected '{key}' to be a list of strings, got {value!r}")
            return tuple(value)

        gold_ids = strings("gold_article_ids")
        answerable = record.get("answerable")
        if answerable is None:
            answerable = bool(gold_ids)
        return cls(
            id=str(record["id"]),
            question=str(record["question"]),
            lang=str(record.get("lang") or "und"),
            answers=strings("answers"),
            gold_article_ids=gold_ids,
            answerable=bool(answerable),
            gold_quotes=strings("gold_quotes"),
            answers_ar=strings("answers_ar"),
        )

    def accepted_answers(self) -> tuple[str, ...]:
        """Gold answers an answer may contain: ``answers``, plus ``answers_ar`` for English questions."""
        extra = self.answers_ar if self.lang == "en" else ()
        return self.answers + tuple(a for a in extra if a not in self.answers)


def _read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: expected one JSON object per line ({exc})") from exc


def load_questions(path: str | Path) -> list[EvalQuestion]:
    """Read a ``questions*.jsonl`` file; errors name the file and line."""
    path = Path(path)
    return [EvalQuestion.from_record(rec, f"{path}:{n}") for n, rec in _read_jsonl(path)]


# --------------------------------------------------------------------------------------------------
# Pure metrics


def normalize(text: str) -> str:
    """The normal form both sides of a containment check are put into (the index's own matching form)."""
    return normalize_for_match(text)


def unique_articles(article_ids: Iterable[str]) -> list[str]:
    """Article ids in rank order, each once (a passage list becomes an article ranking)."""
    return list(dict.fromkeys(article_ids))


def recall_at(ranked_articles: Sequence[str], gold: Iterable[str], k: int) -> float:
    """1.0 when a gold article is among the first ``k`` ranked articles, else 0.0."""
    gold = set(gold)
    if not gold:
        raise ValueError("recall needs at least one gold article id; got none")
    return 1.0 if gold.intersection(ranked_articles[:k]) else 0.0


def reciprocal_rank(ranked_articles: Sequence[str], gold: Iterable[str], k: int = 10) -> float:
    """1/rank of the first gold article within the first ``k``; 0.0 when none is there."""
    gold = set(gold)
    if not gold:
        raise ValueError("reciprocal rank needs at least one gold article id; got none")
    for rank, article_id in enumerate(ranked_articles[:k], 1):
        if article_id in gold:
            return 1.0 / rank
    return 0.0


def _contains(haystack_norm: str, needle_norm: str) -> bool:
    """Substring match that does not split a number (gold ``24`` is not in ``2024``)."""
    if not needle_norm:
        return False
    pattern = re.escape(needle_norm)
    if needle_norm[0].isdigit():
        pattern = r"(?<!\d)" + pattern
    if needle_norm[-1].isdigit():
        pattern += r"(?!\d)"
    return re.search(pattern, haystack_norm) is not None


def contains_any(text: str, golds: Iterable[str]) -> bool:
    """Whether the normalised ``text`` contains any normalised gold string."""
    norm = normalize(text)
    return any(_contains(norm, normalize(g)) for g in golds)


def quote_is_exact(quote: str, article_text: str | None, start: int, end: int) -> bool:
    """The citation contract: ``quote == article_text[start:end]`` and the quote is not empty."""
    if article_text is None or not quote:
        return False
    if not (0 <= start < end <= len(article_text)):
        return False
    return article_text[start:end] == quote


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def quote_matches_gold(
    quote: str,
    gold_quotes: Iterable[str],
    *,
    article_text: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> bool:
    """Whether a cited quote is a gold quote: normalised containment either way, or (when the
    article text and the citation's offsets are given) a span overlapping at least half of the
    shorter of the two (a gold quote cut across two cited sentences still counts).
    """
    quote_norm = normalize(quote)
    for gold in gold_quotes:
        gold_norm = normalize(gold)
        if not gold_norm or not quote_norm:
            continue
        if _contains(quote_norm, gold_norm) or _contains(gold_norm, quote_norm):
            return True
        if article_text is not None and start is not None and end is not None:
            at = article_text.find(gold)
            while at >= 0:
                shared = _overlap((start, end), (at, at + len(gold)))
                if shared and shared * 2 >= min(end - start, len(gold)):
                    return True
                at = article_text.find(gold, at + 1)
    return False


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0..100) with linear interpolation, as numpy's default; None if empty."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile expects q in [0, 100], got {q}")
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


# --------------------------------------------------------------------------------------------------
# Per-question results and their summary


@dataclass
class QuestionResult:
    """What happened to one question; ``None`` marks a metric that does not apply."""

    id: str
    question: str
    lang: str
    answerable: bool
    gold_article_ids: list[str]
    gold_answers: list[str]
    ranked_articles: list[str] = field(default_factory=list)
    recall: dict[str, float] = field(default_factory=dict)  # "recall@1" -> 0/1
    mrr: float | None = None
    answer_text: str = ""
    answered: bool | None = None  # Answer.answerable
    contains_gold: bool | None = None
    evidence_contains_gold: bool | None = None  # a cited quote contains a gold answer
    cites_gold_article: bool | None = None
    gold_quote_cited: bool | None = None
    citations: list[dict[str, Any]] = field(default_factory=list)
    exact_quotes: int = 0
    n_citations: int = 0
    retrieve_ms: float | None = None  # cold: the retrieval stage inside ask, or the call itself
    retrieve_warm_ms: float | None = None  # retrieve(k) called again after ask (caches warm)
    ask_ms: float | None = None
    error: str | None = None

    @property
    def top3(self) -> list[str]:
        return self.ranked_articles[:3]

    def miss_reasons(self) -> list[str]:
        """Why this question counts as a miss (empty when everything went right)."""
        reasons = []
        if self.error:
            reasons.append("error")
        if self.answerable:
            if self.recall and not self.recall.get(max(self.recall, key=_k_of), 0.0):
                reasons.append("not-retrieved")
            if self.answered is False:
                reasons.append("abstained")
            if self.contains_gold is False and self.answered:
                reasons.append("answer-lacks-gold")
            if self.cites_gold_article is False and self.answered:
                reasons.append("gold-article-not-cited")
            if self.gold_quote_cited is False and self.answered:
                reasons.append("gold-quote-not-cited")
        elif self.answered:
            reasons.append("answered-unanswerable")
        if self.exact_quotes < self.n_citations:
            reasons.append("inexact-quote")
        return reasons

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["top3"] = self.top3
        data["miss_reasons"] = self.miss_reasons()
        return data


def _k_of(name: str) -> int:
    return int(name.split("@", 1)[1])


def _mean(values: Iterable[float | bool | None]) -> float | None:
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def summarize(results: Sequence[QuestionResult], ks: Sequence[int] = (1, 5, 10)) -> dict[str, Any]:
    """Aggregate metrics over a question file's results (rates in 0..1, latencies in ms)."""
    answerable = [r for r in results if r.answerable and not r.error]
    unanswerable = [r for r in results if not r.answerable and not r.error]
    with_gold = [r for r in answerable if r.gold_article_ids]
    metrics: dict[str, Any] = {
        "questions": len(results),
        "answerable": sum(r.answerable for r in results),
        "unanswerable": sum(not r.answerable for r in results),
        "errors": sum(bool(r.error) for r in results),
    }
    for k in ks:
        metrics[f"recall@{k}"] = _mean(r.recall.get(f"recall@{k}") for r in with_gold)
    metrics[f"mrr@{max(ks)}"] = _mean(r.mrr for r in with_gold)
    metrics["answer_contains_gold"] = _mean(r.contains_gold for r in answerable)
    metrics["evidence_contains_gold"] = _mean(r.evidence_contains_gold for r in answerable)
    metrics["cites_gold_article"] = _mean(r.cites_gold_article for r in answerable)
    metrics["gold_quote_cited"] = _mean(r.gold_quote_cited for r in answerable)
    n_cit = sum(r.n_citations for r in results)
    metrics["citations"] = n_cit
    metrics["exact_quote_rate"] = sum(r.exact_quotes for r in results) / n_cit if n_cit else None
    # questions that were not asked (retrieval-only runs) have answered None and do not count
    metrics["abstention_unanswerable"] = _mean(
        r.answered is False for r in unanswerable if r.answered is not None
    )
    metrics["false_abstention"] = _mean(r.answered is False for r in answerable if r.answered is not None)
    for name in ("retrieve", "retrieve_warm", "ask"):
        times = [getattr(r, f"{name}_ms") for r in results if getattr(r, f"{name}_ms") is not None]
        metrics[f"{name}_p50_ms"] = percentile(times, 50)
        metrics[f"{name}_p95_ms"] = percentile(times, 95)
    return metrics


@dataclass
class TableResult:
    """The evaluation of one question file of one dataset."""

    dataset: str
    question_file: str
    question_lang: str
    article_lang: str
    metrics: dict[str, Any]
    results: list[QuestionResult]
    baseline: dict[str, float] | None = None
    index_seconds: float | None = None
    warmup_seconds: float | None = None

    @property
    def name(self) -> str:
        return f"{self.dataset}/{self.question_file} ({self.question_lang}→{self.article_lang})"

    def misses(self) -> list[QuestionResult]:
        return [r for r in self.results if r.miss_reasons()]

    def to_dict(self, *, with_results: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "dataset": self.dataset,
            "question_file": self.question_file,
            "question_lang": self.question_lang,
            "article_lang": self.article_lang,
            "metrics": self.metrics,
            "baseline": self.baseline,
            "index_seconds": self.index_seconds,
            "warmup_seconds": self.warmup_seconds,
            "misses": [r.id for r in self.misses()],
        }
        if with_results:
            data["results"] = [r.to_dict() for r in self.results]
        return data


# --------------------------------------------------------------------------------------------------
# Running questions through an assistant


class _Bot(Protocol):  # the part of assistant.Assistant the harness uses
    def add(self, inputs: list[str], **kwargs: Any) -> Any: ...
    def retrieve(self, question: str, k: int = 10, **kwargs: Any) -> list[Any]: ...
    def ask(self, question: str, **kwargs: Any) -> Any: ...
    def get_article(self, article_id: str) -> Any: ...
    def close(self) -> None: ...


AssistantFactory = Callable[[Path], _Bot]
Progress = Callable[[int], None]


def _default_factory(index_dir: Path) -> _Bot:
    from assistant import Assistant

    return Assistant.open(index_dir)


def _result_for(q: EvalQuestion, **measured: Any) -> QuestionResult:
    """A question's result before (or instead of) measuring: what the question file says."""
    return QuestionResult(
        id=q.id,
        question=q.question,
        lang=q.lang,
        answerable=q.answerable,
        gold_article_ids=list(q.gold_article_ids),
        gold_answers=list(q.accepted_answers()),
        **measured,
    )


def _evaluate_one(
    bot: _Bot,
    q: EvalQuestion,
    *,
    k: int,
    ks: Sequence[int],
    articles: dict[str, str | None],
    ask: bool = True,
) -> QuestionResult:
    result = _result_for(q)
    # ask first: its latency is what a user waits for; retrieve then runs with the retriever's caches warm
    answer = None
    if ask:
        t0 = time.perf_counter()
        answer = bot.ask(q.question)
        result.ask_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    passages = bot.retrieve(q.question, k=k)
    elapsed = (time.perf_counter() - t0) * 1000
    if answer is None:
        result.retrieve_ms = elapsed
    else:
        result.retrieve_warm_ms = elapsed
        timings = getattr(answer, "timings", None) or {}
        result.retrieve_ms = timings.get("retrieve_ms")
    result.ranked_articles = unique_articles(p.article_id for p in passages)
    if q.gold_article_ids:
        for cut in ks:
            result.recall[f"recall@{cut}"] = recall_at(result.ranked_articles, q.gold_article_ids, cut)
        result.mrr = reciprocal_rank(result.ranked_articles, q.gold_article_ids, max(ks))

    if answer is None:
        return result
    result.answer_text = answer.text
    result.answered = bool(answer.answerable)
    cited_articles = set()
    gold_quote_hit = False
    evidence_hit = False
    golds = q.accepted_answers()
    for c in answer.citations:
        if c.article_id not in articles:
            article = bot.get_article(c.article_id)
            articles[c.article_id] = article.text if article is not None else None
        text = articles[c.article_id]
        exact = quote_is_exact(c.quote, text, c.start, c.end)
        result.n_citations += 1
        result.exact_quotes += exact
        cited_articles.add(c.article_id)
        if q.gold_quotes and c.article_id in q.gold_article_ids:
            gold_quote_hit = gold_quote_hit or quote_matches_gold(
                c.quote, q.gold_quotes, article_text=text, start=c.start, end=c.end
            )
        evidence_hit = evidence_hit or contains_any(c.quote, golds)
        result.citations.append(
            {
                "marker": c.marker,
                "article_id": c.article_id,
                "quote": c.quote,
                "start": c.start,
                "end": c.end,
                "exact": exact,
            }
        )
    if q.answerable:
        result.contains_gold = contains_any(answer.text, golds) if golds else None
        result.evidence_contains_gold = evidence_hit if golds else None
        result.cites_gold_article = bool(cited_articles.intersection(q.gold_article_ids))
        result.gold_quote_cited = gold_quote_hit if q.gold_quotes else None
    return result


def evaluate_questions(
    bot: _Bot,
    questions: Sequence[EvalQuestion],
    *,
    k: int = 10,
    ks: Sequence[int] = (1, 5, 10),
    progress: Progress | None = None,
    ask: bool = True,
) -> list[QuestionResult]:
    """Retrieve for and ask every question (``ask=False``: retrieve only); a question that raises
    is recorded with its error."""
    ks = tuple(sorted({c for c in ks if c <= k})) or (k,)
    articles: dict[str, str | None] = {}
    results = []
    for q in questions:
        try:
            results.append(_evaluate_one(bot, q, k=k, ks=ks, articles=articles, ask=ask))
        except Exception as exc:  # one failing question must not end a long run; it is reported
            logger.warning("question %s failed: %s: %s", q.id, type(exc).__name__, exc)
            results.append(_result_for(q, error=f"{type(exc).__name__}: {exc}"))
        if progress:
            progress(1)
    return results


def _select(
    questions: list[EvalQuestion], *, limit: int | None, sample: int | None, seed: int
) -> list[EvalQuestion]:
    if sample is not None and sample < len(questions):
        keep = sorted(random.Random(seed).sample(range(len(questions)), sample))
        questions = [questions[i] for i in keep]
    if limit is not None:
        questions = questions[:limit]
    return questions


def _script_lang(text: str) -> str:
    arabic = sum("\u0600" <= ch <= "\u06ff" for ch in text)
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    return "ar" if arabic > latin else "en" if latin else "und"


def _articles_lang(path: Path) -> tuple[str, int | None]:
    """The main language of a JSONL article file (its ``lang`` fields, else the script) and its size."""
    if path.suffix != ".jsonl" or not path.is_file():
        return "und", None
    langs: Counter[str] = Counter()
    for _, rec in _read_jsonl(path):
        if isinstance(rec, dict):
            langs[rec.get("lang") or _script_lang(str(rec.get("text", ""))[:2000])] += 1
    return (langs.most_common(1)[0][0] if langs else "und"), sum(langs.values())


def _main_lang(questions: Sequence[EvalQuestion]) -> str:
    """The questions' language, or ``en+ar`` (most frequent first) for a mixed file."""
    langs = Counter(q.lang for q in questions)
    return "+".join(lang for lang, _ in langs.most_common()) if langs else "und"


@contextmanager
def _index_dir(index_dir: Path | None, dataset: str) -> Iterator[Path]:
    if index_dir is not None:
        path = Path(index_dir) / dataset
        path.parent.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix=f"eval-{dataset}-") as tmp:
        yield Path(tmp) / "index"


def evaluate_dataset(
    dataset_dir: str | Path,
    *,
    articles: str | Path | None = None,
    index_dir: str | Path | None = None,
    k: int = 10,
    limit: int | None = None,
    sample: int | None = None,
    seed: int = 0,
    assistant_factory: AssistantFactory | None = None,
    show_progress: bool = False,
    ask: bool = True,
) -> list[TableResult]:
    """Index a dataset's articles and evaluate each of its question files (one table each).

    ``index_dir`` keeps the index in ``index_dir/<dataset name>`` so a second run skips embedding;
    without it a temporary index is built and removed. ``assistant_factory(path)`` opens the
    assistant (default: ``Assistant.open(path)``).
    """
    dataset_dir = Path(dataset_dir)
    if not dataset_dir.is_dir():
        raise FileNotFoundError(f"expected a dataset folder with questions*.jsonl, got {dataset_dir}")
    question_files = sorted(dataset_dir.glob("questions*.jsonl"))
    if not question_files:
        raise FileNotFoundError(f"{dataset_dir}: expected one or more questions*.jsonl files, found none")
    articles_path = Path(articles) if articles else dataset_dir / "articles.jsonl"
    if not articles_path.exists():
        raise FileNotFoundError(
            f"{dataset_dir}: expected articles at {articles_path}; pass --articles PATH for this dataset"
        )
    dataset = dataset_dir.name
    # read every question file before the (slow) indexing, so a bad record fails fast
    question_sets = [
        (qfile.stem, _select(load_questions(qfile), limit=limit, sample=sample, seed=seed))
        for qfile in question_files
    ]
    article_lang, n_articles = _articles_lang(articles_path)
    factory = assistant_factory or _default_factory
    tables = []
    with _index_dir(Path(index_dir) if index_dir else None, dataset) as where:
        bot = factory(where)
        try:
            t0 = time.perf_counter()
            with _bar(show_progress, total=n_articles, desc=f"index {dataset}", unit="article") as bar:
                report = bot.add([str(articles_path)], progress=_seen_progress(bar))
            index_seconds = time.perf_counter() - t0
            if getattr(report, "problems", None):
                for problem in report.problems:
                    logger.warning("%s: %s", dataset, problem)
            logger.info("%s: %s", dataset, report.summary() if hasattr(report, "summary") else report)
            warmup_seconds = _warm_up(bot, ask=ask)
            for stem, questions in question_sets:
                q_lang = _main_lang(questions)
                with _bar(show_progress, total=len(questions), desc=f"{dataset}/{stem}") as bar:
                    results = evaluate_questions(bot, questions, k=k, progress=bar.update, ask=ask)
                tables.append(
                    TableResult(
                        dataset=dataset,
                        question_file=stem,
                        question_lang=q_lang,
                        article_lang=article_lang,
                        metrics=summarize(results, ks=tuple(c for c in (1, 5, 10) if c <= k) or (k,)),
                        results=results,
                        baseline=BASELINES.get((dataset, q_lang, article_lang)),
                        index_seconds=index_seconds,
                        warmup_seconds=warmup_seconds,
                    )
                )
        finally:
            bot.close()
    return tables


def _warm_up(bot: _Bot, *, ask: bool) -> float:
    """One untimed question, so lazy loading (models, caches) does not land in the first latency."""
    t0 = time.perf_counter()
    try:
        bot.retrieve("warm up", k=1)
        if ask:
            bot.ask("warm up")
    except Exception as exc:  # the questions themselves will show the failure
        logger.warning("warm-up question failed: %s: %s", type(exc).__name__, exc)
    return time.perf_counter() - t0


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass


@contextmanager
def _bar(enabled: bool, **kwargs: Any) -> Iterator[Any]:
    if not enabled:
        yield _NoBar()
        return
    from tqdm import tqdm

    bar = tqdm(file=sys.stderr, dynamic_ncols=True, **kwargs)
    try:
        yield bar
    finally:
        bar.close()


def _seen_progress(bar: Any) -> Callable[[int, str], None]:
    last = [0]

    def progress(seen: int, status: str) -> None:
        bar.update(max(0, seen - last[0]))
        last[0] = max(last[0], seen)

    return progress


# --------------------------------------------------------------------------------------------------
# Output

_ROWS: list[tuple[str, str]] = [
    ("questions", "questions (answerable / unanswerable)"),
    ("recall@1", "recall@1"),
    ("recall@5", "recall@5"),
    ("recall@10", "recall@10"),
    ("mrr@10", "MRR@10"),
    ("answer_contains_gold", "answer contains gold"),
    ("evidence_contains_gold", "cited quote contains gold"),
    ("cites_gold_article", "cites gold article"),
    ("gold_quote_cited", "gold quote cited"),
    ("exact_quote_rate", "exact-quote rate (citations)"),
    ("abstention_unanswerable", "abstention on unanswerable"),
    ("false_abstention", "false abstention on answerable"),
    ("retrieve_ms", "retrieve latency p50 / p95 (ms)"),
    ("retrieve_warm_ms", "retrieve again after ask, warm (ms)"),
    ("ask_ms", "ask latency p50 / p95 (ms)"),
    ("errors", "errors"),
]


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _cell(metrics: dict[str, Any], key: str) -> str:
    if key == "questions":
        return f"{metrics['questions']} ({metrics['answerable']} / {metrics['unanswerable']})"
    if key.endswith("_ms"):
        p50, p95 = metrics.get(f"{key[:-3]}_p50_ms"), metrics.get(f"{key[:-3]}_p95_ms")
        return "–" if p50 is None else f"{p50:.0f} / {p95:.0f}"
    if key == "exact_quote_rate" and metrics.get("citations"):
        return f"{_fmt(metrics[key])} of {metrics['citations']}"
    return _fmt(metrics.get(key))


def _render(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = ["  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(out)


def format_table(table: TableResult, *, markdown: bool = False) -> str:
    """One question file's metrics as a metric/value table, with the baseline column when known."""
    header = ["metric", "value"] + (["baseline (e5-small dense)"] if table.baseline else [])
    rows = []
    for key, label in _ROWS:
        if key == "errors" and not table.metrics.get("errors"):
            continue
        if key == "retrieve_warm_ms" and table.metrics.get("retrieve_warm_p50_ms") is None:
            continue
        row = [label, _cell(table.metrics, key)]
        if table.baseline:
            row.append(_fmt(table.baseline.get(key)))
        rows.append(row)
    title = f"### {table.name}" if markdown else table.name
    return f"{title}\n\n{_render(header, rows, markdown)}\n"


def format_summary(tables: Sequence[TableResult], *, markdown: bool = False) -> str:
    """All question files in one table, one row each, with baseline rows under the XQuAD ones."""
    keys = [
        "recall@1",
        "recall@5",
        "recall@10",
        "mrr@10",
        "answer_contains_gold",
        "cites_gold_article",
        "exact_quote_rate",
        "abstention_unanswerable",
        "false_abstention",
    ]
    header = [
        "set",
        "n",
        "R@1",
        "R@5",
        "R@10",
        "MRR",
        "ans⊇gold",
        "cites gold",
        "exact",
        "abstain",
        "false abst.",
    ]
    header += ["retrieve ms p50/p95", "ask ms p50/p95"]
    rows = []
    for t in tables:
        m = t.metrics
        rows.append([t.name, str(m["questions"]), *[_fmt(m.get(k)) for k in keys]])
        rows[-1] += [_cell(m, "retrieve_ms"), _cell(m, "ask_ms")]
        if t.baseline:
            rows.append(
                [f"  baseline e5-small ({t.question_lang}→{t.article_lang})", ""]
                + [_fmt(t.baseline.get(k)) if k in t.baseline else "" for k in keys]
                + ["", ""]
            )
    return _render(header, rows, markdown) + "\n"


def format_misses(table: TableResult, *, limit: int | None = None) -> str:
    """The questions of a table that missed, with why, the gold, the answer and the top-3 articles."""
    misses = table.misses()
    lines = [f"misses in {table.name}: {len(misses)} of {len(table.results)}"]
    for r in misses[:limit] if limit else misses:
        answer = " ".join(r.answer_text.split())
        lines.append(f"- {r.id} [{', '.join(r.miss_reasons())}] {r.question}")
        lines.append(f"    gold: {r.gold_answers} in {r.gold_article_ids}; top3: {r.top3}")
        lines.append(f"    answer: {answer[:300]}" + ("…" if len(answer) > 300 else ""))
        if r.error:
            lines.append(f"    error: {r.error}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------
# Command line


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m assistant.eval",
        description="Evaluate retrieval and answers on dataset folders (articles.jsonl + questions*.jsonl).",
    )
    p.add_argument("datasets", nargs="+", metavar="DATASET_DIR", help="folders with questions*.jsonl")
    p.add_argument(
        "--articles",
        action="append",
        default=[],
        metavar="[NAME=]PATH",
        help="articles to index instead of DATASET_DIR/articles.jsonl; NAME=PATH applies to the dataset "
        "folder called NAME only (repeatable)",
    )
    p.add_argument(
        "--index-dir",
        help="keep indexes in INDEX_DIR/<dataset> between runs (re-adding is idempotent); "
        "default: a temporary index per dataset",
    )
    p.add_argument("--k", type=int, default=10, help="passages retrieved per question (default 10)")
    p.add_argument("--limit", type=int, help="first N questions of each question file")
    p.add_argument("--sample", type=int, help="a random subset of N questions of each question file")
    p.add_argument("--seed", type=int, default=0, help="random seed for --sample (default 0)")
    p.add_argument("--json", metavar="OUT", help="write metrics and per-question results to OUT")
    p.add_argument("--markdown", action="store_true", help="print tables as Markdown")
    p.add_argument(
        "--retrieval-only", action="store_true", help="only retrieve (recall, MRR, latency); do not ask"
    )
    p.add_argument("--misses", action="store_true", help="also print the questions that missed")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    return p


def _articles_for(specs: Sequence[str], datasets: Sequence[Path]) -> dict[Path, str]:
    """``--articles`` values: a plain PATH applies to every dataset, NAME=PATH to the one called NAME
    (and wins over a plain PATH)."""
    names = {d.name for d in datasets}
    plain = [s for s in specs if s.partition("=")[0] not in names or "=" not in s]
    targeted = [s.partition("=") for s in specs if s not in plain]
    if len(plain) > 1:
        raise ValueError(f"--articles: expected one plain PATH (use NAME=PATH for the others), got {plain}")
    chosen = {d: plain[0] for d in datasets} if plain else {}
    for name, _, path in targeted:
        chosen.update({d: path for d in datasets if d.name == name})
    return chosen


def main(argv: Sequence[str] | None = None, *, assistant_factory: AssistantFactory | None = None) -> int:
    for key, value in (
        ("HF_HUB_OFFLINE", "1"),
        ("TRANSFORMERS_OFFLINE", "1"),
        ("ANONYMIZED_TELEMETRY", "False"),
        ("TOKENIZERS_PARALLELISM", "false"),
    ):
        os.environ.setdefault(key, value)
    args = build_parser().parse_args(argv)
    level = logging.WARNING if args.verbose <= 0 else logging.INFO if args.verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for number, flag in ((args.k, "--k"), (args.limit, "--limit"), (args.sample, "--sample")):
        if number is not None and number < 1:
            print(f"error: {flag} expects a positive number, got {number}", file=sys.stderr)
            return 2
    datasets = [Path(d) for d in args.datasets]
    try:
        articles = _articles_for(args.articles, datasets)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    tables: list[TableResult] = []
    started = time.perf_counter()
    try:
        for d in datasets:
            tables += evaluate_dataset(
                d,
                articles=articles.get(d),
                index_dir=args.index_dir,
                k=args.k,
                limit=args.limit,
                sample=args.sample,
                seed=args.seed,
                assistant_factory=assistant_factory,
                show_progress=not args.quiet,
                ask=not args.retrieval_only,
            )
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for t in tables:
        print(format_table(t, markdown=args.markdown))
    errors = sum(t.metrics["errors"] for t in tables)
    if len(tables) > 1:
        print(
            ("### Summary\n\n" if args.markdown else "Summary\n\n")
            + format_summary(tables, markdown=args.markdown)
        )
    if args.misses:
        for t in tables:
            print(format_misses(t))
    if args.json:
        payload = {
            "config": {
                "datasets": [str(d) for d in datasets],
                "articles": {str(d): p for d, p in articles.items()},
                "k": args.k,
                "limit": args.limit,
                "sample": args.sample,
                "seed": args.seed,
                "retrieval_only": args.retrieval_only,
                "seconds": round(time.perf_counter() - started, 1),
            },
            "tables": [t.to_dict() for t in tables],
        }
        Path(args.json).write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    if errors:
        print(f"warning: {errors} question(s) raised an error (see the tables)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
