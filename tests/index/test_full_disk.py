"""A full disk during ``add``: a clear error, a consistent index, and a re-run that completes.

The real test mounts a small tmpfs (root only; skipped otherwise), builds an index there, adds
articles until the disk is full, grows the tmpfs (``mount -o remount,size=...`` keeps the data) and
checks that the next process finds the earlier articles intact, nothing half-written, and that the
same add then equals an uninterrupted build. Each step runs in its own process, as a user's runs
would: Chroma's embedded store does not recover from a failed write inside the same process.

Also runnable as the driver of those steps: ``python -m tests.index.test_full_disk INDEX_DIR N``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from index import DiskFullError, NewsIndex
from index.errors import IndexingError
from index.text import tokenize as real_tokenize
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder
from tests.index.ingest_driver import articles

N = 400  # far more than fits on the small disk
SEED = 5


def _snapshot(idx: NewsIndex) -> dict[str, object]:
    store = idx.store
    db = store.index_dir / "articles.sqlite3"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        states = dict(conn.execute("SELECT state, COUNT(*) FROM articles GROUP BY state").fetchall())
        fts = conn.execute("SELECT COUNT(*) FROM chunks_fts").fetchone()[0]
    stats = store.stats()
    return {
        "article_ids": sorted(a.id for a in store.list_articles(limit=1_000_000)),
        "chunk_ids": sorted(store.chunk_ids()),
        "vector_ids": sorted(store.vector_ids()),
        "states": states,
        "fts": fts,
        "stats_chunks": stats.chunks,
        "stats_vectors": stats.vectors,
    }


def _drive(index_dir: str, n: int) -> dict[str, object]:
    """Open the index, add the first ``n`` generated articles, report what happened and what it holds
    (``n`` 0: only report; negative: only open and close)."""
    out: dict[str, object] = {"error": None, "error_type": None}
    with NewsIndex.open(index_dir, embedder=FakeEmbedder()) as idx:
        if n < 0:
            return {**out, "opened": True}
        if n:
            try:
                out["summary"] = idx.add(articles(n, SEED)).summary()
            except IndexingError as exc:
                out["error"], out["error_type"] = str(exc), type(exc).__name__
        if out["error"] is None:
            out.update(_snapshot(idx))
    return out


def _run(index_dir: Path, n: int) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.index.test_full_disk", str(index_dir), str(n)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,  # a hang is a failure, not a stuck suite
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture
def small_disk(tmp_path: Path):
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CAP_SYS_ADMIN)")
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {proc.stderr.strip()}")
    try:
        yield mount_point
    finally:
        if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def _reference(tmp_path: Path) -> dict[str, object]:
    with NewsIndex.open(tmp_path / "reference", embedder=FakeEmbedder()) as idx:
        idx.add(articles(N, SEED))
        return _snapshot(idx)


def test_full_disk_then_more_space_then_same_add_equals_uninterrupted_build(tmp_path, small_disk):
    index_dir = small_disk / "idx"
    first = _run(index_dir, 5)
    assert first["error"] is None and len(first["article_ids"]) == 5  # type: ignore[arg-type]

    full = _run(index_dir, N)
    assert full["error_type"] == "DiskFullError", full
    message = str(full["error"])
    assert message.startswith(f"{index_dir}: the disk is full (no space left on device"), message
    assert "run the same add again" in message

    # Still full: a new process opens the index without hanging (it postpones its repair).
    assert _run(index_dir, -1) == {"error": None, "error_type": None, "opened": True}
    grown = subprocess.run(
        ["mount", "-o", "remount,size=64m", str(small_disk)], capture_output=True, text=True
    )
    assert grown.returncode == 0, grown.stderr

    after = _run(index_dir, 0)
    reference = _reference(tmp_path)
    ids = set(after["article_ids"])  # type: ignore[arg-type]
    assert set(first["article_ids"]) <= ids < set(reference["article_ids"])  # type: ignore[arg-type]
    assert after["states"] == {"ok": len(ids)}  # the half-written batch was repaired
    # Every article left is complete: exactly its chunks, each with its vector, as in the reference.
    expected_chunks = {c for c in reference["chunk_ids"] if c.split("::")[0] in ids}  # type: ignore[union-attr]
    assert set(after["chunk_ids"]) == expected_chunks  # type: ignore[arg-type]
    assert after["vector_ids"] == after["chunk_ids"]
    assert after["fts"] == after["stats_chunks"] == after["stats_vectors"] == len(expected_chunks)

    done = _run(index_dir, N)
    assert done["error"] is None, done
    assert str(done["summary"]).startswith(f"{N - len(ids)} added, 0 updated, {len(ids)} unchanged")
    for key in ("article_ids", "chunk_ids", "vector_ids"):
        assert done[key] == reference[key], key
    assert done["vector_ids"] == done["chunk_ids"]
    assert done["states"] == {"ok": N}


def test_sqlite_reporting_a_full_disk_is_a_clear_error_and_the_next_open_repairs(tmp_path, monkeypatch):
    """A failing writer (SQLite says SQLITE_FULL while writing chunks): no root needed."""
    index_dir = tmp_path / "idx"
    batch = articles(40, SEED)
    with NewsIndex.open(index_dir, embedder=FakeEmbedder()) as idx:
        idx.add(batch[:10])
        calls = {"n": 0}

        def tokenize_then_fail(text: str) -> list[str]:
            calls["n"] += 1
            if calls["n"] > 50:  # part-way through step 3 (chunk rows) of a batch
                raise sqlite3.OperationalError("database or disk is full")
            return real_tokenize(text)

        monkeypatch.setattr("index.store.writing.tokenize", tokenize_then_fail)
        with pytest.raises(DiskFullError) as err:
            idx.add(batch)
        monkeypatch.undo()
        assert str(err.value).startswith(f"{index_dir}: the disk is full")
        assert isinstance(err.value, OSError) and err.value.errno == 28
        with pytest.raises(DiskFullError, match="writing stopped after the disk filled up"):
            idx.add(batch)  # this store refuses further writes instead of touching Chroma again
    with NewsIndex.open(index_dir, embedder=FakeEmbedder()) as idx:
        snap = _snapshot(idx)
        assert snap["states"] == {"ok": len(snap["article_ids"])}  # type: ignore[arg-type]
        assert snap["vector_ids"] == snap["chunk_ids"]
        assert {f"gen-{i}" for i in range(10)} <= set(snap["article_ids"])  # type: ignore[arg-type]
        report = idx.add(batch)
        assert report.ok and report.added + report.skipped == 40
        snap = _snapshot(idx)
        assert len(snap["article_ids"]) == 40 and snap["vector_ids"] == snap["chunk_ids"]  # type: ignore[arg-type]


def test_other_write_errors_are_not_called_a_full_disk(tmp_path, monkeypatch):
    with NewsIndex.open(tmp_path / "idx", embedder=FakeEmbedder()) as idx:
        monkeypatch.setattr(
            "index.store.writing.tokenize",
            lambda text: (_ for _ in ()).throw(sqlite3.OperationalError("locked")),
        )
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            idx.add(articles(3, SEED))


if __name__ == "__main__":
    print(json.dumps(_drive(sys.argv[1], int(sys.argv[2]))), flush=True)
