"""The web UI in a real Chromium (Playwright), over the FakeAssistant started by tests/app_launcher.py.

Needs Debian's chromium (``make browser``). Screenshots of every step go to test-artifacts/browser/.
``running_app`` and the ``browser_context`` fixture are meant for reuse: a real-model variant starts
the launcher with ``--index-dir DIR`` instead of ``--fake``.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
START_TIMEOUT = 300  # seconds: importing gradio (and, for the real variant, the model) on a busy machine
ANSWER_TIMEOUT = 120_000  # milliseconds

YEVKUROV_EN = "When did Yevkurov meet Haftar?"
YEVKUROV_AR = "متى التقى يفكوروف بحفتر؟"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(launcher_args: Sequence[str], log_path: Path) -> Iterator[str]:
    """Run ``python -m tests.app_launcher ARGS --port P --work-dir W`` and yield its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "NO_PROXY": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    with tempfile.TemporaryDirectory(prefix="na-app-") as work, open(log_path, "w") as log:
        cmd = [
            sys.executable,
            "-m",
            "tests.app_launcher",
            *launcher_args,
            "--port",
            str(port),
            "--work-dir",
            work,
        ]
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                if proc.poll() is not None:
                    pytest.fail(
                        f"the app exited with {proc.returncode}; log:\n{log_path.read_text()[-3000:]}"
                    )
                try:
                    with urllib.request.urlopen(url, timeout=5) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"the app did not answer on {url} within {START_TIMEOUT} s; log:\n{log_path.read_text()[-3000:]}"
                    )
                time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with running_app(["--fake", "--delay", "0.15"], ARTIFACTS / "app-fake.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser_context() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="na-profile-") as profile:
        ctx = pw.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 950},
            accept_downloads=True,
        )
        try:
            yield ctx
        finally:
            ctx.close()


@pytest.fixture
def page(browser_context, app_url: str):
    """A fresh page (so a fresh chat) on the app; afterwards, checks it asked no other host."""
    page = browser_context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(app_url)
    page.wait_for_selector("#na-input textarea")
    page.wait_for_selector("#na-header .na-stats-line")  # the page's load event has run
    yield page
    page.close()
    app_host = urlsplit(app_url).netloc
    foreign = sorted(
        {
            u
            for u in requested
            if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).netloc != app_host
        }
    )
    assert not foreign, f"the page requested other hosts than {app_host}: {foreign}"
    assert requested, "no request was recorded"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def ask(page, question: str) -> object:
    """Type ``question``, send it, and return the locator of its (final) answer."""
    n = page.locator('[data-testid="bot"] .na-foot').count()
    page.fill("#na-input textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('[data-testid=\"bot\"] .na-foot').length > {n}", timeout=ANSWER_TIMEOUT
    )
    return page.locator('[data-testid="bot"]').nth(n)


def test_english_question_streams_an_answer_with_citations(page) -> None:
    page.fill("#na-input textarea", YEVKUROV_EN)
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-testid="bot"] .na-pending', timeout=ANSWER_TIMEOUT)  # it streams
    page.wait_for_selector('[data-testid="bot"] .na-foot', timeout=ANSWER_TIMEOUT)
    answer = page.locator('[data-testid="bot"]').first
    assert "17 September 2023" in answer.inner_text()
    assert answer.locator("a.na-cite").count() >= 1
    assert page.locator("#na-sources-box .na-src-group.na-active .na-card").count() >= 1
    shot(page, "01-english-answer")


def test_clicking_a_citation_scrolls_to_and_highlights_the_arabic_sentence(page) -> None:
    answer = ask(page, YEVKUROV_EN)
    answer.locator("a.na-cite").first.click()
    card = page.locator("#na-sources-box .na-card.na-hl")
    card.wait_for(timeout=10_000)
    assert card.get_attribute("id") == "na-src-1-1"
    mark = card.locator("mark")
    assert "17 سبتمبر" in mark.inner_text()
    assert card.evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.wait_for_timeout(600)  # let the smooth scroll finish before the screenshot
    assert mark.is_visible()
    shot(page, "02-citation-highlighted")


def test_arabic_question_is_right_to_left_and_english_left_to_right(page) -> None:
    ar_answer = ask(page, YEVKUROV_AR)
    assert "17 سبتمبر 2023" in ar_answer.inner_text()
    user_ar = page.locator('[data-testid="user"] .na-msg').first
    assert user_ar.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert ar_answer.locator(".na-answer").evaluate("e => getComputedStyle(e).direction") == "rtl"
    en_answer = ask(page, YEVKUROV_EN)
    user_en = page.locator('[data-testid="user"] .na-msg').nth(1)
    assert user_en.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert en_answer.locator(".na-answer").evaluate("e => getComputedStyle(e).direction") == "ltr"
    # clicking the first (Arabic) answer's marker shows that answer's sources again
    ar_answer.locator("a.na-cite").first.click()
    page.locator("#na-src-1-1.na-hl").wait_for(timeout=10_000)
    assert page.locator("#na-group-1").get_attribute("class").split() == ["na-src-group", "na-active"]
    shot(page, "03-arabic-rtl")


def test_upload_an_article_ask_about_it_then_remove_it(page, tmp_path: Path) -> None:
    article = tmp_path / "ميناء مصراتة.txt"
    article.write_text(
        "Misrata port opens a new terminal\n\n"
        "The port of Misrata opened a new container terminal on 5 May 2024, the port authority said.\n",
        encoding="utf-8",
    )
    page.get_by_role("tab", name="Add articles").click()
    page.set_input_files("#na-files input[type=file]", str(article))
    page.locator("#na-files").get_by_text("ميناء").first.wait_for(timeout=30_000)  # the upload finished
    page.click("#na-add")
    report = page.locator("#na-add-report .na-report")
    report.wait_for(timeout=ANSWER_TIMEOUT)
    assert "1 added" in report.inner_text(), report.inner_text()
    shot(page, "04-upload-report")

    page.get_by_role("tab", name="Chat").click()
    answer = ask(page, "When did the port of Misrata open its container terminal?")
    assert "5 May 2024" in answer.inner_text()
    assert answer.locator("a.na-cite").count() >= 1
    assert "Misrata port opens a new terminal" in page.locator("#na-sources-box .na-active").inner_text()
    shot(page, "05-answer-from-upload")

    page.get_by_role("tab", name="Index").click()
    search = page.locator("#na-search textarea, #na-search input").first
    search.fill("Misrata")
    search.press("Enter")
    cell = page.locator('#na-table [data-testid="cell-0-0"]')
    expect(cell).to_contain_text("Misrata port opens a new terminal", timeout=20_000)
    cell.click()
    expect(page.locator("#na-pick input").first).to_have_value(re.compile("Misrata"), timeout=20_000)
    page.click("#na-remove")
    page.get_by_text("It no longer appears in answers").wait_for(timeout=20_000)
    shot(page, "06-index-removed")


def test_empty_question_shows_a_message_and_the_app_keeps_working(page) -> None:
    page.fill("#na-input textarea", "   ")
    page.click("#na-send")
    status = page.locator("#na-status .na-status.na-error")
    status.wait_for(timeout=20_000)
    assert "Type a question first" in status.inner_text()
    assert "Traceback" not in page.content()
    shot(page, "07-empty-question-error")
    answer = ask(page, YEVKUROV_EN)
    assert "17 September 2023" in answer.inner_text()
    assert page.locator("#na-status .na-error").count() == 0  # the message goes with the next answer


def test_untrusted_article_text_never_runs(page) -> None:
    answer = ask(page, "When did the harbour of Tobruk reopen?")
    assert "3 March 2024" in answer.inner_text()
    card = page.locator("#na-sources-box .na-active .na-card").first
    assert "<script>alert(1)</script>" in card.inner_text()  # shown as text
    assert page.evaluate("window.__pwned") is None
    assert card.locator("a").count() == 0  # a javascript: URL gives no link
    shot(page, "08-untrusted-text-escaped")


def test_example_question_asks_and_markdown_download_is_the_answer_with_sources(page) -> None:
    page.get_by_role("button", name=YEVKUROV_EN).click()  # an example question
    page.wait_for_selector('[data-testid="bot"] .na-foot', timeout=ANSWER_TIMEOUT)
    assert "17 September 2023" in page.locator('[data-testid="bot"]').first.inner_text()
    with page.expect_download() as info:
        page.click("#na-download")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.startswith(f"**Q:** {YEVKUROV_EN}")
    assert "**Sources**" in text and "والتقى يوفكيورف حفتر في بنغازي في 17 سبتمبر الجاري" in text
    page.get_by_role("button", name="New chat").click()
    page.wait_for_function("document.querySelectorAll('[data-testid=\"bot\"]').length === 0", timeout=20_000)
    assert page.locator("#na-download").is_disabled()


@pytest.mark.parametrize(
    "path", ["/etc/passwd", str(ROOT / "app.py"), str(ROOT / "tests" / "fake_assistant.py")]
)
def test_the_app_serves_no_file_outside_its_folder(app_url: str, path: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{app_url}gradio_api/file={path}", timeout=30)
    assert info.value.code == 403
