"""Article readers: files, folders, globs, encodings, bad records, feeds, HTML and URLs.

Fixtures live in tests/data/articles/: a windows-1256 Arabic text, a UTF-16 text, a binary file
named .txt, an RSS and an Atom feed, an HTML page with scripts/navigation/boilerplate, a JSONL
file with malformed, array, wrong-type and empty lines, a JSON list, a Markdown note with front
matter, a "billion laughs" feed and a sitemap (XML that is not a feed).
"""

from __future__ import annotations

import gzip
import http.server
import io
import itertools
import json
import logging
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.readers import (
    article_fingerprints,
    decode_bytes,
    iter_sources,
    normalize_url,
    read_articles,
    text_fingerprint,
)
from index.readers import dispatch as dispatch_module
from index.readers import fields as fields_module
from index.schema import Article, ReadProblem
from tests.conftest import NEWS_GZ, SHARED

DATA = Path(__file__).resolve().parents[1] / "data" / "articles"
SEED = SHARED / "data" / "seed"
JAWHARA = NEWS_GZ


def read_all(*inputs: str | Path, **kwargs: float) -> list[Article | ReadProblem]:
    return list(read_articles([str(i) for i in inputs], **kwargs))  # type: ignore[arg-type]


def only_articles(items: list[Article | ReadProblem]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def only_problems(items: list[Article | ReadProblem]) -> list[ReadProblem]:
    return [i for i in items if isinstance(i, ReadProblem)]


# --- the seed and the real news file ---------------------------------------------------------


def test_seed_jsonl() -> None:
    items = read_all(SEED / "haftar_russia_visit.jsonl")
    assert len(items) == 1
    article = items[0]
    assert isinstance(article, Article)
    assert article.id == "seed-haftar-russia"
    assert article.lang == "ar"
    assert article.published == "2023-09-26"
    assert article.title == "حفتر يبدأ زيارة إلى روسيا تلبية لدعوة رسمية"
    assert article.source == "unknown Arabic news site"
    assert article.url is None
    assert article.origin.endswith("haftar_russia_visit.jsonl:1")
    assert "تعليقات الزوار" not in article.text
    assert "لا تعليقات" not in article.text
    assert "الصراع. وجاء" in article.text
    assert "والتقى يوفكيورف حفتر في بنغازي في 17 سبتمبر الجاري" in article.text


def test_seed_txt_matches_jsonl_text() -> None:
    (from_json,) = read_all(SEED / "haftar_russia_visit.jsonl")
    (from_txt,) = read_all(SEED / "haftar_russia_visit.txt")
    assert isinstance(from_json, Article) and isinstance(from_txt, Article)
    assert from_txt.text == from_json.text
    assert from_txt.title == from_txt.text.split("\n")[0]
    assert from_txt.origin == str(SEED / "haftar_russia_visit.txt")
    assert from_txt.lang == "ar"
    assert len(from_txt.id) == 16


class _CountingFile(io.FileIO):
    """A file that counts the bytes read from disk."""

    total = 0

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        _CountingFile.total += len(data)
        return data

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        count = super().readinto(buffer) or 0
        _CountingFile.total += count
        return count


def test_jawharafm_first_200_lines_streaming(monkeypatch: pytest.MonkeyPatch) -> None:
    _CountingFile.total = 0
    opened: list[_CountingFile] = []

    def counting_gzip_open(path: str, mode: str = "rb") -> gzip.GzipFile:
        opened.append(_CountingFile(path, "rb"))
        return gzip.GzipFile(fileobj=opened[-1], mode="rb")

    monkeypatch.setattr(dispatch_module.gzip, "open", counting_gzip_open)
    stream = read_articles([str(JAWHARA)])
    items = list(itertools.islice(stream, 200))
    stream.close()  # type: ignore[attr-defined]
    for file in opened:
        file.close()
    assert len(items) == 200
    assert all(isinstance(i, Article) for i in items), [str(i) for i in items if isinstance(i, ReadProblem)]
    assert {i.lang for i in items} == {"ar"}  # type: ignore[union-attr]
    assert all(i.source == "Jawhara FM" and i.published for i in items)  # type: ignore[union-attr]
    assert items[0].origin == f"{JAWHARA}:1"  # type: ignore[union-attr]
    assert items[0].extra.get("category") == "culture"  # type: ignore[union-attr]
    assert len({i.id for i in items}) == 200  # type: ignore[union-attr]
    # Streaming: only a small part of the 3.9 MB compressed file was read.
    assert 0 < _CountingFile.total < JAWHARA.stat().st_size // 4


def test_plain_jsonl_is_streamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n in range(20_000):
            out.write(
                json.dumps({"id": f"a{n}", "text": f"Article number {n} about the harbour.", "lang": "en"})
                + "\n"
            )
    _CountingFile.total = 0
    monkeypatch.setattr(
        dispatch_module, "open", lambda p, mode="r": io.BufferedReader(_CountingFile(p, "rb")), raising=False
    )
    stream = read_articles([str(path)])
    first = next(stream)
    stream.close()  # type: ignore[attr-defined]
    assert isinstance(first, Article) and first.id == "a0"
    assert _CountingFile.total < path.stat().st_size // 10


# --- sources -----------------------------------------------------------------------------------


def test_iter_sources_folder_recursive_sorted_known_extensions(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in [
        "b/z.txt",
        "b/a.jsonl.gz",
        "a.json",
        "c.md",
        "notes.pdf",
        "image.png",
        ".secret.txt",
        ".hidden/x.txt",
        "d.HTML",
    ]:
        (tmp_path / name).write_bytes(b"x")
    found = list(iter_sources([str(tmp_path)]))
    assert found == [str(tmp_path / n) for n in ["a.json", "c.md", "d.HTML", "b/a.jsonl.gz", "b/z.txt"]]


def test_iter_sources_problems_globs_urls_and_dedup(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("one", encoding="utf-8")
    (tmp_path / "two.txt").write_text("two", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    out = list(
        iter_sources(
            [
                str(tmp_path / "missing.jsonl"),
                str(tmp_path / "*.txt"),
                "https://example.org/feed.xml",
                str(tmp_path / "one.txt"),  # already listed through the glob
                str(tmp_path / "nothing-*.json"),
                str(tmp_path / "empty"),
            ]
        )
    )
    assert isinstance(out[0], ReadProblem) and "no such file or folder" in out[0].message
    assert out[0].origin == str(tmp_path / "missing.jsonl")
    assert out[1:4] == [str(tmp_path / "one.txt"), str(tmp_path / "two.txt"), "https://example.org/feed.xml"]
    assert isinstance(out[4], ReadProblem) and "no files match" in out[4].message
    assert isinstance(out[5], ReadProblem) and "no article files" in out[5].message
    assert len(out) == 6


def test_a_single_string_is_one_input() -> None:
    items = list(read_articles(str(SEED / "haftar_russia_visit.jsonl")))  # type: ignore[arg-type]
    assert [i.id for i in items] == ["seed-haftar-russia"]  # type: ignore[union-attr]


def test_input_order_is_kept() -> None:
    items = read_all(DATA / "list.json", SEED / "haftar_russia_visit.jsonl", DATA / "missing.txt")
    assert [getattr(i, "id", None) for i in items[:3]] == ["list-1", "list-2", None]
    assert isinstance(items[3], Article) and items[3].id == "seed-haftar-russia"
    assert isinstance(items[4], ReadProblem) and items[4].origin.endswith("missing.txt")


# --- encodings ---------------------------------------------------------------------------------


def test_windows_1256_arabic() -> None:
    (article,) = read_all(DATA / "arabic_windows1256.txt")
    assert isinstance(article, Article)
    assert article.title == "وزير الخارجية يستقبل نظيره التونسي"
    assert "خاصة الوضع في ليبيا." in article.text
    assert article.lang == "ar"


def test_utf16_with_bom() -> None:
    (article,) = read_all(DATA / "english_utf16.txt")
    assert isinstance(article, Article)
    assert article.title == "Café owners welcome the new rules"
    assert "Owners of cafés in the old town" in article.text
    assert article.lang == "en"


def test_binary_file_is_a_problem() -> None:
    (problem,) = read_all(DATA / "binary.txt")
    assert isinstance(problem, ReadProblem)
    assert problem.message.startswith("binary file, expected UTF-8 text")
    assert problem.origin.endswith("binary.txt")


def test_utf8_bom_and_decode_bytes() -> None:
    assert decode_bytes("\ufeffمرحبا".encode()) == "مرحبا"
    assert (
        decode_bytes("مرحبا بكم في الأخبار".encode("cp1256"), declared="windows-1256")
        == "مرحبا بكم في الأخبار"
    )
    with pytest.raises(ValueError, match="binary file"):
        decode_bytes(b"abc\x00def")


def test_jsonl_with_utf8_bom_and_utf16(tmp_path: Path) -> None:
    record = {"id": "x", "text": "نص الخبر هنا"}
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + json.dumps(record).encode() + b"\n")
    (tmp_path / "u16.jsonl").write_bytes((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-16"))
    items = read_all(tmp_path / "bom.jsonl", tmp_path / "u16.jsonl")
    assert [getattr(i, "text", i) for i in items] == ["نص الخبر هنا", "نص الخبر هنا"]


def test_jsonl_line_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"text": "ok one"}\n{"text": "\xe3\xd1\xcd\xc8\xc7"}\n{"text": "ok three"}\n')
    items = read_all(path)
    assert [type(i).__name__ for i in items] == ["Article", "ReadProblem", "Article"]
    assert items[1].line == 2 and "not valid UTF-8" in items[1].message  # type: ignore[union-attr]


# --- records and their problems ----------------------------------------------------------------


def test_jsonl_problems_name_line_and_reason(caplog: pytest.LogCaptureFixture) -> None:
    path = DATA / "articles.jsonl"
    with caplog.at_level(logging.WARNING, logger="index.readers"):
        items = read_all(path)
    problems = {p.line: p for p in only_problems(items)}
    assert set(problems) == {3, 4, 5, 6, 8, 9}
    assert str(problems[3]) == f"{path}:3: expected a JSON object with a string 'text', got list"
    assert "invalid JSON" in problems[4].message and "truncated" in problems[4].message
    assert "got 'text' as number (42)" in problems[5].message
    assert problems[6].message.startswith("empty article")
    assert "'title' must be a string or null, got list" in problems[8].message
    assert "without 'text' (keys: title)" in problems[9].message
    assert all(p.origin == str(path) for p in problems.values())

    good = {a.origin.rsplit(":", 1)[1]: a for a in only_articles(items)}
    assert set(good) == {"1", "7", "10"}
    first = good["1"]
    assert first.id == "en-1"
    assert (
        first.text
        == "The port reopened on Tuesday after a two-day closure. The harbour master said ships were moving again."
    )
    assert first.published == "2023-09-26T10:00:00+01:00"
    assert first.source == "Example Wire"
    assert first.url == "https://example.org/news/port-reopens?utm_source=rss"
    assert first.extra == {"category": "business"}
    # A bad date keeps the article, drops the date and logs a warning naming file:line.
    assert good["7"].published is None
    assert any(f"{path}:7" in r.getMessage() and "31/02/2023" in r.getMessage() for r in caplog.records)
    # No id, no lang: a content hash and detection.
    arabic = good["10"]
    assert arabic.lang == "ar" and len(arabic.id) == 16 and arabic.published == "2023-09-26"
    assert "الاثنين. وتسببت" in arabic.text


def test_json_list_and_single_object(tmp_path: Path) -> None:
    items = read_all(DATA / "list.json")
    assert [getattr(i, "id", None) for i in items] == ["list-1", "list-2", None]
    assert items[1].published == "2023-09-26"  # type: ignore[union-attr]
    assert str(items[2]).endswith("item 3: expected a JSON object with a string 'text', got string")
    single = tmp_path / "one.json"
    single.write_text(
        json.dumps({"id": 12, "text": "Single object article.", "lang": "EN-gb"}), encoding="utf-8"
    )
    (article,) = read_all(single)
    assert isinstance(article, Article) and article.id == "12" and article.lang == "en"


def test_truncated_json_document(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('[{"text": "a"},\n {"text": "b', encoding="utf-8")
    (problem,) = read_all(path)
    assert isinstance(problem, ReadProblem) and problem.line == 2 and "invalid JSON" in problem.message


def test_json_file_holding_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "lines.json"
    path.write_text('{"text": "first"}\n{"text": "second"}\n', encoding="utf-8")
    assert [getattr(i, "text", None) for i in read_all(path)] == ["first", "second"]


def test_wrong_types(tmp_path: Path) -> None:
    path = tmp_path / "types.jsonl"
    lines = [
        {"text": "ok", "id": True},
        {"text": "ok", "id": [1]},
        {"text": ["a"]},
        {"text": None},
        {"text": "ok", "url": 5},
        "just a string",
        42,
        None,
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    items = read_all(path)
    assert all(isinstance(i, ReadProblem) for i in items)
    assert [i.line for i in items] == list(range(1, 9))  # type: ignore[union-attr]
    messages = [i.message for i in items]  # type: ignore[union-attr]
    assert "'id' must be a string or an integer, got boolean" in messages[0]
    assert "got 'text' as list" in messages[2]
    assert "got 'text' as null" in messages[3]
    assert "'url' must be a string or null, got number" in messages[4]
    assert (
        messages[5].endswith("got string")
        and messages[6].endswith("got number")
        and messages[7].endswith("got null")
    )


def test_bad_lang_is_detected_instead(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "lang.jsonl"
    path.write_text(
        json.dumps({"text": "The harbour reopened on Sunday after the storm.", "lang": "klingon!"}) + "\n"
    )
    with caplog.at_level(logging.WARNING, logger="index.readers"):
        (article,) = read_all(path)
    assert isinstance(article, Article) and article.lang == "en"
    assert any("klingon" in r.getMessage() for r in caplog.records)


def test_stable_ids_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "dups.jsonl"
    rows = [
        {"text": "Same   text.\n\n", "title": "A"},
        {"text": "Same text.", "title": "A"},
        {"text": "Other text.", "url": "HTTPS://Example.org/a/?utm_source=x#top"},
        {"text": "Different words.", "url": "https://example.org/a"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    items = only_articles(read_all(path))
    assert len(items) == 4  # duplicates are still yielded; the store decides
    assert items[0].id == items[1].id  # same cleaned title and text
    assert items[2].id == items[3].id  # same normalised URL
    assert items[0].id != items[2].id
    assert [a.id for a in only_articles(read_all(path))] == [a.id for a in items]  # stable across reads
    assert article_fingerprints(items[0]) == (text_fingerprint("Same text."), None)
    assert article_fingerprints(items[2])[1] == article_fingerprints(items[3])[1] == "https://example.org/a"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://WWW.Example.ORG:80/News/?utm_medium=x&id=3#frag", "http://www.example.org/News?id=3"),
        ("https://example.org:8443/a%20b/", "https://example.org:8443/a b"),
        ("https://example.org", "https://example.org/"),
        ("  ", None),
        (None, None),
        ("not a url", "not a url"),
    ],
)
def test_normalize_url(url: str | None, expected: str | None) -> None:
    assert normalize_url(url) == expected


def test_text_fingerprint_ignores_whitespace_only() -> None:
    assert text_fingerprint("a  b\n\nc") == text_fingerprint("a b c")
    assert text_fingerprint("a b c") != text_fingerprint("a b d")


def test_empty_text_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("\n \n\u200b\nShare this article\n", encoding="utf-8")
    (problem,) = read_all(path)
    assert isinstance(problem, ReadProblem) and problem.message.startswith("empty article")


def test_very_large_article(tmp_path: Path) -> None:
    paragraph = (SEED / "haftar_russia_visit.txt").read_text(encoding="utf-8") + "\n"
    path = tmp_path / "big.txt"
    path.write_text(paragraph * (20_000_000 // len(paragraph)), encoding="utf-8")
    (article,) = read_all(path)
    assert isinstance(article, Article)
    assert len(article.text) > 19_000_000
    assert article.lang == "ar"
    assert len(article.title) <= 301


def test_file_over_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000, encoding="utf-8")
    (problem,) = read_all(path, max_bytes=100)
    assert isinstance(problem, ReadProblem) and "max_bytes" in problem.message


def test_max_chars_counts_the_cleaned_text_and_refuses_far_longer_text_before_cleaning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spaced = tmp_path / "spaced.txt"  # 200 characters raw, 30 after cleaning: within 50
    spaced.write_text("Title line\n" + " " * 170 + "Body text here.\n", encoding="utf-8")
    (article,) = read_all(spaced, max_chars=50)
    assert isinstance(article, Article) and len(article.text) <= 50
    cleaned_over = tmp_path / "over.txt"  # 82 characters after cleaning: under 4 x 50 raw
    cleaned_over.write_text("Title line\n" + "A sentence of the body. " * 3, encoding="utf-8")
    (problem,) = read_all(cleaned_over, max_chars=50)
    assert isinstance(problem, ReadProblem) and problem.origin == str(cleaned_over)
    assert problem.message.startswith("article text is 82 characters, more than the limit of 50;")
    lines = tmp_path / "lines.jsonl"
    lines.write_text(
        json.dumps({"id": "ok", "text": "Short. Fine."})
        + "\n"
        + json.dumps({"id": "far", "text": "x" * 1_000})
        + "\n",
        encoding="utf-8",
    )
    cleaned: list[int] = []
    real_clean = fields_module.clean_text
    monkeypatch.setattr(fields_module, "clean_text", lambda t: cleaned.append(len(t)) or real_clean(t))
    ok, far = read_all(lines, max_chars=50)
    assert isinstance(ok, Article) and ok.id == "ok"
    assert isinstance(far, ReadProblem) and far.line == 2
    assert far.message.startswith(
        "article text is 1,000 characters before cleaning, more than the limit of 50"
    )
    assert 1_000 not in cleaned  # refused before the costly cleaning
    assert [type(i) for i in read_all(lines)] == [Article, Article]  # no max_chars: no limit


def test_truncated_gzip_yields_what_it_read_then_a_problem(tmp_path: Path) -> None:
    raw = "".join(
        json.dumps({"id": f"g{n}", "text": f"Gzip article {n} " * 50, "lang": "en"}) + "\n"
        for n in range(200)
    )
    data = gzip.compress(raw.encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = read_all(path)
    assert isinstance(items[0], Article) and items[0].id == "g0"
    assert isinstance(items[-1], ReadProblem) and "truncated or corrupt" in items[-1].message
    assert all(isinstance(i, Article) for i in items[:-1])


# --- Markdown, HTML and feeds ------------------------------------------------------------------


def test_markdown_with_front_matter() -> None:
    (article,) = read_all(DATA / "note.md")
    assert isinstance(article, Article)
    assert article.title == "Notes on the summit"
    assert article.published == "2023-09-26"
    assert article.source == "Field notes"
    assert article.text.startswith("Notes on the summit\n\nThe leaders met")
    assert "#" not in article.text and "---" not in article.text


def test_markdown_title_from_heading(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text("\n\n## Storm hits the coast ##\n\nHeavy rain fell overnight.\n", encoding="utf-8")
    (article,) = read_all(path)
    assert isinstance(article, Article) and article.title == "Storm hits the coast"


def test_html_page_main_text_and_metadata() -> None:
    (article,) = read_all(DATA / "page.html")
    assert isinstance(article, Article)
    assert article.title == "Rail line to open next year"
    assert article.source == "The Example Times"
    assert article.published == "2023-09-26"
    assert article.lang == "en"
    assert "The new coastal rail line will open to passengers next summer" in article.text
    assert "Engineers finished the last tunnel in August. The ministry said" in article.text
    for junk in [
        "TRACKING CODE",
        "cookies",
        "Most read",
        "Celebrity",
        "Sport",
        "Search",
        "font-family",
        "All rights reserved",
    ]:
        assert junk not in article.text, junk


def test_rss_feed(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="index.readers"):
        items = read_all(DATA / "feed.rss")
    first, second, problem = items
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.id == "example-harbour-1"
    assert first.title == "Harbour reopens"
    assert first.url == "https://news.example.org/harbour"
    assert first.published == "2018-02-18T21:35:43+04:00"
    assert first.source == "Example News"
    assert first.lang == "en"
    assert "The harbour reopened on Sunday after the storm." in first.text
    assert "harbour master said" in first.text and "<" not in first.text and "alert" not in first.text
    assert second.text == "Budget talks continued for a third day in the capital on Monday."
    assert second.published is None and len(second.id) == 16
    assert any("entry 2" in r.getMessage() for r in caplog.records)
    assert isinstance(problem, ReadProblem) and problem.message.startswith("entry 3: empty article")


def test_atom_feed() -> None:
    arabic, english = read_all(DATA / "feed.atom")
    assert isinstance(arabic, Article) and isinstance(english, Article)
    assert arabic.id == "urn:example:book-fair"
    assert arabic.lang == "ar" and english.lang == "en"
    assert arabic.published == "2023-09-26T09:30:00+03:00"
    assert english.published == "2023-09-26T10:00:00+00:00"
    assert arabic.source == english.source == "أخبار المثال"
    assert arabic.url == "https://ar.example.org/book-fair"
    assert arabic.text.startswith("افتتح معرض الكتاب أبوابه")


def test_short_feed_guids_are_not_used_as_ids(tmp_path: Path) -> None:
    path = tmp_path / "numeric.rss"
    path.write_text(
        '<rss version="2.0"><channel><title>T</title>'
        "<item><guid>42</guid><link>https://t.example/a</link><description>Text of item a.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    (article,) = read_all(path)
    assert isinstance(article, Article) and article.id != "42" and len(article.id) == 16


def test_billion_laughs_is_refused() -> None:
    (problem,) = read_all(DATA / "billion_laughs.xml")
    assert isinstance(problem, ReadProblem)
    assert "entities" in problem.message and "billion laughs" in problem.message


def test_external_entity_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.rss"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        '<rss version="2.0"><channel><title>X</title><item><title>t</title><description>&xxe;</description>'
        "</item></channel></rss>",
        encoding="utf-8",
    )
    (problem,) = read_all(path)
    assert isinstance(problem, ReadProblem) and "refusing to expand" in problem.message


def test_legacy_rss_091_with_public_doctype_and_latin1(tmp_path: Path) -> None:
    path = tmp_path / "old.xml"
    path.write_bytes(
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
        b'<rss version="0.91"><channel><title>Old feed</title><link>http://old.example/</link>'
        b"<description>d</description><item><title>Caf\xe9 news</title><link>http://old.example/1</link>"
        b"<description>Old feeds still exist &amp; work in caf&eacute;s.</description></item></channel></rss>"
    )
    (article,) = read_all(path)
    assert isinstance(article, Article)
    assert article.title == "Café news"
    assert article.text == "Old feeds still exist & work in cafés."
    assert article.source == "Old feed"


def test_xml_that_is_not_a_feed() -> None:
    (problem,) = read_all(DATA / "sitemap.xml")
    assert isinstance(problem, ReadProblem) and "neither an RSS nor an Atom feed" in problem.message


def test_sniffed_feed_with_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "feed.download"
    path.write_bytes((DATA / "feed.rss").read_bytes())
    items = read_all(path)
    assert [getattr(i, "title", None) for i in items[:2]] == ["Harbour reopens", "Budget talks continue"]


def test_whole_fixture_folder_never_raises() -> None:
    items = read_all(DATA)
    assert len(only_articles(items)) >= 12
    assert any("binary file" in p.message for p in only_problems(items))


# --- URLs ----------------------------------------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    release: threading.Event

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, directory=str(DATA), **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/hang":
            self.release.wait(30)  # never answers within the client's timeout
            return
        if self.path == "/feed":
            return self._send((DATA / "feed.rss").read_bytes(), "application/rss+xml")
        if self.path == "/feed-as-html":
            return self._send((DATA / "feed.atom").read_bytes(), "text/html; charset=utf-8")
        if self.path == "/api/articles":
            return self._send((SEED / "haftar_russia_visit.jsonl").read_bytes(), "application/x-ndjson")
        if self.path == "/legacy":
            body = (DATA / "arabic_windows1256.txt").read_bytes()
            return self._send(body, "text/plain; charset=windows-1256")
        if self.path == "/binary":
            return self._send((DATA / "binary.txt").read_bytes(), "application/octet-stream")
        if self.path == "/articles.jsonl.gz":
            return self._send(
                gzip.compress((SEED / "haftar_russia_visit.jsonl").read_bytes()), "application/gzip"
            )
        if self.path == "/no-type":
            body = (DATA / "feed.rss").read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        if self.path == "/raw/feed.xml":
            return self._send((DATA / "feed.atom").read_bytes(), "text/plain; charset=utf-8")
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/page.html")
            self.end_headers()
            return None
        return super().do_GET()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    release = threading.Event()
    handler = type("Handler", (_Handler,), {"release": release})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    old = os.environ.get("NO_PROXY")
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        if old is None:
            os.environ.pop("NO_PROXY", None)
        else:
            os.environ["NO_PROXY"] = old
        release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _refused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.server
def test_url_html(server: str) -> None:
    (article,) = read_all(f"{server}/page.html")
    assert isinstance(article, Article)
    assert article.url == f"{server}/page.html"
    assert article.origin == f"{server}/page.html"
    assert article.title == "Rail line to open next year"
    assert "TRACKING CODE" not in article.text


@pytest.mark.server
def test_url_feeds_by_content_type_and_sniffing(server: str) -> None:
    rss = read_all(f"{server}/feed")
    assert [getattr(i, "title", None) for i in rss[:2]] == ["Harbour reopens", "Budget talks continue"]
    assert all(i.origin == f"{server}/feed" for i in rss)
    atom = read_all(f"{server}/feed-as-html")
    assert [getattr(i, "id", None) for i in atom] == ["urn:example:book-fair", "urn:example:book-fair-en"]
    untyped = read_all(f"{server}/no-type")
    assert [getattr(i, "title", None) for i in untyped[:2]] == ["Harbour reopens", "Budget talks continue"]
    raw = read_all(f"{server}/raw/feed.xml")
    assert [getattr(i, "id", None) for i in raw] == ["urn:example:book-fair", "urn:example:book-fair-en"]


@pytest.mark.server
def test_url_jsonl_json_and_gzip(server: str) -> None:
    for path in ["/api/articles", "/articles.jsonl.gz"]:
        (article,) = read_all(server + path)
        assert isinstance(article, Article) and article.id == "seed-haftar-russia", path
        assert article.origin == f"{server}{path}:1"
    items = read_all(f"{server}/articles.jsonl")
    assert [p.line for p in only_problems(items)] == [3, 4, 5, 6, 8, 9]
    assert [getattr(i, "id", None) for i in read_all(f"{server}/list.json")] == ["list-1", "list-2", None]


@pytest.mark.server
def test_url_declared_charset_and_binary(server: str) -> None:
    (article,) = read_all(f"{server}/legacy")
    assert isinstance(article, Article) and article.title == "وزير الخارجية يستقبل نظيره التونسي"
    (problem,) = read_all(f"{server}/binary")
    assert isinstance(problem, ReadProblem) and "binary file" in problem.message


@pytest.mark.server
def test_url_redirect(server: str) -> None:
    (article,) = read_all(f"{server}/redirect")
    assert isinstance(article, Article) and article.title == "Rail line to open next year"


@pytest.mark.server
def test_url_errors(server: str) -> None:
    not_found, too_big = read_all(f"{server}/nope.html", f"{server}/page.html", max_bytes=500)
    assert isinstance(not_found, ReadProblem) and "HTTP error 404" in not_found.message
    assert not_found.origin == f"{server}/nope.html"
    assert isinstance(too_big, ReadProblem) and "max_bytes" in too_big.message
    refused = f"http://127.0.0.1:{_refused_port()}/feed.xml"
    (problem,) = read_all(refused)
    assert isinstance(problem, ReadProblem) and problem.origin == refused
    assert "could not connect" in problem.message


@pytest.mark.server
def test_url_timeout(server: str) -> None:
    (problem,) = read_all(f"{server}/hang", timeout=1.0)
    assert isinstance(problem, ReadProblem)
    assert problem.origin == f"{server}/hang"
    assert "timed out after 1 s" in problem.message
