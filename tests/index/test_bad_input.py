"""Bad input end to end: the fuzz corpus (tests/data/fuzz, see its README) and generated cases.

Every case goes into a real ``NewsIndex`` (fake embedder) that already holds good articles. Each
must give valid articles or a problem naming the file (and line) and what was expected, in
bounded time and memory, and leave what was indexed before exactly as it was.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from index import Article, NewsIndex
from index import articles as articles_module
from index.articles import read_articles
from index.schema import ReadProblem
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder

FUZZ = Path(__file__).resolve().parents[1] / "data" / "fuzz"
MEMORY_BOUND_MB = 1536


# --- helpers ---------------------------------------------------------------------------------


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) if the block runs longer than ``seconds``."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def good_articles() -> list[Article]:
    return [
        Article(
            id=f"good-{i}",
            text=(
                f"Good article {i} reports on the bridge of town{i}. The council of town{i} met on Monday. "
                f"Engineers said repairs would take {i + 3} weeks."
            ),
            title=f"Good {i}",
            published=f"2023-09-{10 + i:02d}",
            source="Good Wire",
            lang="en",
        )
        for i in range(3)
    ]


@dataclass
class Snapshot:
    articles: dict[str, str]  # id -> content hash
    chunks: set[str]
    vectors: set[str]
    files: set[str] = field(default_factory=set)


def snapshot(idx: NewsIndex, watched: Path) -> Snapshot:
    store = idx.store
    articles = {a.id: store.known_hash(a.id) or "" for a in store.list_articles(limit=1_000_000)}
    files = {str(p.relative_to(watched)) for p in watched.rglob("*")}
    return Snapshot(articles, store.chunk_ids(), store.vector_ids(), files)


def assert_consistent(idx: NewsIndex) -> None:
    """SQLite rows, chunks, lexical rows and Chroma vectors agree; nothing half-written."""
    store = idx.store
    db = store.index_dir / "articles.sqlite3"
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        states = dict(conn.execute("SELECT state, COUNT(*) FROM articles GROUP BY state").fetchall())
        orphans = conn.execute(
            "SELECT COUNT(*) FROM chunks c LEFT JOIN articles a ON a.id = c.article_id "
            "WHERE a.id IS NULL OR a.state != 'ok'"
        ).fetchone()[0]
        n_chunks = conn.execute("SELECT COALESCE(SUM(n_chunks), 0) FROM articles").fetchone()[0]
        fts = conn.execute("SELECT COUNT(*) FROM chunks_fts").fetchone()[0]
    assert set(states) <= {"ok"}, f"half-written articles left: {states}"
    assert orphans == 0
    chunk_ids = store.chunk_ids()
    assert n_chunks == len(chunk_ids) == fts
    assert store.vector_ids() == chunk_ids
    stats = store.stats()
    assert stats.chunks == stats.vectors == len(chunk_ids)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[NewsIndex]:
    with NewsIndex.open(tmp_path / "idx", embedder=FakeEmbedder()) as idx:
        report = idx.add(good_articles())
        assert report.added == 3 and report.ok
        yield idx


def add_and_check_untouched(idx: NewsIndex, inputs: list[str], watched: Path) -> tuple[object, Snapshot]:
    """Add ``inputs``; the articles indexed before keep their hashes and chunks, nothing orphaned."""
    before = snapshot(idx, watched)
    report = idx.add(inputs)
    after = snapshot(idx, watched)
    for article_id, content_hash in before.articles.items():
        assert after.articles.get(article_id) == content_hash, article_id
    assert before.chunks <= after.chunks
    assert_consistent(idx)
    return report, after


# --- the committed corpus ----------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    ids: tuple[str, ...] = ()  # ids of the articles (or their count when ids are content hashes)
    count: int | None = None
    problems: tuple[tuple[int | None, str], ...] = ()  # (line, fragment of the message)
    absent: tuple[str, ...] = ()  # text that must not reach any article


EMPTY = "empty article (no text left after cleaning)"
TOO_DEEP = "nested too deeply"
BINARY = "binary file, expected UTF-8 text"
EXPECTED: dict[str, Expect] = {
    "empty.txt": Expect(problems=((None, EMPTY),)),
    "whitespace_only.txt": Expect(problems=((None, EMPTY),)),
    "bom_and_spaces_only.txt": Expect(problems=((None, EMPTY),)),
    "blank_lines_only.jsonl": Expect(problems=((None, "no records"),)),
    "empty.json": Expect(problems=((None, "expected a JSON object or a list of objects"),)),
    "json_top_level_number.json": Expect(
        problems=((None, "expected a JSON object with a string 'text', got number"),)
    ),
    "nested_10000_brackets.json": Expect(problems=((None, TOO_DEEP),)),
    "nested_lines.jsonl": Expect(
        ids=("fuzz-nest-ok-1", "fuzz-nest-ok-4"), problems=((2, TOO_DEEP), (3, TOO_DEEP))
    ),
    "utf16le_without_bom.txt": Expect(problems=((None, BINARY),)),
    "gzip_bytes_named.jsonl": Expect(problems=((1, BINARY),)),
    "bad_dates.jsonl": Expect(ids=tuple(f"fuzz-date-{n}" for n in range(1, 10))),
    "odd_ids_and_fields.jsonl": Expect(
        ids=("../../../outside-the-index", "خبر-عاجل-📰", "fuzz-bad-url", "fuzz-bad-text", "fuzz-bad-source"),
        problems=(
            (3, "'id' must be printable text"),
            (4, "'id' must be printable text"),
            (5, "'id' must be at most 1000 characters, got 5,000"),
        ),
        absent=("\x00", "\ud800", "\udc80"),
    ),
    "page_scripts_iframes.html": Expect(count=1, absent=("SECRET",)),
    "names/%2E%2E%2F%2E%2E%2Fencoded_traversal.txt": Expect(count=1),
    "names/..%2F..%2Fdotdot_prefix.txt": Expect(count=1),
    "names/خبر عاجل 📰.txt": Expect(count=1),
    "names/name with 'quotes' & spaces.md": Expect(count=1),
}


def corpus_files() -> list[str]:
    return sorted(str(p.relative_to(FUZZ)) for p in FUZZ.rglob("*") if p.is_file() and p.name != "README.md")


def test_every_corpus_file_has_an_expectation() -> None:
    assert corpus_files() == sorted(EXPECTED)


def check_read(name: str, items: list[Article | ReadProblem]) -> list[str]:
    """What is wrong with the reader's output for one corpus file (empty if nothing)."""
    path = str(FUZZ / name)
    expect = EXPECTED[name]
    errors: list[str] = []
    articles = [i for i in items if isinstance(i, Article)]
    problems = [i for i in items if isinstance(i, ReadProblem)]
    if expect.ids and [a.id for a in articles] != list(expect.ids):
        errors.append(f"ids {[a.id for a in articles]} != {list(expect.ids)}")
    if len(articles) != (expect.count if expect.count is not None else len(expect.ids)):
        errors.append(f"{len(articles)} articles")
    got = [(p.line, p.message) for p in problems]
    if len(got) != len(expect.problems) or any(
        line != want_line or fragment not in message
        for (line, message), (want_line, fragment) in zip(got, expect.problems, strict=False)
    ):
        errors.append(f"problems {got} != {list(expect.problems)}")
    for p in problems:
        if p.origin != path or not str(p).startswith(path):
            errors.append(f"problem does not name the file: {p}")
        if name.endswith(".jsonl") and p.line is None and "no records" not in p.message:
            errors.append(f"JSON Lines problem without a line: {p}")
    for a in articles:
        if not a.origin.startswith(path):
            errors.append(f"origin {a.origin!r}")
        for bad in expect.absent:
            if any(bad in (value or "") for value in (a.id, a.text, a.title, a.source, a.url)):
                errors.append(f"{bad!r} reached article {a.id!r}")
    return errors


def test_fuzz_corpus_into_an_index_with_good_articles(
    index: NewsIndex, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    errors: list[str] = []
    expected_ids = {a.id for a in good_articles()}
    with deadline(300), caplog.at_level(logging.WARNING):
        for name in sorted(EXPECTED):
            path = str(FUZZ / name)
            errors += [f"{name}: read: {e}" for e in check_read(name, list(read_articles([path])))]
            report, _ = add_and_check_untouched(index, [path], tmp_path)
            expect = EXPECTED[name]
            n_articles = expect.count if expect.count is not None else len(expect.ids)
            if (report.added, report.failed) != (n_articles, len(expect.problems)):  # type: ignore[attr-defined]
                errors.append(f"{name}: add: {report.summary()} {report.problems}")  # type: ignore[attr-defined]
            if not all(p.startswith(path) for p in report.problems):  # type: ignore[attr-defined]
                errors.append(f"{name}: add problems do not name the file: {report.problems}")  # type: ignore[attr-defined]
            expected_ids |= set(report.added_ids)  # type: ignore[attr-defined]
    assert not errors, "\n".join(errors)
    final = snapshot(index, tmp_path)
    assert set(final.articles) == expected_ids
    # Nothing was written outside the index folder, nothing into the corpus.
    assert {f for f in final.files if not f.startswith("idx")} == set()
    assert corpus_files() == sorted(EXPECTED)
    # Bad dates were dropped with a warning naming FILE:LINE and the value.
    dates = str(FUZZ / "bad_dates.jsonl")
    for line, value in [
        (1, "yesterday"),
        (2, "31/02/2023"),
        (3, "99999-01-01"),
        (5, "99999"),
        (6, "99999999999999"),
    ]:
        assert any(
            f"{dates}:{line}: ignoring 'published'" in r.getMessage() and value in r.getMessage()
            for r in caplog.records
        ), value
        assert index.get_article(f"fuzz-date-{line}").published is None  # type: ignore[union-attr]
    assert index.get_article("fuzz-date-9").published == "2023-09-26"  # type: ignore[union-attr]
    page = next(a for a in index.list_articles(limit=100) if a.origin.endswith("page_scripts_iframes.html"))
    text = index.get_article(page.id).text  # type: ignore[union-attr]
    assert "ships were moving again" in text and "twelve boats" in text


# --- generated cases ---------------------------------------------------------------------------


def test_json_nested_100000_levels(index: NewsIndex, tmp_path: Path) -> None:
    doc = tmp_path / "deep.json"
    doc.write_text("[" * 100_000, encoding="utf-8")
    lines = tmp_path / "deep.jsonl"
    lines.write_text(
        '{"text": "Before the deep line. It is fine."}\n'
        + "[" * 100_000
        + "\n"
        + '{"text": "After the deep line. Fine too."}\n',
        encoding="utf-8",
    )
    with deadline(120):
        report, _ = add_and_check_untouched(index, [str(doc), str(lines)], tmp_path)
    assert report.added == 2 and report.failed == 2  # type: ignore[attr-defined]
    assert report.problems[0].startswith(f"{doc}: document is nested too deeply")  # type: ignore[attr-defined]
    assert report.problems[1].startswith(f"{lines}:2: JSON nested too deeply")  # type: ignore[attr-defined]


def test_jsonl_nesting_around_the_recursion_limit_never_loses_other_lines(tmp_path: Path) -> None:
    path = tmp_path / "around.jsonl"
    depths = list(range(800, 1001))
    rows = [f'{{"text": "Nested extra field. Depth {d}.", "meta": {"[" * d + "]" * d}}}' for d in depths]
    path.write_text(
        "\n".join([*rows, '{"id": "last", "text": "The last line. It is read."}']) + "\n", encoding="utf-8"
    )
    items = list(read_articles([str(path)]))
    lines = [int(i.origin.rsplit(":", 1)[1]) if isinstance(i, Article) else i.line for i in items]
    assert lines == list(range(1, len(depths) + 2))
    assert all(TOO_DEEP in i.message for i in items if isinstance(i, ReadProblem))
    assert isinstance(items[-1], Article) and items[-1].id == "last"


def test_html_with_10000_nested_tags_keeps_its_text(
    index: NewsIndex, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "deep.html"
    path.write_text(
        "<html><head><title>Deep page</title></head><body><p>Text before the nesting is kept.</p>"
        "<script>SECRET_SCRIPT()</script><iframe>SECRET_IFRAME</iframe>"
        + "<div><span>" * 5_000
        + "Text deep inside is kept."
        + "</span></div>" * 5_000
        + "<p>Text after the nesting is kept too.</p></body></html>",
        encoding="utf-8",
    )
    with deadline(120), caplog.at_level(logging.WARNING, logger="index.articles"):
        report, _ = add_and_check_untouched(index, [str(path)], tmp_path)
    assert report.added == 1, report.problems  # type: ignore[attr-defined]
    article = index.get_article(report.added_ids[0])  # type: ignore[attr-defined]
    assert article is not None and article.title == "Deep page"
    for kept in ("Text before", "Text deep inside", "Text after"):
        assert kept in article.text
    assert "SECRET" not in article.text
    assert any(str(path) in r.getMessage() and "nested more than" in r.getMessage() for r in caplog.records)


def test_file_name_with_undecodable_bytes(index: NewsIndex, tmp_path: Path) -> None:
    folder = tmp_path / "names"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"caf\xe9-\xff.txt")
    with open(raw, "wb") as handle:
        handle.write(b"A file whose name is not UTF-8. Its text is fine.")
    report, _ = add_and_check_untouched(index, [str(folder)], tmp_path)
    assert report.added == 1 and report.ok  # type: ignore[attr-defined]
    article = index.get_article(report.added_ids[0])  # type: ignore[attr-defined]
    assert article is not None and article.origin == f"{folder}/caf\\xe9-\\xff.txt"
    article.origin.encode("utf-8")  # printable and storable


def test_article_objects_with_lone_surrogates_are_refused(index: NewsIndex, tmp_path: Path) -> None:
    bad = [
        Article(id="bad\ud800id", text="A text. Another sentence.", lang="en", origin="mem:1"),
        Article(id="bad-url", text="A text here. Another one.", url="https://x.example/\udc80", lang="en"),
    ]
    report, _ = add_and_check_untouched(index, bad, tmp_path)  # type: ignore[arg-type]
    assert report.failed == 2 and report.added == 0  # type: ignore[attr-defined]
    assert report.problems[0].startswith("mem:1: 'id' is not valid Unicode text")  # type: ignore[attr-defined]
    assert "'url' is not valid Unicode text" in report.problems[1]  # type: ignore[attr-defined]


def run_measured(code: str, timeout: float = 600) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object. Adds ``peak_mb`` (max RSS)."""
    script = textwrap.dedent(
        """
        import json, resource, sys
        result = {}
        exec(sys.stdin.read(), {"result": result})
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        input=textwrap.dedent(code),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_20_mb_article_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    result = run_measured(
        f"""
        from index import NewsIndex
        from tests.fakes import FakeEmbedder
        path = {str(tmp_path / "huge.txt")!r}
        sentence = "The harbour council met again to discuss the storm damage and the budget. "
        with open(path, "w") as f:
            f.write("Huge article\\n" + sentence * (20_000_000 // len(sentence)))
        with NewsIndex.open({str(tmp_path / "idx")!r}, embedder=FakeEmbedder()) as idx:
            report = idx.add([path])
            result.update(added=report.added, failed=report.failed, problems=report.problems,
                          articles=idx.stats().articles, vectors=idx.stats().vectors)
        """
    )
    assert (result["added"], result["failed"], result["articles"], result["vectors"]) == (0, 1, 0, 0)
    (problem,) = result["problems"]  # type: ignore[misc]
    assert problem.startswith(str(tmp_path / "huge.txt")) and "more than the limit of 1,000,000" in problem
    assert result["peak_mb"] < MEMORY_BOUND_MB, result["peak_mb"]


def test_100000_line_jsonl_is_streamed(tmp_path: Path) -> None:
    """Reading is streamed: memory does not grow with the number of records (a list would: ~110 MB)."""
    result = run_measured(
        f"""
        import json, resource
        from index.articles import read_articles
        path = {str(tmp_path / "many.jsonl")!r}
        with open(path, "w") as f:
            for i in range(100_000):
                f.write(json.dumps({{"id": f"m{{i}}", "text": f"One-line article {{i}}.", "lang": "en",
                                     "note": f"{{i}} " + "n" * 400}}) + "\\n")
        list(read_articles(["tests/data/articles/list.json"]))  # imports and warm-up
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        count = sum(1 for item in read_articles([path]) if item.__class__.__name__ == "Article")
        result.update(count=count, growth_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base)
        """
    )
    assert result["count"] == 100_000
    assert result["growth_mb"] < 50, result  # type: ignore[operator]
    assert result["peak_mb"] < MEMORY_BOUND_MB


def many_lines(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(
                json.dumps(
                    {
                        "id": f"line-{i}",
                        "text": f"One-line article {i} about the harbour {i % 97}.",
                        "lang": "en",
                    }
                )
                + "\n"
            )


def test_2000_one_line_articles_through_the_whole_pipeline(index: NewsIndex, tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    many_lines(path, 2_000)
    with deadline(300):
        report, after = add_and_check_untouched(index, [str(path)], tmp_path)
    assert report.added == 2_000 and report.ok  # type: ignore[attr-defined]
    assert len(after.articles) == 2_003


@pytest.mark.slow
def test_100000_one_line_articles_through_the_whole_pipeline(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    many_lines(path, 100_000)
    result = run_measured(
        f"""
        import time
        from index import NewsIndex
        from tests.fakes import FakeEmbedder
        started = time.perf_counter()
        with NewsIndex.open({str(tmp_path / "idx")!r}, embedder=FakeEmbedder()) as idx:
            report = idx.add([{str(path)!r}])
            stats = idx.stats()
        result.update(added=report.added, failed=report.failed, chunks=stats.chunks, vectors=stats.vectors,
                      seconds=time.perf_counter() - started)
        """,
        timeout=3600,
    )
    assert (result["added"], result["failed"]) == (100_000, 0)
    assert result["chunks"] == result["vectors"] == 100_000
    assert result["peak_mb"] < MEMORY_BOUND_MB, result


# --- URLs: local servers that misbehave ------------------------------------------------------------


class MisbehavingServer:
    """A raw TCP server on 127.0.0.1; each path gets its own bad behaviour."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.stop = threading.Event()
        self.sent: dict[str, int] = {}
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            try:
                request = conn.recv(65536).decode("latin-1")
                path = request.split(" ", 2)[1] if " " in request else "/"
                self.sent[path] = 0
                if path == "/endless":  # no Content-Length, a body that never ends
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
                    block = b"endless body text " * 4096
                    while not self.stop.is_set():
                        conn.sendall(block)
                        self.sent[path] += len(block)
                elif path == "/huge":  # announces 1 GB
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000000000\r\n\r\n"
                    )
                    block = b"x" * 65536
                    while not self.stop.is_set():
                        conn.sendall(block)
                        self.sent[path] += len(block)
                elif path.startswith("/trickle"):  # headers, then one byte per interval
                    interval = float(path.rsplit("/", 1)[1])
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
                    while not self.stop.wait(interval):
                        conn.sendall(b"a")
                        self.sent[path] += 1
            except OSError:
                pass  # the client gave up: that is the point

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def bad_server() -> Iterator[MisbehavingServer]:
    server = MisbehavingServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts TCP connections (the kernel's backlog) and never reads or answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/article.html"
    finally:
        sock.close()


def read_one(url: str, **kwargs: float) -> ReadProblem:
    (item,) = list(read_articles([url], **kwargs))  # type: ignore[arg-type]
    assert isinstance(item, ReadProblem) and item.origin == url
    return item


@pytest.mark.server
def test_url_endless_body_stops_at_max_bytes(bad_server: MisbehavingServer) -> None:
    with deadline(60):
        problem = read_one(f"{bad_server.url}/endless", timeout=5.0, max_bytes=2_000_000)
    assert problem.message == "response is larger than max_bytes=2,000,000"


@pytest.mark.server
def test_url_announcing_1_gb_is_refused_before_download(bad_server: MisbehavingServer) -> None:
    with deadline(60):
        problem = read_one(f"{bad_server.url}/huge", timeout=5.0, max_bytes=2_000_000)
    assert problem.message == "response is 1,000,000,000 bytes, more than max_bytes=2,000,000"
    time.sleep(0.2)
    assert bad_server.sent["/huge"] < 50_000_000  # the client hung up; it did not read the body


@pytest.mark.server
def test_url_that_accepts_and_never_answers_times_out(silent_server: str) -> None:
    with deadline(60):
        problem = read_one(silent_server, timeout=0.5)
    assert problem.message == "timed out after 0.5 s"


@pytest.mark.server
def test_url_trickling_one_byte_per_second_times_out(bad_server: MisbehavingServer) -> None:
    with deadline(60):
        problem = read_one(f"{bad_server.url}/trickle/1.0", timeout=0.5)
    assert problem.message == "timed out after 0.5 s"


@pytest.mark.server
def test_url_trickling_within_the_socket_timeout_hits_the_total_deadline(
    bad_server: MisbehavingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bytes arrive faster than the per-read timeout, forever: the whole download is bounded."""
    monkeypatch.setattr(articles_module, "_TOTAL_TIME_FACTOR", 4)
    with deadline(60):
        problem = read_one(f"{bad_server.url}/trickle/0.05", timeout=0.5)
    assert problem.message == "download took longer than 2 s"
