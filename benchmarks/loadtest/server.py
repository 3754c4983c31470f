"""The app served for the load test: in process or as a subprocess, with the queue limits asked for."""

from __future__ import annotations

import argparse
import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.loadtest.workload import ROOT


def set_queue_limits(demo: Any, *, ask_limit: int | None = None, default_limit: int | None = None) -> None:
    """Change the page's queue settings without editing app.py.

    ``ask_limit`` replaces the ``concurrency_limit`` of the events with ``concurrency_id="ask"``;
    ``default_limit`` replaces the ``default_concurrency_limit`` that ``ui.serve`` passes to
    ``demo.queue``. Call before ``ui.serve``.
    """
    if ask_limit is not None:
        fns = [fn for fn in demo.fns.values() if getattr(fn, "concurrency_id", None) == "ask"]
        if not fns:
            raise RuntimeError("no event with concurrency_id 'ask' in the page (ui.build_ui changed?)")
        for fn in fns:
            fn.concurrency_limit = ask_limit
    if default_limit is not None:
        original = demo.queue

        def queue(*args: Any, **kwargs: Any) -> Any:
            kwargs["default_concurrency_limit"] = default_limit
            return original(*args, **kwargs)

        demo.queue = queue


def start_ui_inprocess(
    bot: Any, work_dir: Path, *, ask_limit: int | None = None, default_limit: int | None = None
) -> tuple[str, Callable[[], None]]:
    """Serve the real page over ``bot`` in this process on a free port; returns (url, stop)."""
    import ui

    previous = os.environ.get("GRADIO_TEMP_DIR")  # prepare_work_dir points it at work_dir
    dirs = ui.prepare_work_dir(work_dir)
    demo = ui.build_ui(bot, upload_dir=dirs.uploads, export_dir=dirs.exports)
    set_queue_limits(demo, ask_limit=ask_limit, default_limit=default_limit)
    url = ui.serve(demo, host="127.0.0.1", port=_free_port(), work_dirs=dirs, block=False)

    def stop() -> None:
        demo.close()
        if previous is None:
            os.environ.pop("GRADIO_TEMP_DIR", None)
        else:
            os.environ["GRADIO_TEMP_DIR"] = previous

    return url, stop


def start_ui_subprocess(
    index_dir: Path,
    work_dir: Path,
    *,
    ask_limit: int | None = None,
    default_limit: int | None = None,
    timeout: float = 300.0,
) -> tuple[str, Callable[[], None]]:
    """Start the real app (this script's ``--serve`` mode) as a subprocess; returns (url, stop)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log_path = work_dir / f"server-{port}.log"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "load.py"), "--serve", "--index-dir", str(index_dir)]
    cmd += ["--port", str(port), "--work-dir", str(work_dir)]
    if ask_limit is not None:
        cmd += ["--ask-limit", str(ask_limit)]
    if default_limit is not None:
        cmd += ["--default-limit", str(default_limit)]
    log = open(log_path, "w", encoding="utf-8")  # closed by stop()
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
        log.close()

    t_end = time.monotonic() + timeout
    while time.monotonic() < t_end:
        text = log_path.read_text(encoding="utf-8", errors="replace")
        m = re.search(r"News assistant running at (\S+)", text)
        if m:
            return m.group(1), stop
        if proc.poll() is not None:
            stop()
            raise RuntimeError(f"the server exited with {proc.returncode}; log {log_path}:\n{text[-2000:]}")
        time.sleep(0.5)
    stop()
    raise RuntimeError(f"the server did not start within {timeout:.0f} s; see {log_path}")


def _serve_main(args: argparse.Namespace) -> int:
    """``--serve``: the app as ``app.main`` runs it, with the queue settings given."""
    import ui
    from assistant import Assistant

    logging.basicConfig(level=logging.WARNING)
    dirs = ui.prepare_work_dir(args.work_dir)
    bot = Assistant.open(args.index_dir)
    try:
        demo = ui.build_ui(bot, upload_dir=dirs.uploads, export_dir=dirs.exports)
        set_queue_limits(demo, ask_limit=args.ask_limit, default_limit=args.default_limit)
        ui.serve(demo, host="127.0.0.1", port=args.port, work_dirs=dirs, blocked=[args.index_dir], block=True)
    finally:
        bot.close()
    return 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
