"""Per-question results, their summary per question file, and the tables' baselines."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.eval.metrics import percentile

__all__ = ["BASELINES", "QuestionResult", "TableResult", "summarize"]

#: Plain multilingual-e5-small dense retrieval over whole passages (measured in issue 3):
#: (dataset folder name, question lang, article lang) -> metrics.
BASELINES: dict[tuple[str, str, str], dict[str, float]] = {
    ("xquad", "en", "ar"): {"recall@1": 0.753, "recall@5": 0.947, "mrr@10": 0.838},
    ("xquad", "ar", "ar"): {"recall@1": 0.861, "recall@5": 0.967, "mrr@10": 0.910},
}


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
            if self.recall and not self.recall.get(max(self.recall, key=_cutoff_of), 0.0):
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


def _cutoff_of(name: str) -> int:
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
