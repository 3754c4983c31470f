"""Runs a dataset through an assistant: index its articles, ask and retrieve every question, measure."""

from __future__ import annotations

import logging
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from assistant.eval.metrics import (
    contains_any,
    quote_is_exact,
    quote_matches_gold,
    recall_at,
    reciprocal_rank,
    unique_articles,
)
from assistant.eval.questions import EvalQuestion, load_questions, read_jsonl
from assistant.eval.results import BASELINES, QuestionResult, TableResult, summarize

__all__ = ["AssistantFactory", "EvaluatedAssistant", "evaluate_dataset", "evaluate_questions"]

logger = logging.getLogger(__name__)


class EvaluatedAssistant(Protocol):  # the part of assistant.Assistant the harness uses
    def add(self, inputs: list[str], **kwargs: Any) -> Any: ...
    def retrieve(self, question: str, k: int = 10, **kwargs: Any) -> list[Any]: ...
    def ask(self, question: str, **kwargs: Any) -> Any: ...
    def get_article(self, article_id: str) -> Any: ...
    def close(self) -> None: ...


AssistantFactory = Callable[[Path], EvaluatedAssistant]
Progress = Callable[[int], None]


def _default_factory(index_dir: Path) -> EvaluatedAssistant:
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
    bot: EvaluatedAssistant,
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
    bot: EvaluatedAssistant,
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


def _select_questions(
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
    for _, rec in read_jsonl(path):
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
        (qfile.stem, _select_questions(load_questions(qfile), limit=limit, sample=sample, seed=seed))
        for qfile in question_files
    ]
    article_lang, n_articles = _articles_lang(articles_path)
    factory = assistant_factory or _default_factory
    tables = []
    with _index_dir(Path(index_dir) if index_dir else None, dataset) as where:
        bot = factory(where)
        try:
            t0 = time.perf_counter()
            with _progress_bar(
                show_progress, total=n_articles, desc=f"index {dataset}", unit="article"
            ) as bar:
                report = bot.add([str(articles_path)], progress=_indexing_progress(bar))
            index_seconds = time.perf_counter() - t0
            if getattr(report, "problems", None):
                for problem in report.problems:
                    logger.warning("%s: %s", dataset, problem)
            logger.info("%s: %s", dataset, report.summary() if hasattr(report, "summary") else report)
            warmup_seconds = _warm_up(bot, ask=ask)
            for stem, questions in question_sets:
                q_lang = _main_lang(questions)
                with _progress_bar(show_progress, total=len(questions), desc=f"{dataset}/{stem}") as bar:
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


def _warm_up(bot: EvaluatedAssistant, *, ask: bool) -> float:
    """One untimed question, so lazy loading (models, caches) does not land in the first latency."""
    t0 = time.perf_counter()
    try:
        bot.retrieve("warm up", k=1)
        if ask:
            bot.ask("warm up")
    except Exception as exc:  # the questions themselves will show the failure
        logger.warning("warm-up question failed: %s: %s", type(exc).__name__, exc)
    return time.perf_counter() - t0


class _NoProgressBar:
    def update(self, n: int = 1) -> None:
        pass


@contextmanager
def _progress_bar(enabled: bool, **kwargs: Any) -> Iterator[Any]:
    if not enabled:
        yield _NoProgressBar()
        return
    from tqdm import tqdm

    bar = tqdm(file=sys.stderr, dynamic_ncols=True, **kwargs)
    try:
        yield bar
    finally:
        bar.close()


def _indexing_progress(bar: Any) -> Callable[[int, str], None]:
    last = [0]

    def progress(seen: int, status: str) -> None:
        bar.update(max(0, seen - last[0]))
        last[0] = max(last[0], seen)

    return progress
