"""Start the page's server: no share link, no analytics, only gradio's cache served, the login gate on."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import gradio as gr
from starlette.middleware import Middleware

from ui.login_gate import LoginGate
from ui.logins import AuthError, is_loopback
from ui.theme import CSS, HEAD, THEME
from ui.workdir import WorkDirs

__all__ = ["serve"]


def serve(
    demo: gr.Blocks,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: Sequence[tuple[str, str]] = (),
    work_dirs: WorkDirs,
    blocked: Sequence[str | Path] = (),
    max_upload_mb: int = 50,
    block: bool = True,
) -> str:
    """Start the server (no share link, no analytics); returns the local URL.

    Gradio serves only its own cache (under ``work_dirs``; the Markdown exports are written there);
    ``blocked`` folders (the index) and the stored uploads are never served. With ``auth``, every
    request but those drawing the login page needs the login cookie (``LoginGate``).
    """
    if not is_loopback(host) and not auth:
        raise AuthError(f"refusing to listen on {host} without a login")
    # gradio also serves its examples cache, by default .gradio/cached_examples under the working
    # directory: keep it inside the work folder too.
    os.environ["GRADIO_EXAMPLES_CACHE"] = str(work_dirs.cache / "examples")
    demo.queue(default_concurrency_limit=2)
    demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        auth=list(auth) or None,
        auth_message="News assistant: sign in" if auth else None,
        inbrowser=False,
        prevent_thread_lock=True,
        quiet=True,
        show_error=False,
        max_file_size=f"{max_upload_mb}mb",
        allowed_paths=[],
        blocked_paths=[str(Path(p).resolve()) for p in blocked] + [str(work_dirs.uploads)],
        footer_links=[],
        run_history=False,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        enable_monitoring=False,
        theme=THEME,
        css=CSS,
        head=HEAD,
        app_kwargs={"middleware": [Middleware(LoginGate)]} if auth else None,
    )
    url = demo.local_url or f"http://{host}:{port}/"
    print(f"News assistant running at {url}", flush=True)
    if block:
        demo.block_thread()
    return url
