"""The web UI's entry point: parse the command line, open the index, serve the page of ``ui``.

Run ``python app.py --index-dir DIR [--host 127.0.0.1] [--port 7860] [--llm SPEC]``. One
``Assistant`` is opened at start and shared by every session; the page lives in the ``ui``
package (layout, rendering, uploads, the login gate), which only calls the Assistant's public API.
Files the app writes (uploads, Markdown exports, gradio's own cache) stay under one work folder,
and gradio serves nothing outside it.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ui import AuthError, build_ui, parse_args, prepare_work_dir, resolve_auth, serve, user_message

__all__ = ["main"]


def _demo_inputs() -> list[str]:
    """The demo corpus files found under the shared folder (NEWS_ASSISTANT_SHARED or ../shared)."""
    shared = Path(os.environ.get("NEWS_ASSISTANT_SHARED", Path(__file__).resolve().parent.parent / "shared"))
    return [
        str(p)
        for p in (shared / "data/seed/haftar_russia_visit.jsonl", shared / "data/news/jawharafm.jsonl.gz")
        if p.exists()
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``python app.py --index-dir DIR``; returns the exit status."""
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    try:
        auth = resolve_auth(args.host, args.auth_file)
    except AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    work_dirs = prepare_work_dir(args.work_dir)
    from assistant import Assistant

    try:
        bot = Assistant.open(args.index_dir, llm=args.llm, chroma_url=args.chroma_url, top_k=args.top_k)
    except Exception as exc:
        print(f"error: cannot open the index {args.index_dir}: {user_message(exc)}", file=sys.stderr)
        return 1
    try:
        if args.demo and bot.stats().articles == 0:
            inputs = _demo_inputs()
            if not inputs:
                print("warning: --demo found no demo corpus (set NEWS_ASSISTANT_SHARED)", file=sys.stderr)
            for path in inputs:
                limit = args.demo_articles if path.endswith(".gz") else None
                print(f"adding demo articles from {path} …", flush=True)
                print("  " + bot.add([path], limit=limit).summary(), flush=True)
        print("loading the models (so that the first question is as fast as the next) …", flush=True)
        seconds = bot.warm_up()
        print(f"  ready in {sum(seconds.values()):.1f} s", flush=True)
        demo = build_ui(
            bot,
            upload_dir=work_dirs.uploads,
            export_dir=work_dirs.exports,
            max_upload_mb=args.max_upload_mb,
            default_llm=args.llm,
            default_k=args.top_k,
            allow_private_urls=args.allow_private_urls,
        )
        serve(
            demo,
            host=args.host,
            port=args.port,
            auth=auth,
            work_dirs=work_dirs,
            blocked=[args.index_dir],
            max_upload_mb=args.max_upload_mb,
        )
    except KeyboardInterrupt:
        pass
    finally:
        bot.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
