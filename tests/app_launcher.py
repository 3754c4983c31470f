"""Start the web UI for browser tests: over the FakeAssistant (``--fake``) or a real index.

    python -m tests.app_launcher --fake --port 7861 --work-dir /tmp/w
    python -m tests.app_launcher --index-dir DIR --port 7861 --work-dir /tmp/w [--llm SPEC]

It always listens on 127.0.0.1 and prints ``News assistant running at URL`` once the server is up.
The fake lives here and in tests/fake_assistant.py, never in app.py or ui/.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.app_launcher", description=__doc__.splitlines()[0])
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--fake", action="store_true", help="use tests.fake_assistant.FakeAssistant")
    mode.add_argument("--index-dir", help="use the real Assistant on this index")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--work-dir", required=True, help="the app's folder (uploads, exports, gradio cache)")
    p.add_argument("--llm", default=None)
    p.add_argument("--delay", type=float, default=0.03, help="fake only: seconds between streamed words")
    p.add_argument("--max-upload-mb", type=int, default=5)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for key, value in {
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "NO_PROXY": "127.0.0.1,localhost",
    }.items():
        os.environ.setdefault(key, value)

    if args.index_dir:
        import app

        return app.main(
            [
                "--index-dir", args.index_dir,
                "--host", "127.0.0.1",
                "--port", str(args.port),
                "--work-dir", args.work_dir,
                "--max-upload-mb", str(args.max_upload_mb),
                *(["--llm", args.llm] if args.llm else []),
            ]
        )  # fmt: skip

    from tests.fake_assistant import SEED_ARTICLE, XSS_ARTICLE, FakeAssistant
    from ui import build_ui, prepare_work_dir, serve

    dirs = prepare_work_dir(args.work_dir)
    bot = FakeAssistant([SEED_ARTICLE, XSS_ARTICLE], delay=args.delay)
    demo = build_ui(bot, upload_dir=dirs.uploads, export_dir=dirs.exports, max_upload_mb=args.max_upload_mb)
    serve(demo, host="127.0.0.1", port=args.port, work_dirs=dirs, max_upload_mb=args.max_upload_mb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
