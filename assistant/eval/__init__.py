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

from assistant.eval.cli import build_parser, main
from assistant.eval.metrics import (
    contains_any,
    normalize,
    percentile,
    quote_is_exact,
    quote_matches_gold,
    recall_at,
    reciprocal_rank,
    unique_articles,
)
from assistant.eval.questions import EvalQuestion, load_questions
from assistant.eval.results import BASELINES, QuestionResult, TableResult, summarize
from assistant.eval.runner import AssistantFactory, evaluate_dataset, evaluate_questions
from assistant.eval.tables import format_misses, format_summary, format_table

__all__ = [
    "BASELINES",
    "AssistantFactory",
    "EvalQuestion",
    "QuestionResult",
    "TableResult",
    "build_parser",
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
