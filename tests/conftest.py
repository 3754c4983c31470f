"""Shared fixtures: offline environment, fresh Chroma per test, a session-wide real model."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWS_ASSISTANT_SHARED", ROOT.parent / "shared"))
SEED_JSONL = SHARED / "data" / "seed" / "haftar_russia_visit.jsonl"
NEWS_GZ = SHARED / "data" / "news" / "jawharafm.jsonl.gz"
EVAL_DIR = SHARED / "eval"
DATA = ROOT / "tests" / "data"


@pytest.fixture(autouse=True)
def _fresh_chroma_cache():
    """chromadb caches one client per path inside a process; start every test clean."""
    yield
    if "chromadb" in sys.modules:  # importing it just to clear would cost seconds per test
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()


@pytest.fixture
def fake_embedder():
    from tests.fakes import FakeEmbedder

    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_embedder():
    """The bundled multilingual-e5-small, converted once (cached) and loaded once per session."""
    from index.model import EmbeddingConfig, SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(EmbeddingConfig())
    embedder.embed_queries(["warm up"])
    return embedder


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED_JSONL.exists():
        pytest.fail(f"seed article missing: expected {SEED_JSONL} (shared/ beside the repo)")
    return SEED_JSONL
