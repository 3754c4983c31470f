"""Bad input end to end: the fuzz corpus (tests/data/fuzz, see its README) and generated cases.

Every case goes into a real ``NewsIndex`` (fake embedder) that already holds good articles. Each
must give valid articles or a problem naming the file (and line) and what was expected, in
bounded time and memory, and leave what was indexed before exactly as it was.
"""

from __future__ import annotations

import contextlib
import http.server
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
from index.build import add_articles
from index.readers import fetch as fetch_module
from index.readers import read_articles
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
    with deadline(120), caplog.at_level(logging.WARNING, logger="index.readers"):
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
    """Run ``code`` in a fresh interpreter, which may call ``peak_mb()`` and fills ``result``;
    returns ``result`` with ``peak_mb`` (the peak resident memory) added."""
    script = textwrap.dedent(
        """
        import json, sys

        def peak_mb():
            # VmHWM, the peak RSS of this process image: ru_maxrss would also count the forked
            # copy of the (large) pytest process that existed before exec
            with open("/proc/self/status") as f:
                line = next(l for l in f if l.startswith("VmHWM:"))
            return int(line.split()[1]) / 1024

        result = {}
        exec(sys.stdin.read(), {"result": result, "peak_mb": peak_mb})
        result["peak_mb"] = peak_mb()
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


@pytest.mark.parametrize("suffix", [".txt", ".jsonl"])
def test_20_mb_article_is_refused_with_bounded_memory(tmp_path: Path, suffix: str) -> None:
    """Refused before cleaning: the memory it takes is about twice its size (cleaning a text
    costs about 15 times its size: 550 MB at the peak before this was checked first)."""
    result = run_measured(
        f"""
        import json
        from index import NewsIndex
        from tests.fakes import FakeEmbedder
        path = {str(tmp_path / ("huge" + suffix))!r}
        sentence = "The harbour council met again to discuss the storm damage and the budget. "
        text = "Huge article\\n" + sentence * (20_000_000 // len(sentence))
        with open(path, "w") as f:
            f.write(json.dumps({{"id": "huge", "text": text}}) + "\\n" if path.endswith(".jsonl") else text)
        del text
        with NewsIndex.open({str(tmp_path / "idx")!r}, embedder=FakeEmbedder()) as idx:
            idx.add(["tests/data/articles/list.json"])  # imports and warm-up
            base = peak_mb()
            report = idx.add([path])
            growth = peak_mb() - base
            result.update(failed=report.failed, problems=report.problems, articles=idx.stats().articles,
                          growth_mb=growth, added_ids=report.added_ids)
        """
    )
    assert (result["added_ids"], result["failed"]) == ([], 1)
    (problem,) = result["problems"]  # type: ignore[misc]
    where = str(tmp_path / "huge.txt") if suffix == ".txt" else f"{tmp_path / 'huge.jsonl'}:1"
    assert problem.startswith(f"{where}: article text is 19,99")
    assert "characters before cleaning, more than the limit of 1,000,000" in problem
    assert result["growth_mb"] < 150, result  # type: ignore[operator]
    assert result["peak_mb"] < MEMORY_BOUND_MB, result["peak_mb"]


def test_100000_line_jsonl_is_streamed(tmp_path: Path) -> None:
    """Reading is streamed: memory does not grow with the number of records (a list would: ~110 MB)."""
    result = run_measured(
        f"""
        import json
        from index.readers import read_articles
        path = {str(tmp_path / "many.jsonl")!r}
        with open(path, "w") as f:
            for i in range(100_000):
                f.write(json.dumps({{"id": f"m{{i}}", "text": f"One-line article {{i}}.", "lang": "en",
                                     "note": f"{{i}} " + "n" * 400}}) + "\\n")
        list(read_articles(["tests/data/articles/list.json"]))  # imports and warm-up
        base = peak_mb()
        count = sum(1 for item in read_articles([path]) if item.__class__.__name__ == "Article")
        result.update(count=count, growth_mb=peak_mb() - base)
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


def test_writes_are_grouped_up_to_write_chunks(index: NewsIndex, tmp_path: Path) -> None:
    """Embedded batches wait (at most ``write_chunks``) so a store write's fixed cost is shared."""
    path = tmp_path / "many.jsonl"
    many_lines(path, 300)
    sizes: list[int] = []
    real_write = index.store.write

    def write(prepared):  # type: ignore[no-untyped-def]
        sizes.append(sum(len(p.chunks) for p in prepared))
        return real_write(prepared)

    index.store.write = write  # type: ignore[method-assign]
    report = add_articles(index.store, index.embedder, [str(path)], batch_chunks=8, write_chunks=40)
    assert report.added == 300 and report.chunks == sum(sizes) == 300
    assert max(sizes) <= 40 + 8 and len(sizes) >= 300 // 48
    assert_consistent(index)


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
                elif path.startswith("/header-trickle"):  # the status line, then header bytes
                    interval = float(path.rsplit("/", 1)[1])
                    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                    while not self.stop.wait(interval):
                        conn.sendall(b"a")
                        self.sent[path] += 1
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
    monkeypatch.setattr(fetch_module, "TOTAL_TIME_FACTOR", 4)
    with deadline(60):
        problem = read_one(f"{bad_server.url}/trickle/0.05", timeout=0.5)
    assert problem.message == "download took longer than 2 s"


@pytest.mark.server
def test_url_trickling_its_headers_hits_the_total_deadline(
    bad_server: MisbehavingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Header bytes arrive faster than the per-read timeout, forever: the whole request is bounded
    (before, only the body was, and this read never ended)."""
    monkeypatch.setattr(fetch_module, "TOTAL_TIME_FACTOR", 4)
    with deadline(60):
        problem = read_one(f"{bad_server.url}/header-trickle/0.05", timeout=0.5)
    assert problem.message == "download took longer than 2 s"
    assert bad_server.sent["/header-trickle/0.05"] > 10  # it was trickling, not silent


# --- URLs given by users of a server: public addresses only ------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata services
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("100.64.0.1", "not globally routable"),
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("8.8.8.8", None),
        ("93.184.215.14", None),
        ("2001:4860:4860::8888", None),
    ],
)
def test_non_public_reason(address: str, reason: str | None) -> None:
    assert fetch_module.non_public_reason(address) == reason


class _RedirectingHandler(http.server.BaseHTTPRequestHandler):
    """``/to?url=U`` redirects to U; anything else is a small HTML article."""

    def do_GET(self) -> None:
        if self.path.startswith("/to?url="):
            self.send_response(302)
            self.send_header("Location", self.path.split("=", 1)[1])
            self.end_headers()
            return
        body = (
            b"<html><head><title>Local page</title></head><body><article><p>This page is served on "
            b"the loopback interface. It must not be fetched for a user of a public server.</p>"
            b"</article></body></html>"
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def loopback_servers() -> Iterator[tuple[str, str]]:
    """Two HTTP servers on the loopback: 127.0.0.1 and 127.0.0.2 (tests treat the second as public)."""
    servers = []
    for host in ("127.0.0.1", "127.0.0.2"):
        httpd = http.server.ThreadingHTTPServer((host, 0), _RedirectingHandler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
    try:
        yield tuple(f"http://{h.server_address[0]}:{h.server_address[1]}" for h in servers)  # type: ignore[misc]
    finally:
        for httpd in servers:
            httpd.shutdown()
            httpd.server_close()


@pytest.fixture
def public_127_0_0_2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend 127.0.0.2 is a public address and ``news.example`` resolves to it (no network here)."""
    real_reason, real_resolve = fetch_module.non_public_reason, fetch_module._resolve
    monkeypatch.setattr(
        fetch_module, "non_public_reason", lambda ip: None if ip == "127.0.0.2" else real_reason(ip)
    )
    monkeypatch.setattr(
        fetch_module,
        "_resolve",
        lambda host, port: ["127.0.0.2"] if host == "news.example" else real_resolve(host, port),
    )


@pytest.mark.server
def test_loopback_url_is_refused_only_when_private_urls_are_not_allowed(
    loopback_servers: tuple[str, str], tmp_path: Path
) -> None:
    local, _ = loopback_servers
    url = f"{local}/page.html"
    with deadline(60):
        (allowed,) = list(read_articles([url]))
        (refused,) = list(read_articles([url], allow_private_urls=False))
        localhost = url.replace("127.0.0.1", "localhost")
        (by_name,) = list(read_articles([localhost], allow_private_urls=False))
    assert isinstance(allowed, Article) and allowed.title == "Local page"
    assert isinstance(refused, ReadProblem) and refused.origin == url
    assert refused.message == "127.0.0.1 is a loopback address; only public addresses are fetched here"
    assert str(refused).startswith(f"{url}: 127.0.0.1 is a loopback address")
    assert isinstance(by_name, ReadProblem) and by_name.origin == localhost
    assert by_name.message.startswith("localhost (") and "is a loopback address" in by_name.message
    # Through the index: the problem names the URL; nothing is added.
    with NewsIndex.open(tmp_path / "idx", embedder=FakeEmbedder()) as idx:
        report = idx.add([url], allow_private_urls=False)
        assert (report.added, report.failed) == (0, 1)
        assert report.problems == [str(refused)]
        assert idx.add([url]).added == 1


@pytest.mark.server
def test_redirect_to_a_private_address_is_refused(
    loopback_servers: tuple[str, str], public_127_0_0_2: None
) -> None:
    local, public = loopback_servers
    with deadline(60):
        # The "public" server and a name resolving to it are fetched, redirects among them too ...
        (direct,) = list(read_articles([f"{public}/page.html"], allow_private_urls=False))
        named = public.replace("127.0.0.2", "news.example")
        (by_name,) = list(read_articles([f"{named}/to?url={public}/page.html"], allow_private_urls=False))
        # ... but not a redirect from there to the loopback one.
        start = f"{named}/to?url={local}/page.html"
        (refused,) = list(read_articles([start], allow_private_urls=False))
        (allowed,) = list(read_articles([start]))
    assert isinstance(direct, Article) and isinstance(by_name, Article)
    assert isinstance(refused, ReadProblem) and refused.origin == start
    assert refused.message == (
        f"redirected to {local}/page.html: 127.0.0.1 is a loopback address; only public addresses are fetched here"
    )
    assert isinstance(allowed, Article)
