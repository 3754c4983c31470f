"""Kill -9 a real ingestion process at random points; the next run must repair and complete."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index import NewsIndex
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder
from tests.index.ingest_driver import articles

N = 120


def _ok_count(index_dir: Path) -> int:
    db = index_dir / "articles.sqlite3"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT COUNT(*) FROM articles WHERE state = 'ok'").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _run_driver(index_dir: Path, seed: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.index.ingest_driver", str(index_dir), str(N), str(seed)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _snapshot(index_dir: Path) -> tuple[set[str], set[str], set[str]]:
    with NewsIndex.open(index_dir, embedder=FakeEmbedder()) as idx:
        store = idx.store
        article_ids = {a.id for a in store.list_articles(limit=10_000)}
        return article_ids, store.chunk_ids(), store.vector_ids()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The index built without interruption, for comparison."""
    out = {}
    for seed in (1, 2, 3):
        d = tmp_path_factory.mktemp(f"ref{seed}") / "idx"
        with NewsIndex.open(d, embedder=FakeEmbedder()) as idx:
            idx.add(articles(N, seed))
        out[seed] = _snapshot(d)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_during_ingest_then_rerun_equals_uninterrupted(tmp_path, seed, reference):
    index_dir = tmp_path / "idx"
    rng = random.Random(seed)
    kill_after = rng.randint(5, N - 20)  # articles completely written before the kill
    proc = _run_driver(index_dir, seed)
    deadline = time.monotonic() + 120
    while _ok_count(index_dir) < kill_after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(rng.random() * 0.05)  # land somewhere inside the next batch
    assert proc.poll() is None, f"driver finished before the kill: {proc.communicate()}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _ok_count(index_dir)
    assert 0 < partial < N

    # Re-run: repairs what the kill left and completes.
    proc = _run_driver(index_dir, seed)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    articles_, chunks, vectors = _snapshot(index_dir)
    ref_articles, ref_chunks, _ref_vectors = reference[seed]
    assert articles_ == ref_articles and len(articles_) == N
    assert chunks == ref_chunks
    assert vectors == chunks  # no duplicate or orphan vectors
    assert out.startswith(f"{N - partial} added, 0 updated, {partial} unchanged"), out
