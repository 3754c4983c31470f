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
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from benchmarks import offline_environment  # noqa: E402

offline_environment()

from benchmarks.loadtest.api_run import run_api  # noqa: E402
from benchmarks.loadtest.report import markdown_table  # noqa: E402
from benchmarks.loadtest.scenario import Scenario, ScenarioResult  # noqa: E402
from benchmarks.loadtest.server import (  # noqa: E402
    _serve_main,
    set_queue_limits,
    start_ui_inprocess,
    start_ui_subprocess,
)
from benchmarks.loadtest.ui_run import _ArticleFinder, _check_ui_view, run_ui  # noqa: E402, F401 (tests use the checks)
from benchmarks.loadtest.workload import (  # noqa: E402
    NEWS,
    SEED,
    SEED_QUESTIONS,
    Pair,
    Topic,
    build_index,
    calibrate,
    iter_articles,
    load_articles,
    make_topics,
    write_ingest_file,
)

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
