"""The web UI package: the Gradio page over the Assistant's public API (only ui/ and app.py import gradio)."""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported: no telemetry calls

from ui.cli import parse_args
from ui.controller import BUILTIN, LLM_ENDPOINT, NewsUI, user_message
from ui.conversation import ChatView, Turn
from ui.filters import make_filters
from ui.layout import EXAMPLE_QUESTIONS, build_ui
from ui.logins import AUTH_ENV, AuthError, is_loopback, resolve_auth
from ui.render import render_answer_html, render_sources_html, render_user_html
from ui.reports import LANG_NAMES
from ui.server import serve
from ui.uploads import UPLOAD_SUFFIXES, UploadError, parse_urls, safe_upload_name, store_upload
from ui.workdir import WorkDirs, prepare_work_dir

__all__ = [
    "AUTH_ENV",
    "BUILTIN",
    "EXAMPLE_QUESTIONS",
    "LANG_NAMES",
    "LLM_ENDPOINT",
    "UPLOAD_SUFFIXES",
    "AuthError",
    "ChatView",
    "NewsUI",
    "Turn",
    "UploadError",
    "WorkDirs",
    "build_ui",
    "is_loopback",
    "make_filters",
    "parse_args",
    "parse_urls",
    "prepare_work_dir",
    "render_answer_html",
    "render_sources_html",
    "render_user_html",
    "resolve_auth",
    "safe_upload_name",
    "serve",
    "store_upload",
    "user_message",
]
