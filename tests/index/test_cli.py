"""`python -m index` as a user runs it: real model, bad inputs next to good ones, re-runs, exit codes."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from tests.conftest import DATA, NEWS_GZ, ROOT


def _run(*args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "index", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def test_help_is_fast_and_lists_the_commands():
    out = _run("--help", timeout=60)
    assert out.returncode == 0
    for command in ("add", "stats", "list", "remove", "prepare-model"):
        assert command in out.stdout


@pytest.mark.model
@pytest.mark.slow
def test_add_reports_each_bad_input_and_indexes_the_rest(tmp_path, seed_path):
    big = tmp_path / "huge.txt"
    big.write_text("Huge\n" + ("A sentence about nothing in particular. " * 520_000))  # ~20 MB
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{s.getsockname()[1]}/article.html"
    index_dir = tmp_path / "idx"
    bad = [
        str(DATA / "articles" / "binary.txt"),
        str(tmp_path / "missing.jsonl"),
        refused,
        str(big),
        str(DATA / "articles" / "articles.jsonl"),
    ]
    out = _run("add", str(seed_path), *bad, "--index-dir", str(index_dir), "-q")
    assert out.returncode == 1, out.stderr
    errors = [line for line in out.stderr.splitlines() if line.startswith("error: ")]
    for needle in ("binary.txt", "missing.jsonl", refused, "huge.txt", "articles.jsonl:"):
        assert any(needle in line for line in errors), (needle, out.stderr)
    assert any("limit of" in line for line in errors)
    added = int(out.stdout.split(" added")[0].split()[-1])
    assert added >= 1  # the seed, plus the good lines of articles.jsonl

    # Re-run: everything already indexed is skipped; the same inputs still fail.
    again = _run("add", str(seed_path), *bad, "--index-dir", str(index_dir), "-q")
    assert again.returncode == 1
    assert again.stdout.startswith("0 added, 0 updated, "), again.stdout
    assert f"{added} unchanged" in again.stdout

    stats = json.loads(_run("stats", "--json", "--index-dir", str(index_dir)).stdout)
    assert stats["articles"] == added and stats["chunks"] == stats["vectors"]
    assert _run("remove", "seed-haftar-russia", "--index-dir", str(index_dir)).returncode == 0
    missing = _run("remove", "no-such-id", "--index-dir", str(index_dir))
    assert missing.returncode == 1 and "no-such-id" in missing.stderr


@pytest.mark.model
@pytest.mark.slow
def test_seed_plus_news_slice_then_rerun_skips_everything(tmp_path, seed_path):
    index_dir = tmp_path / "idx"
    first = _run(
        "add", str(seed_path), str(NEWS_GZ), "--limit", "20", "--index-dir", str(index_dir), "--json"
    )
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["added"] == 20 and report["failed"] == 0  # --limit counts articles across inputs
    second = json.loads(
        _run(
            "add", str(seed_path), str(NEWS_GZ), "--limit", "20", "--index-dir", str(index_dir), "--json"
        ).stdout
    )
    assert second["added"] == 0 and second["skipped"] == 20 and second["chunks"] == 0
    listing = _run("list", "--index-dir", str(index_dir), "--limit", "100").stdout
    assert "seed-haftar-russia" in listing and len(listing.splitlines()) == 20
