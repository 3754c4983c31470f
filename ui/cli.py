"""The command line of ``python app.py``: index, address, answerer, logins, work folder, demo corpus."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

__all__ = ["parse_args"]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line of ``python app.py`` (see ``--help``)."""
    p = argparse.ArgumentParser(prog="app.py", description="Web UI of the news assistant (Gradio).")
    p.add_argument("--index-dir", required=True, help="the index folder (created when missing)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument(
        "--llm", default=None, help="answerer: 'extractive' (default) or openai:http://HOST:PORT/v1#MODEL"
    )
    p.add_argument("--chroma-url", default=None, help="a Chroma server instead of the embedded store")
    p.add_argument("--top-k", type=int, default=6, help="number of sources per answer (default 6)")
    p.add_argument("--auth-file", default=None, help="file of 'user:password' lines (required off loopback)")
    p.add_argument(
        "--work-dir", default=".cache/app", help="folder for uploads and exports (default .cache/app)"
    )
    p.add_argument("--max-upload-mb", type=int, default=50, help="largest upload accepted (default 50 MB)")
    p.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="let URLs added in the page point at loopback, private or link-local addresses "
        "(off by default: the server fetches them)",
    )
    p.add_argument("--demo", action="store_true", help="fill an empty index with the demo corpus first")
    p.add_argument(
        "--demo-articles", type=int, default=300, help="news articles added by --demo (default 300)"
    )
    p.add_argument("--log-level", default="INFO")
    return p.parse_args(argv)
