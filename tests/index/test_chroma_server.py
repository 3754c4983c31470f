"""The scale-out option: vectors on a real Chroma server started on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from index import IndexingError, NewsIndex
from tests.index.test_store import _article, _consistent

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    chroma = Path(sys.executable).with_name("chroma")
    log = open(data / "server.log", "w")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={"ANONYMIZED_TELEMETRY": "False", "PATH": "/usr/bin:/bin"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited: {(data / 'server.log').read_text()}")
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma server did not start within 60 s")
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def test_index_on_a_chroma_server(tmp_path, fake_embedder, chroma_server):
    with NewsIndex.open(tmp_path / "idx", embedder=fake_embedder, chroma_url=chroma_server) as idx:
        report = idx.add([_article(i) for i in range(5)])
        assert report.added == 5
        assert idx.stats().location == chroma_server
        hits = idx.store.dense_search(fake_embedder.embed_queries(["harbour of town3"])[0], 3)
        assert hits and hits[0][0].startswith("a3::")
        assert idx.remove(["a3"]) == ["a3"]
        _consistent(idx)
    # Reopening finds the same collection on the server; re-adding skips everything.
    with NewsIndex.open(tmp_path / "idx", embedder=fake_embedder, chroma_url=chroma_server) as idx:
        assert idx.add([_article(i) for i in range(5)]).skipped == 4
        _consistent(idx)


def test_two_indexes_share_one_server_without_mixing(tmp_path, fake_embedder, chroma_server):
    with (
        NewsIndex.open(tmp_path / "one", embedder=fake_embedder, chroma_url=chroma_server) as one,
        NewsIndex.open(tmp_path / "two", embedder=fake_embedder, chroma_url=chroma_server) as two,
    ):
        one.add([_article(1)])
        two.add([_article(2)])
        assert one.store.vector_ids() == {c for c in one.store.chunk_ids()}
        assert all(c.startswith("a2::") for c in two.store.vector_ids())


def test_unreachable_server_is_a_clear_error(tmp_path, fake_embedder):
    port = _free_port()
    with pytest.raises(IndexingError, match=f"127.0.0.1:{port}"):
        NewsIndex.open(tmp_path / "idx", embedder=fake_embedder, chroma_url=f"http://127.0.0.1:{port}")
