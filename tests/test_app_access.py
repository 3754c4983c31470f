"""Who may reach what when the web UI runs with a login (issue 5, "Access").

The real page (``ui.build_ui`` over the FakeAssistant, started by ``ui.serve`` with one login, as
``tests/app_launcher.py`` does without one) runs in this process on 127.0.0.1, so the routes can be
read from the very FastAPI app that answers: a route a future gradio adds is checked too. Without
the login cookie every route refuses, except the few that draw the login page, and those carry no
app data. With the cookie the same routes work. Uploads with hostile names stay inside gradio's
cache and the app's upload folder, and no file outside the app's folders is served, even to a
signed-in user.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.routing import Mount, Route, WebSocketRoute

from tests.fake_assistant import SEED_ARTICLE, SEED_QUOTE, XSS_ARTICLE, FakeAssistant
from ui.controller import BUILTIN
from ui.layout import EXAMPLE_QUESTIONS, build_ui
from ui.server import serve
from ui.workdir import WorkDirs, prepare_work_dir

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parent.parent
LOGIN = ("user", "pw")
# A default LLM endpoint is a value of the page (the Settings box): it must not reach a stranger.
PRIVATE_LLM = "openai:http://10.9.8.7:8080/v1#private-model"
UPLOAD_MARKER = "ACCESS-UPLOAD-MARKER-4242"
# What only a signed-in user may see: articles, questions, the page's endpoints, labels and values.
APP_DATA = (
    SEED_ARTICLE.title,
    SEED_QUOTE,
    "Tobruk",
    "Yevkurov",
    EXAMPLE_QUESTIONS[1],
    "on_ask",
    "on_add",
    "Number of sources",
    "Article files",
    "10.9.8.7",
    "private-model",
    UPLOAD_MARKER,
)
# The only routes a visitor without the login may use, and why (method, route path as gradio
# declares it). Anything else, including routes a future gradio adds, must refuse.
OPEN_ROUTES = {
    ("GET", "/"): "the login page itself (gradio draws the login form from it)",
    ("HEAD", "/"): "the same page without a body",
    ("POST", "/login"): "the login form posts the user name and password here",
    ("POST", "/login/"): "the same, with a trailing slash",
    ("GET", "/assets/{path:path}"): "gradio's front-end bundle (JS/CSS) that draws the login form",
    ("GET", "/static/{path:path}"): "gradio's static scripts and images, loaded by the login page",
    ("GET", "/theme.css"): "the colours and fonts of the login page",
    ("GET", "/favicon.ico"): "the browser asks for it before anyone signs in",
    ("GET", "/manifest.json"): "browsers fetch it without cookies; app name and gradio logo only",
    ("GET", "/gradio_api/startup-events"): "gradio's launch() calls it without a cookie; true/false only",
}


@dataclass
class Served:
    """The running app and everything the tests look at."""

    url: str
    demo: Any
    bot: FakeAssistant
    dirs: WorkDirs
    root: Path  # the test's folder: work/, index/, and files outside both
    index_dir: Path
    upload_path: str  # a file in gradio's cache, uploaded by the signed-in user
    export_path: str  # the Markdown export of an answer (in the cache, quotes an article)
    session_hash: str  # a real session of the signed-in user
    event_id: str  # a real event of that session
    fn_index: int  # the chat's function


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=httpx.Timeout(30, read=5), trust_env=False)


@contextlib.contextmanager
def signed_in(url: str) -> Iterator[httpx.Client]:
    """A client with the login cookie, as a browser has after the login form."""
    with client(url) as c:
        r = c.post("/login", data={"username": LOGIN[0], "password": LOGIN[1]})
        assert r.status_code == 200 and r.json() == {"success": True}, r.text
        yield c


@dataclass
class Reply:
    status_code: int
    headers: httpx.Headers
    text: str


def fetch(c: httpx.Client, method: str, path: str, *, body: bool = True, **kw: Any) -> Reply:
    """The answer with its first bytes (endless streams such as heartbeats are cut short)."""
    data = b""
    with c.stream(method, path, **kw) as r:
        if body and method != "HEAD":
            try:
                for chunk in r.iter_bytes():
                    data += chunk
                    if len(data) > 500_000:
                        break
            except httpx.ReadTimeout:
                pass
    return Reply(r.status_code, r.headers, data.decode("utf-8", "replace"))


def sse_events(c: httpx.Client, path: str, until: str, timeout: float = 60) -> list[dict[str, Any]]:
    """The JSON messages of a server-sent-event stream up to the first whose ``msg`` is ``until``."""
    out: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    with c.stream("GET", path, timeout=httpx.Timeout(timeout)) as r:
        assert r.status_code == 200, (path, r.status_code, r.read()[:300])
        for line in r.iter_lines():
            if line.startswith("data:"):
                msg = json.loads(line[5:])
                out.append(msg)
                if isinstance(msg, dict) and msg.get("msg") == until:
                    return out
            assert time.monotonic() < deadline, f"no {until!r} within {timeout} s: {out[-3:]}"
    raise AssertionError(f"the stream {path} ended before {until!r}: {out[-3:]}")


def routes_of(fastapi_app: Any) -> list[tuple[str, str]]:
    """Every (method, path) the app routes, included routers and mounts unrolled."""
    found: list[tuple[str, str]] = []

    def walk(routes: list[Any], prefix: str) -> None:
        for r in routes:
            if hasattr(r, "original_router"):  # FastAPI >= 0.16x keeps included routers lazily
                walk(r.original_router.routes, prefix + r.include_context.prefix)
            elif isinstance(r, Mount):
                if r.routes:
                    walk(list(r.routes), prefix + r.path)
                else:  # a mounted ASGI app (static files ...): probe one path under it
                    found.append(("GET", prefix + r.path + "/{path:path}"))
            elif isinstance(r, WebSocketRoute):
                found.append(("WEBSOCKET", prefix + r.path))
            elif isinstance(r, Route):
                found.extend((m, prefix + r.path) for m in sorted(r.methods or {"GET"}))
            else:
                raise AssertionError(f"unknown route type {type(r).__name__}: teach routes_of about it")

    walk(list(fastapi_app.routes), "")
    return sorted(set(found))


def fill(template: str, s: Served) -> str:
    """A concrete URL path for a route path, with plausible values for its parameters."""
    values = {
        "path_or_url": s.export_path,
        "path": s.export_path,
        "session_hash": s.session_hash,
        "event_id": s.event_id,
        "api_name": "on_ask",
        "component_id": "1",
        "run": "0",
        "segment_id": "0",
        "ext": "ts",
        "size": "192",
        "key": "0",
        "id": "0",
        "environment": "client",
        "type": "js",
        "file_name": "index.js",
        "url_path": "https://example.hf.space/gradio_api/file=x",
        "endpoint": "on_ask",
        "record_id": "0",
        "asset_id": "0",
    }
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), "x"), template)


def request_kwargs(method: str, path: str, s: Served) -> dict[str, Any]:
    """A body that passes gradio's validation, so a refusal comes from the login, not the body."""
    if method != "POST":
        return {"params": {"session_hash": s.session_hash}}
    if path.endswith("/upload"):
        return {"files": [("files", ("note.txt", f"Note\n\n{UPLOAD_MARKER}".encode(), "text/plain"))]}
    if path.rstrip("/").endswith("/login"):
        return {"data": {"username": LOGIN[0], "password": "wrong"}}
    return {"json": queue_body(s.fn_index, s.session_hash, s.event_id)}


def queue_body(fn_index: int, session_hash: str, event_id: str = "") -> dict[str, Any]:
    """A question for the chat's function, with the fields other gradio routes ask for as well."""
    return {
        "data": [EXAMPLE_QUESTIONS[0], None, None, None, [], [], BUILTIN, "", 3],
        "event_data": None,
        "fn_index": fn_index,
        "trigger_id": None,
        "session_hash": session_hash,
        "event_id": event_id,
        "fn_name": "x",
        "component_id": 1,
        "hash": "x",
        "prompt": "x",
        "code": "x",
    }


def leaks(text: str) -> list[str]:
    """The app data found in ``text`` (raw or JSON-escaped)."""
    return [d for d in APP_DATA if d in text or json.dumps(d)[1:-1] in text]


def is_refusal(r: Reply) -> bool:
    if r.status_code in (401, 403):
        return True
    location = r.headers.get("location", "")
    return r.status_code in (301, 302, 303, 307, 308) and urlsplit(location).path in ("/", "/login")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("access")
    index_dir = root / "index"
    index_dir.mkdir()
    (index_dir / "articles.jsonl").write_text(json.dumps({"text": SEED_QUOTE}) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GRADIO_ANALYTICS_ENABLED", "False")
        mp.setenv("NO_PROXY", "127.0.0.1,localhost")
        for name in ("GRADIO_TEMP_DIR", "GRADIO_EXAMPLES_CACHE"):  # prepare_work_dir and serve set them
            mp.setenv(name, "unset")  # so that the context restores (or removes) them afterwards
            mp.delenv(name)  # and gradio's defaults apply until the app sets them
        mp.chdir(root)  # gradio resolves some folders against the working directory
        dirs = prepare_work_dir(root / "work")
        bot = FakeAssistant([SEED_ARTICLE, XSS_ARTICLE])
        demo = build_ui(
            bot, upload_dir=dirs.uploads, export_dir=dirs.exports, max_upload_mb=5, default_llm=PRIVATE_LLM
        )
        url = serve(
            demo,
            host="127.0.0.1",
            port=free_port(),
            auth=[LOGIN],
            work_dirs=dirs,
            blocked=[index_dir],
            max_upload_mb=5,
            block=False,
        )
        try:
            with signed_in(url) as c:
                up = c.post(
                    "/gradio_api/upload",
                    files=[("files", ("port.txt", f"Port news\n\n{UPLOAD_MARKER}".encode(), "text/plain"))],
                )
                assert up.status_code == 200, up.text
                fn_index = next(i for i, fn in demo.fns.items() if fn.api_name == "on_ask")
                session = f"access{uuid.uuid4().hex[:8]}"
                join = c.post("/gradio_api/queue/join", json=queue_body(fn_index, session))
                assert join.status_code == 200, join.text
                events = sse_events(c, f"/gradio_api/queue/data?session_hash={session}", "process_completed")
                assert events[-1].get("success"), events[-1]
            exports = sorted(dirs.exports.glob("answer-*.md"))
            assert exports and SEED_QUOTE in exports[0].read_text(encoding="utf-8")
            yield Served(
                url=url,
                demo=demo,
                bot=bot,
                dirs=dirs,
                root=root,
                index_dir=index_dir,
                upload_path=up.json()[0],
                export_path=str(exports[0]),
                session_hash=session,
                event_id=join.json()["event_id"],
                fn_index=fn_index,
            )
        finally:
            demo.close(verbose=False)


# -- without the login --------------------------------------------------------------------------


def test_routes_are_enumerated_from_the_running_app(served: Served) -> None:
    routes = routes_of(served.demo.server_app)
    paths = {p for _, p in routes}
    # the walker sees gradio's API router too, not only the top-level routes
    for expected in ("/gradio_api/upload", "/gradio_api/file={path_or_url:path}", "/gradio_api/queue/join"):
        assert expected in paths
    assert set(OPEN_ROUTES) <= set(routes), sorted(set(OPEN_ROUTES) - set(routes))
    assert not [r for r in routes if r[0] == "WEBSOCKET"], "a websocket route: probe it without the login too"


def test_every_route_refuses_a_visitor_without_the_login(served: Served) -> None:
    problems = []
    with client(served.url) as c:
        for method, template in routes_of(served.demo.server_app):
            if (method, template) in OPEN_ROUTES:
                continue
            path = fill(template, served)
            r = fetch(c, method, path, **request_kwargs(method, path, served))
            if not is_refusal(r):
                problems.append(f"{method} {template} -> {r.status_code} {r.text[:120]!r}")
            elif leaks(r.text):
                problems.append(f"{method} {template} refused but shows {leaks(r.text)}")
    assert not problems, "reachable without the login:\n" + "\n".join(problems)


def test_the_upload_and_file_routes_refuse_and_do_nothing(served: Served) -> None:
    before = {p for p in served.dirs.cache.rglob("*") if p.is_file()}
    with client(served.url) as c:
        up = c.post(
            "/gradio_api/upload",
            files=[("files", ("x.txt", b"Title\n\nstranger", "text/plain"))],
            params={"upload_id": "x"},
        )
        assert up.status_code == 401, up.text
        for path in (served.export_path, served.upload_path):
            for route in (f"/gradio_api/file={path}", f"/gradio_api/file/{path}"):
                r = c.get(route)
                assert r.status_code == 401 and not leaks(r.text), (route, r.status_code)
    assert {p for p in served.dirs.cache.rglob("*") if p.is_file()} == before  # nothing was stored


def test_the_open_routes_show_no_app_data(served: Served) -> None:
    with client(served.url) as c:
        page = fetch(c, "GET", "/")
        assert page.status_code == 200 and "auth_required" in page.text
        assert not leaks(page.text), leaks(page.text)  # no endpoints, labels, values, articles
        assert fetch(c, "HEAD", "/").status_code == 200
        assets = re.findall(r'(?:src|href)="\./(assets/[^"]+)"', page.text)
        assert assets, "the login page loads no gradio bundle?"
        urls = [*assets, "static/js/iframeResizer.contentWindow.min.js", "theme.css", "favicon.ico"]
        for u in [*urls, "manifest.json"]:
            r = fetch(c, "GET", "/" + u)
            assert r.status_code == 200, (u, r.status_code)
            assert not leaks(r.text), (u, leaks(r.text))
        started = c.get("/gradio_api/startup-events")
        assert started.status_code == 200 and started.json() is False  # launch() ran them already
        bad = c.post("/login", data={"username": LOGIN[0], "password": "wrong"})
        assert bad.status_code == 400 and not leaks(bad.text) and not c.cookies
        assert c.get("/config").status_code == 401  # the wrong password gave no access


@pytest.mark.parametrize(
    "path",
    [
        "/assets/../../app.py",
        "/assets/%2e%2e/%2e%2e/app.py",
        "/static/..%2f..%2fapp.py",
        "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fapp.py",
        "/assets/..%2f..%2f..%2f..%2fetc/passwd",
    ],
)
def test_the_open_asset_routes_serve_no_other_file(served: Served, path: str) -> None:
    with client(served.url) as c:
        r = c.get(path)
    assert r.status_code in (401, 403, 404), (path, r.status_code)
    assert "def main(" not in r.text and "root:" not in r.text


# -- with the login -----------------------------------------------------------------------------


def test_the_same_routes_work_after_signing_in(served: Served) -> None:
    with signed_in(served.url) as c:
        config = c.get("/config")
        assert config.status_code == 200 and "na-chat" in config.text
        info = c.get("/gradio_api/info")
        assert info.status_code == 200 and "/on_ask" in info.json()["named_endpoints"]
        page = c.get("/")
        assert page.status_code == 200 and "on_ask" in page.text  # the API description is kept
        exported = c.get(f"/gradio_api/file={served.export_path}")
        assert exported.status_code == 200 and SEED_QUOTE in exported.text
        uploaded = c.get(f"/gradio_api/file={served.upload_path}")
        assert uploaded.status_code == 200 and UPLOAD_MARKER in uploaded.text
        # every route answers something else than "sign in" (logout last: it ends the session)
        unauthorised = []
        for method, template in routes_of(served.demo.server_app):
            if template == "/logout":
                continue
            path = fill(template, served)
            r = fetch(c, method, path, body=False, **request_kwargs(method, path, served))
            if r.status_code == 401:
                unauthorised.append(f"{method} {template}")
        assert not unauthorised, unauthorised
        out = fetch(c, "GET", "/logout")
        assert out.status_code in (302, 307)
        assert c.get("/config").status_code == 401  # signed out again


# -- uploads and files --------------------------------------------------------------------------


def test_hostile_upload_names_stay_in_the_cache_and_the_upload_folder(served: Served) -> None:
    tag = uuid.uuid4().hex[:8]
    names = [
        f"../../evil-{tag}.txt",
        f"..\\..\\evil-{tag}.txt",
        f"/etc/evil-{tag}",
        f"../../../../../../../../tmp/evil-{tag}.txt",
        f"خبر عاجل {tag}.txt",
    ]
    with signed_in(served.url) as c:
        files = [
            ("files", (n, f"Title {i}\n\n{UPLOAD_MARKER} {i}".encode(), "text/plain"))
            for i, n in enumerate(names)
        ]
        up = c.post("/gradio_api/upload", files=files)
        assert up.status_code == 200, up.text
        cached = [Path(p) for p in up.json()]
        assert len(cached) == len(names)
        for p in cached:
            assert p.resolve().is_relative_to(served.dirs.cache) and p.is_file(), p
        # Add them with the page's "Add to the index" (the app stores its own copies). gradio itself
        # keeps some out of any event, and that event fails: names it turned into dotfiles
        # ("..\\..\\x.txt" -> "....x.txt") and names without an article suffix ("/etc/evil").
        pairs = list(zip(cached, names, strict=True))
        usable = [(p, n) for p, n in pairs if not p.name.startswith(".") and p.suffix == ".txt"]
        refused = [pair for pair in pairs if pair not in usable]
        assert usable and refused
        stream = add_files(c, usable)
        for pair in refused:
            assert "event: error" in add_files(c, [pair]), pair
    assert "event: complete" in stream, stream[-500:]
    report = json.loads(stream.split("event: complete", 1)[1].split("data:", 1)[1].splitlines()[0])[0]
    assert f"{len(usable)} added" in report, report
    stored = [p for p in served.dirs.uploads.rglob("*") if p.is_file()]
    assert stored and all(p.parent == served.dirs.uploads for p in stored)
    assert all(not p.name.startswith(".") and ".." not in p.name for p in stored)
    added = [Path(x) for call in served.bot.calls if call.method == "add" for x in call.args[0]]
    assert added and all(p.parent == served.dirs.uploads for p in added)
    # nothing named evil-TAG outside the app's folders: in the test's folder, above it, or where a
    # joined "../" or absolute name would have put it
    near = [served.root, served.root.parent, served.root.parent.parent, Path("/tmp"), Path("/etc"), Path("/")]
    candidates = [*served.root.rglob(f"*evil-{tag}*"), *(p for d in near for p in d.glob(f"*evil-{tag}*"))]
    inside = (served.dirs.cache, served.dirs.uploads)
    escaped = [p for p in candidates if not any(p.resolve().is_relative_to(d) for d in inside)]
    assert not escaped, escaped
    assert not any(p.exists() for p, _ in usable), "gradio's copies are removed once stored"


def add_files(c: httpx.Client, files: list[tuple[Path, str]]) -> str:
    """Run the page's "Add to the index" on uploaded files; returns the event stream's text."""
    data = [[{"path": str(p), "orig_name": n, "meta": {"_type": "gradio.FileData"}} for p, n in files], ""]
    call = c.post("/gradio_api/call/on_add", json={"data": data})
    assert call.status_code == 200, call.text
    with c.stream("GET", f"/gradio_api/call/on_add/{call.json()['event_id']}", timeout=60) as r:
        return r.read().decode("utf-8")


@pytest.mark.parametrize(
    "which",
    [
        "etc-passwd",
        "app-py",
        "index-folder",
        "stored-upload",
        "work-root",
        "dotdot-to-uploads",
        "examples-cache",
    ],
)
def test_no_file_outside_the_cache_is_served_even_after_signing_in(served: Served, which: str) -> None:
    dirs = served.dirs
    secret = f"secret-{which}"
    (dirs.uploads / "stored.txt").write_text(secret, encoding="utf-8")
    (dirs.root / "outside.txt").write_text(secret, encoding="utf-8")
    examples = served.root / ".gradio" / "cached_examples"  # gradio's default, under the working dir
    examples.mkdir(parents=True, exist_ok=True)
    (examples / "cached.txt").write_text(secret, encoding="utf-8")
    path = {
        "etc-passwd": "/etc/passwd",
        "app-py": str(ROOT / "app.py"),
        "index-folder": str(served.index_dir / "articles.jsonl"),
        "stored-upload": str(dirs.uploads / "stored.txt"),
        "work-root": str(dirs.root / "outside.txt"),
        "dotdot-to-uploads": f"{dirs.cache}/../uploads/stored.txt",
        "examples-cache": str(examples / "cached.txt"),
    }[which]
    with signed_in(served.url) as c:
        for route in (f"/gradio_api/file={path}", f"/gradio_api/file/{path}"):
            r = c.get(route)
            assert r.status_code == 403, (route, r.status_code, r.text[:200])
            assert secret not in r.text and "root:" not in r.text and SEED_QUOTE not in r.text


@pytest.mark.browser
def test_the_login_page_still_signs_in_in_a_browser(served: Served) -> None:
    from tests.test_app_browser import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            refused: list[str] = []
            page.on("response", lambda r: refused.append(r.url) if r.status == 401 else None)
            page.goto(served.url)
            page.wait_for_selector("input[type=password]", timeout=60_000)
            assert not refused, f"the login page needs more than the open routes: {refused}"
            page.fill("input[type=text]", LOGIN[0])
            page.fill("input[type=password]", LOGIN[1])
            page.keyboard.press("Enter")
            page.wait_for_selector("#na-input textarea", timeout=60_000)
            page.wait_for_selector("#na-header .na-stats-line", timeout=60_000)
            assert not refused, refused
        finally:
            browser.close()
