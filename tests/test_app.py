"""Fast tests of the web UI's behaviour: the callbacks of ui/ (behind app.py) over a FakeAssistant (no browser)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from pathlib import Path

import pytest

import app
from tests.fake_assistant import SEED_ARTICLE, SEED_QUOTE, XSS_ARTICLE, FakeAssistant
from ui.controller import LLM_ENDPOINT, NewsUI
from ui.conversation import ChatView
from ui.filters import make_filters
from ui.layout import build_ui
from ui.logins import AuthError, is_loopback, resolve_auth
from ui.render import render_answer_html, render_sources_html, safe_url
from ui.server import serve
from ui.uploads import UploadError, safe_upload_name, store_upload
from ui.workdir import WorkDirs, prepare_work_dir

YEVKUROV_EN = "When did Yevkurov meet Haftar?"
YEVKUROV_AR = "متى التقى يفكوروف بحفتر؟"


@pytest.fixture
def bot() -> FakeAssistant:
    return FakeAssistant()


@pytest.fixture
def ui(bot: FakeAssistant, tmp_path: Path) -> NewsUI:
    return NewsUI(bot, upload_dir=tmp_path / "work" / "uploads", export_dir=tmp_path / "work" / "exports")


def ask(ui: NewsUI, question: str, turns=None, **kw) -> list[ChatView]:
    return list(ui.ask(question, turns or [], **kw))


# -- chat -----------------------------------------------------------------------------------------


def test_answer_streams_then_shows_citation_links_and_sources(ui: NewsUI) -> None:
    views = ask(ui, YEVKUROV_EN)
    assert len(views) >= 4  # placeholder, growing text, final
    assert views[0].textbox == ""  # the box is cleared at once
    assert "na-pending" in views[0].messages[-1]["content"]
    partial = [v.messages[-1]["content"] for v in views[1:-1]]
    lengths = [len(re.sub(r"<[^>]+>", "", p)) for p in partial]
    assert lengths == sorted(lengths) and lengths[0] < lengths[-1]  # the answer grows
    final = views[-1]
    assert not final.error
    answer_html = final.messages[-1]["content"]
    assert "17 September 2023" in answer_html
    assert '<a class="na-cite" href="#na-src-1-1"' in answer_html
    assert len(final.turns) == 1 and final.turns[0].answer is not None
    # the sources panel: card 1 of answer 1, the quote highlighted inside the passage
    assert 'id="na-src-1-1"' in final.sources
    assert f"<mark>{SEED_QUOTE}</mark>" in final.sources
    assert 'class="na-src-group na-active" id="na-group-1"' in final.sources


def test_follow_up_sends_plain_history_not_html(ui: NewsUI, bot: FakeAssistant) -> None:
    first = ask(ui, YEVKUROV_EN)[-1]
    second = ask(ui, "Where did they meet?", first.turns)[-1]
    history = bot.calls[-1].args[1]
    assert history == [
        {"role": "user", "content": YEVKUROV_EN},
        {"role": "assistant", "content": "Yevkurov met Haftar in Benghazi on 17 September 2023 [1]."},
    ]
    assert len(second.turns) == 2
    # answer 2's markers link to its own sources; answer 1's group is kept but hidden
    assert 'href="#na-src-2-1"' in second.messages[-1]["content"]
    assert (
        'id="na-group-1"' in second.sources
        and 'class="na-src-group na-active" id="na-group-2"' in second.sources
    )


def test_messages_and_passages_carry_dir_auto_for_arabic_and_english(ui: NewsUI) -> None:
    final = ask(ui, YEVKUROV_AR)[-1]
    user, answer = final.messages
    assert user["content"].startswith('<div dir="auto"')
    assert YEVKUROV_AR in user["content"]
    assert answer["content"].startswith('<div dir="auto"')
    assert "17 سبتمبر 2023" in answer["content"]
    assert '<p class="na-passage" dir="auto">' in final.sources
    english = ask(ui, YEVKUROV_EN, final.turns)[-1]
    assert all('dir="auto"' in m["content"] for m in english.messages)


def test_untrusted_article_text_is_escaped_everywhere(tmp_path: Path) -> None:
    ui = NewsUI(FakeAssistant([XSS_ARTICLE]), upload_dir=tmp_path / "up")
    final = ask(ui, "When did the harbour of Tobruk reopen?")[-1]
    page = final.sources + "".join(m["content"] for m in final.messages)
    assert "Tobruk" in final.sources
    for bad in ("<script", "<img", "javascript:", "<b>", "<i>", "${", "{{"):
        assert bad not in page, bad
    assert not re.search(r"<[a-z]+[^>]*\son\w+=", page)  # no event-handler attribute on any tag
    assert "&lt;script&gt;" in final.sources  # shown as text, not dropped
    assert "href=" not in final.sources  # a javascript: URL gives no link at all


def test_source_links_only_for_http_urls() -> None:
    good = safe_url("https://example.org/a?b=1")
    assert good == "https://example.org/a?b=1"
    for bad in (
        "javascript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "//evil.org/x",
        "ftp://x/y",
        "",
    ):
        assert safe_url(bad) is None


def test_markers_become_links_only_for_real_citations(ui: NewsUI) -> None:
    answer = ask(ui, YEVKUROV_EN)[-1].turns[0].answer
    html = render_answer_html("Met on 17 September [1] and later [7]. Also [1, 2].", 3, answer)
    assert html.count('class="na-cite"') == 1
    assert 'href="#na-src-3-1"' in html and "[7]" in html
    streaming = render_answer_html("Yes [1][2]", 2, None, pending=True)  # before the citations are known
    assert 'href="#na-src-2-1"' in streaming and 'href="#na-src-2-2"' in streaming


def test_unanswerable_question_shows_no_link_and_says_so(tmp_path: Path) -> None:
    ui = NewsUI(FakeAssistant(), upload_dir=tmp_path / "up")
    final = ask(ui, "Who won the chess olympiad?")[-1]
    assert "The articles do not say." in final.messages[-1]["content"]
    assert "na-cite" not in final.messages[-1]["content"]
    assert "No article supports an answer" in final.sources


def test_markdown_copy_and_download_are_the_answer_with_sources(ui: NewsUI) -> None:
    final = ask(ui, YEVKUROV_EN)[-1]
    answer = final.turns[0].answer
    assert final.markdown == answer.to_markdown()
    assert "**Sources**" in final.markdown and SEED_QUOTE in final.markdown
    path = Path(final.download)
    assert path.read_text(encoding="utf-8") == answer.to_markdown()
    assert path.parent == ui.export_dir and path.suffix == ".md"


def test_empty_question_is_a_message_not_a_call(ui: NewsUI, bot: FakeAssistant) -> None:
    views = ask(ui, "   ")
    assert len(views) == 1
    assert "Type a question" in views[0].error
    assert 'class="na-status na-error"' in views[0].status
    assert not [c for c in bot.calls if c.method == "stream"]


def test_assistant_errors_are_shown_and_the_chat_keeps_working(ui: NewsUI) -> None:
    first = ask(ui, YEVKUROV_EN)[-1]
    failed = ask(ui, "llm-down: when?", first.turns)[-1]
    assert "could not be reached" in failed.error
    assert "Traceback" not in failed.status and "could not be reached" in failed.status
    assert failed.textbox == "llm-down: when?"  # the question is given back to retry
    assert len(failed.turns) == 1  # the failed question is not part of the history
    again = ask(ui, YEVKUROV_AR, failed.turns)[-1]
    assert not again.error and len(again.turns) == 2


def test_unexpected_errors_are_messages_too(ui: NewsUI, bot: FakeAssistant, monkeypatch) -> None:
    def boom(*a, **k):
        raise RuntimeError("disk on fire")
        yield  # pragma: no cover

    monkeypatch.setattr(bot, "stream", boom)
    final = ask(ui, YEVKUROV_EN)[-1]
    assert "RuntimeError" in final.error and "disk on fire" in final.error


def test_llm_setting_is_passed_and_must_be_filled(ui: NewsUI, bot: FakeAssistant) -> None:
    ask(ui, YEVKUROV_EN)
    assert bot.calls[-1].kwargs["llm"] == "extractive"
    missing = ask(ui, YEVKUROV_EN, answerer=LLM_ENDPOINT, endpoint=" ")[-1]
    assert "Enter the LLM endpoint" in missing.error
    spec = "openai:http://127.0.0.1:8080/v1#m"
    final = ask(ui, YEVKUROV_EN, answerer=LLM_ENDPOINT, endpoint=spec, k=3)[-1]
    assert bot.calls[-1].kwargs["llm"] == spec and bot.calls[-1].kwargs["k"] == 3
    assert "fake-llm" in final.messages[-1]["content"]


def test_filters_reach_the_assistant(ui: NewsUI, bot: FakeAssistant) -> None:
    final = ask(ui, YEVKUROV_EN, date_from="2023-09-01", date_to="2023-09-30 00:00:00", langs=["ar"])[-1]
    f = bot.calls[-1].kwargs["filters"]
    assert f.date_from == dt.date(2023, 9, 1) and f.date_to == dt.date(2023, 9, 30) and f.langs == ("ar",)
    assert "Filters applied" in final.status
    excluded = ask(ui, YEVKUROV_EN, date_from="2024-01-01")[-1]
    assert "The articles do not say." in excluded.messages[-1]["content"]


def test_make_filters_checks_dates() -> None:
    assert make_filters(None, "", [], []) is None
    f = make_filters(dt.datetime(2023, 1, 2, 5), None, ["BBC"], None)
    assert f.date_from == dt.date(2023, 1, 2) and f.sources == ("BBC",)
    with pytest.raises(ValueError, match="expected a date like 2023-09-26, got 'yesterday'"):
        make_filters("yesterday")
    with pytest.raises(ValueError, match="after"):
        make_filters("2023-10-01", "2023-09-01")


def test_bad_filter_is_a_message(ui: NewsUI) -> None:
    views = ask(ui, YEVKUROV_EN, date_from="soon")
    assert len(views) == 1 and "From date" in views[0].error


def test_new_chat_forgets_history(ui: NewsUI, bot: FakeAssistant) -> None:
    ask(ui, YEVKUROV_EN)
    cleared = ui.new_chat()
    assert cleared.turns == [] and cleared.messages == [] and cleared.download is None
    assert "Ask a question" in cleared.sources
    ask(ui, YEVKUROV_AR, cleared.turns)
    assert bot.calls[-1].args[1] == []


def test_empty_sources_panel_explains_itself() -> None:
    assert "Click a number" in render_sources_html([])


# -- uploads --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("article.txt", "article.txt"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\evil.jsonl", "evil.jsonl"),
        ("خبر عاجل.txt", "خبر_عاجل.txt"),
        (".hidden.jsonl", "hidden.jsonl"),
        ("a\x00b\u202e.md", "ab.md"),
        ("news.JSONL.GZ", "news.jsonl.gz"),
        ("...", "upload"),
        ("my file (1).html", "my_file_1.html"),
    ],
)
def test_safe_upload_name(name: str, expected: str) -> None:
    assert safe_upload_name(name) == expected


def test_safe_upload_name_keeps_suffix_when_shortened() -> None:
    name = safe_upload_name("ع" * 400 + ".jsonl.gz")
    assert len(name) <= 120 and name.endswith(".jsonl.gz") and name.startswith("ع")


def test_store_upload_stays_inside_the_upload_dir(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("Title\nBody", encoding="utf-8")
    up = tmp_path / "uploads"
    first = store_upload(src, up, max_bytes=1000, original_name="../../../x/../خبر.txt")
    assert first.parent == up.resolve() and first.name == "خبر.txt"
    assert store_upload(src, up, max_bytes=1000, original_name="خبر.txt") == first  # same content: reused
    src.write_text("Other\nBody", encoding="utf-8")
    second = store_upload(src, up, max_bytes=1000, original_name="خبر.txt")
    assert second.name == "خبر-2.txt" and second.read_text(encoding="utf-8") == "Other\nBody"
    with pytest.raises(UploadError, match=r"unsupported file type; expected one of \.jsonl\.gz"):
        store_upload(src, up, max_bytes=1000, original_name="tool.exe")
    with pytest.raises(UploadError, match="over the upload limit"):
        store_upload(src, up, max_bytes=3, original_name="big.txt")
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["in.txt", "خبر-2.txt", "خبر.txt"]


def test_add_files_then_ask_about_them(ui: NewsUI, bot: FakeAssistant, tmp_path: Path) -> None:
    upload = tmp_path / "gradio-cache" / "port.txt"
    upload.parent.mkdir()
    upload.write_text(
        "Port of Misrata expands\n\nThe port of Misrata opened a new container terminal on 5 May 2024.",
        encoding="utf-8",
    )
    records = tmp_path / "gradio-cache" / "more.jsonl.gz"
    with gzip.open(records, "wt", encoding="utf-8") as f:
        f.write(
            json.dumps(
                {
                    "id": "a1",
                    "title": "Flights resume",
                    "text": "Flights between Tripoli and Rome resumed.",
                    "lang": "en",
                }
            )
            + "\n"
        )
        f.write("{not json\n")
    steps: list[tuple[float, str]] = []
    report, error = ui.add(
        [str(upload), str(records)],
        "not-a-url\n/etc/passwd",
        progress=lambda p, desc="": steps.append((p, desc)),
    )
    assert error == ""
    assert "2 added" in report
    assert "not-a-url: not an http(s) URL" in report and "/etc/passwd: not an http(s) URL" in report
    assert "more.jsonl.gz" in report and "Skipped or failed, and why" in report
    assert steps and steps[-1][0] == 1.0 and any("port.txt" in d for _, d in steps)
    added = bot.calls[0].args[0] + bot.calls[1].args[0]
    assert all(Path(p).parent == ui.upload_dir for p in added)  # the index reads the stored copies
    final = ask(ui, "When did the port of Misrata open a container terminal?")[-1]
    assert "5 May 2024" in final.messages[-1]["content"] and "na-cite" in final.messages[-1]["content"]


def test_add_refuses_bad_uploads_with_reasons(ui: NewsUI, tmp_path: Path) -> None:
    exe = tmp_path / "run.exe"
    exe.write_bytes(b"MZ")
    report, error = ui.add([str(exe)], "")
    assert "Nothing was added" in error and "run.exe: unsupported file type" in report
    report, error = ui.add(None, "  ")
    assert "Choose files" in error and "na-error" in report


def test_index_overview_list_and_remove(ui: NewsUI, bot: FakeAssistant) -> None:
    bot.articles[XSS_ARTICLE.id] = XSS_ARTICLE
    header, stats_html, outlets, langs = ui.overview()
    assert "<b>2</b> articles" in header and "fake-model" in header
    assert ("Arabic (ar)", "ar") in langs and (
        "unknown Arabic news site",
        "unknown Arabic news site",
    ) in outlets
    assert "<i>" not in stats_html and "Evil &lt;i&gt;Outlet" in stats_html
    rows, choices = ui.articles("حفتر")
    assert [r[-1] for r in rows] == [SEED_ARTICLE.id] and choices[0][1] == SEED_ARTICLE.id
    status, error = ui.remove(SEED_ARTICLE.id)
    assert error == "" and f"Removed “{SEED_ARTICLE.title}” (seed-haftar-russia)" in status
    assert ui.articles("")[0] == [
        [XSS_ARTICLE.title, "Evil <i>Outlet</i>", "2024-03-04", "en", 1, "xss-test"]
    ]
    _, error = ui.remove(SEED_ARTICLE.id)
    assert "No article with id" in error
    _, error = ui.remove(None)
    assert "Choose an article" in error


# -- running it -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("192.168.1.5", False)],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_auth_required_off_loopback(tmp_path: Path) -> None:
    assert resolve_auth("127.0.0.1", None, {}) == []
    with pytest.raises(AuthError, match=r"refusing to listen on 0\.0\.0\.0 without a login"):
        resolve_auth("0.0.0.0", None, {})
    assert resolve_auth("0.0.0.0", None, {"NEWS_ASSISTANT_AUTH": "ana:pa:ss"}) == [("ana", "pa:ss")]
    good = tmp_path / "auth"
    good.write_text("# team\nana:secret\n\nbob:hunter2\n", encoding="utf-8")
    assert resolve_auth("0.0.0.0", good, {}) == [("ana", "secret"), ("bob", "hunter2")]
    bad = tmp_path / "bad"
    bad.write_text("ana:secret\njust-a-name\n", encoding="utf-8")
    with pytest.raises(AuthError, match=r"bad:2: expected 'user:password'"):
        resolve_auth("0.0.0.0", bad, {})


def test_main_refuses_to_start_on_all_interfaces_without_login(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("NEWS_ASSISTANT_AUTH", raising=False)
    code = app.main(
        ["--index-dir", str(tmp_path / "idx"), "--host", "0.0.0.0", "--work-dir", str(tmp_path / "w")]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "refusing to listen on 0.0.0.0 without a login" in err and "--auth-file" in err
    assert not (tmp_path / "idx").exists()  # nothing opened


def test_serve_refuses_without_login_too(tmp_path: Path) -> None:
    with pytest.raises(AuthError):
        serve(None, host="0.0.0.0", work_dirs=WorkDirs(tmp_path), block=False)  # type: ignore[arg-type]


def test_prepare_work_dir_points_gradio_cache_inside(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("GRADIO_TEMP_DIR", raising=False)
    dirs = prepare_work_dir(tmp_path / "w")
    import os

    assert os.environ["GRADIO_TEMP_DIR"] == str(dirs.cache)
    assert all(d.is_dir() and d.parent == dirs.root for d in (dirs.uploads, dirs.cache))
    assert dirs.exports.is_dir() and dirs.exports.parent == dirs.cache  # served like gradio's own files


def test_build_ui_wires_the_page(tmp_path: Path) -> None:
    demo = build_ui(FakeAssistant(), upload_dir=tmp_path / "up", max_upload_mb=5)
    assert demo.news_ui.max_upload_mb == 5
    ids = {getattr(b, "elem_id", None) for b in demo.blocks.values()}
    assert {"na-chat", "na-input", "na-sources-box", "na-files", "na-urls", "na-table", "na-download"} <= ids


def test_urls_to_private_addresses_are_refused_unless_allowed(bot: FakeAssistant, tmp_path: Path) -> None:
    import http.server
    import threading

    body = json.dumps({"id": "lan-1", "title": "LAN", "text": "A page on a private address.", "lang": "en"})

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/a.json"
    try:
        shared = NewsUI(bot, upload_dir=tmp_path / "a" / "uploads")  # the default: public addresses only
        report, _ = shared.add(None, url)
        assert "loopback" in report and "lan-1" not in bot.articles
        assert bot.calls[-1].kwargs["allow_private_urls"] is False
        local = NewsUI(bot, upload_dir=tmp_path / "b" / "uploads", allow_private_urls=True)
        report, error = local.add(None, url)
        assert error == "" and "1 added" in report and "lan-1" in bot.articles
    finally:
        server.shutdown()
