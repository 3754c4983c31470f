"""Benchmark and evaluation scripts, run as ``python benchmarks/NAME.py``; results in RESULTS.md."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["OFFLINE_ENVIRONMENT", "SHARED", "offline_environment"]

# The shared data folder (seed, news, eval sets): NEWS_ASSISTANT_SHARED, or ../shared beside the repo.
SHARED = Path(os.environ.get("NEWS_ASSISTANT_SHARED", Path(__file__).resolve().parents[2] / "shared"))

# What keeps the libraries off the network and quiet (../shared/docs/ENVIRONMENT.md).
OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "NO_PROXY": "127.0.0.1,localhost",
}


def offline_environment() -> None:
    """Set each of :data:`OFFLINE_ENVIRONMENT` unless already set. Call it before importing
    ``index``, ``assistant``, chromadb or gradio: they read these when imported."""
    for key, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
