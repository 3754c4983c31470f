"""Command line: ``python -m assistant ask "QUESTION" --index-dir DIR [--json]``.

Exit codes: 0 answered (or the articles do not answer: the text says so), 2 error (bad arguments, index, model, LLM).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Sequence

__all__ = ["main"]

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Ask questions of a news index.")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question with numbered, checked citations")
    ask.add_argument("question")
    ask.add_argument("--index-dir", default=os.environ.get("NEWS_ASSISTANT_INDEX", "news-index"))
    ask.add_argument("--chroma-url", default=os.environ.get("NEWS_ASSISTANT_CHROMA_URL"))
    ask.add_argument(
        "--llm",
        default=os.environ.get("NEWS_ASSISTANT_LLM"),
        help="'extractive' (default, no LLM), 'openai:http://HOST:PORT/v1#MODEL' or 'gguf:PATH'",
    )
    ask.add_argument("-k", "--top-k", type=int, default=6, help="passages given to the answerer")
    ask.add_argument(
        "--from", dest="date_from", type=dt.date.fromisoformat, help="published on or after (YYYY-MM-DD)"
    )
    ask.add_argument(
        "--to", dest="date_to", type=dt.date.fromisoformat, help="published on or before (YYYY-MM-DD)"
    )
    ask.add_argument("--source", action="append", default=[], help="only this outlet (repeatable)")
    ask.add_argument(
        "--lang", action="append", default=[], help="only articles in this language (repeatable)"
    )
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    ask.add_argument("--passages", action="store_true", help="also print the retrieved passages")
    ask.add_argument("-v", "--verbose", action="count", default=0)
    return parser


def _print_answer(answer, show_passages: bool) -> None:
    print(answer.text)
    if answer.citations:
        print()
        print("Sources:")
        for c in answer.citations:
            meta = " · ".join(x for x in (c.source, c.published, c.url) if x)
            print(f"[{c.marker}] {c.title or c.article_id} ({c.article_id}){' · ' + meta if meta else ''}")
            print(f"    «{c.quote}» (chars {c.start}-{c.end})")
    if show_passages:
        print()
        print("Passages:")
        for i, p in enumerate(answer.passages, 1):
            print(f"{i}. {p.article_id} [{p.start}:{p.end}] score {p.score:.4f} {p.channels}")
            print(f"   {p.text[:300]}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.WARNING if args.verbose <= 0 else logging.INFO if args.verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    from assistant import Assistant, AssistantError, IndexingError, SearchFilters
    from index.store import read_index_meta

    if read_index_meta(args.index_dir) is None:
        print(
            f"error: {args.index_dir}: no index here; build one with: python -m index add PATH --index-dir "
            f"{args.index_dir}",
            file=sys.stderr,
        )
        return 2
    filters = SearchFilters(
        date_from=args.date_from, date_to=args.date_to, sources=tuple(args.source), langs=tuple(args.lang)
    )
    try:
        with Assistant.open(
            args.index_dir, llm=args.llm, chroma_url=args.chroma_url, top_k=args.top_k
        ) as bot:
            answer = bot.ask(args.question, filters=None if filters.is_empty() else filters)
    except (AssistantError, IndexingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_answer(answer, args.passages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
