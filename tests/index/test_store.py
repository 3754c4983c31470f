"""The store and the add pipeline with a fake embedder: idempotency, updates, removal, repair."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from index import Article, IndexCorruptError, ModelMismatchError, NewsIndex, SearchFilters
from index.store import IndexStore
from tests.fakes import FakeEmbedder


def _article(i: int, text: str | None = None, **kw) -> Article:
    body = text or (
        f"Article number {i} reports on the harbour of town{i}. The mayor of town{i} spoke on Monday. "
        f"Fishermen in town{i} said the storm damaged {i + 2} boats."
    )
    return Article(
        id=f"a{i}",
        text=body,
        title=f"Title {i}",
        published=f"2023-09-{1 + i % 28:02d}",
        source="Outlet A" if i % 2 else "Outlet B",
        lang="en",
        origin=f"mem:{i}",
        **kw,
    )


def _consistent(idx: NewsIndex) -> None:
    store = idx.store
    assert store.vector_ids() == store.chunk_ids()
    stats = store.stats()
    assert stats.chunks == stats.vectors


def test_seed_article_is_indexed_with_exact_offsets(tmp_path, fake_embedder, seed_path):
    with NewsIndex.open(tmp_path / "idx", embedder=fake_embedder) as idx:
        report = idx.add([str(seed_path)])
        assert report.added == 1 and report.failed == 0 and report.chunks > 3
        article = idx.get_article("seed-haftar-russia")
        assert article is not None and article.lang == "ar" and article.published == "2023-09-26"
        chunks = idx.store.get_chunks(idx.store.article_chunk_ids(article.id))
        assert len(chunks) == report.chunks
        for c in chunks:
            assert article.text[c.start : c.end] == c.text
        assert any("والتقى يوفكيورف حفتر في بنغازي في 17 سبتمبر الجاري" in c.text for c in chunks)
        _consistent(idx)


def test_re_adding_skips_everything_without_embedding(tmp_path, fake_embedder):
    articles = [_article(i) for i in range(12)]
    with NewsIndex.open(tmp_path / "idx", embedder=fake_embedder) as idx:
        first = idx.add(articles)
        calls = len(fake_embedder.calls)
        second = idx.add(articles)
    assert first.added == 12 and first.chunks > 0
    assert second.added == 0 and second.skipped == 12 and second.chunks == 0
    assert len(fake_embedder.calls) == calls


def test_changed_article_replaces_its_chunks(tmp_path, fake_embedder):
    with NewsIndex.open(tmp_path / "idx", embedder=fake_embedder) as idx:
        idx.add([_article(1)])
        new_text = "A completely new text about volcanoes. " * 60
        report = idx.add([_article(1, text=new_text)])
        assert report.updated == 1 and report.added == 0
        chunks = idx.store.get_chunks(idx.store.article_chunk_ids("a1"))
        assert chunks and all("volcanoes" in c.text for c in chunks)
        assert not idx.store.lexical_search([["harbour"]], 10)
        _consistent(idx)


def test_remove_deletes_rows_chunks_and_vectors(tmp_path, fake_embedder):
    with NewsIndex.open(tmp_path / "idx", embedder=fake_embedder) as idx:
        idx.add([_article(i) for i in range(3)])
        assert idx.remove(["a1", "missing"]) == ["a1"]
        assert idx.get_article("a1") is None
        assert all(not cid.startswith("a1::") for cid in idx.store.vector_ids())
        assert idx.stats().articles == 2
        _consistent(idx)


def test_duplicates_by_text_and_url_are_skipped(tmp_path, fake_embedder):
    a = _article(1, url="https://news.example/story/1")
    same_text = Article(id="other", text=a.text, title="x", lang="en")
    same_url = Article(
        id="other2", text="Different words entirely here.", url="HTTPS://NEWS.example/story/1/", lang="en"
    )
    with NewsIndex.open(tmp_path / "idx", embedder=fake_embedder) as idx:
        report = idx.add([a, same_text, same_url])
    assert report.added == 1 and report.duplicates == 2


def test_same_id_twice_in_one_input_keeps_the_last(tmp_path, fake_embedder):
    with NewsIndex.open(tmp_path / "idx", embedder=fake_embedder) as idx:
        report = idx.add([_article(1), _article(1, text="Second version of the story. It differs.")])
        assert report.added == 1 and report.updated == 1
        assert "Second version" in idx.get_article("a1").text
        _consistent(idx)


def test_model_mismatch_is_refused_with_both_names(tmp_path):
    with NewsIndex.open(tmp_path / "idx", embedder=FakeEmbedder(model_name="model-one")) as idx:
        idx.add([_article(1)])
    with pytest.raises(ModelMismatchError) as err:
        NewsIndex.open(tmp_path / "idx", embedder=FakeEmbedder(model_name="model-two"))
    assert "model-one" in str(err.value) and "model-two" in str(err.value)


def test_foreign_and_corrupt_folders_are_refused_and_left_alone(tmp_path, fake_embedder):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(IndexCorruptError, match="not a news-assistant index"):
        NewsIndex.open(foreign, embedder=fake_embedder)
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]

    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "articles.sqlite3").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(IndexCorruptError, match=r"articles\.sqlite3"):
        NewsIndex.open(corrupt, embedder=fake_embedder)
    assert (corrupt / "articles.sqlite3").read_bytes() == b"this is not sqlite" * 100


def test_failure_between_steps_is_repaired_on_next_open(tmp_path, monkeypatch):
    emb = FakeEmbedder()
    articles = [_article(i) for i in range(6)]
    with NewsIndex.open(tmp_path / "idx", embedder=emb) as idx:
        idx.add(articles[:3])
        cls = type(idx.store.vector_store)
        original_add = cls.add

        def half_then_fail(self, nodes, **kw):
            original_add(self, nodes[: len(nodes) // 2])
            raise OSError("disk full")

        monkeypatch.setattr(cls, "add", half_then_fail)
        with pytest.raises(OSError):
            idx.add(articles)
        monkeypatch.undo()
    with NewsIndex.open(tmp_path / "idx", embedder=emb) as idx:
        assert idx.stats().articles == 3  # the half-written batch is gone, the rest intact
        _consistent(idx)
        report = idx.add(articles)
        assert report.added == 3 and report.skipped == 3
        _consistent(idx)


def test_search_filters_by_date_outlet_and_language(tmp_path, fake_embedder):
    with NewsIndex.open(tmp_path / "idx", embedder=fake_embedder) as idx:
        idx.add([_article(i) for i in range(10)])
        store = idx.store
        hits = store.lexical_search([["harbour"]], 50)
        assert len({h[0].split("::")[0] for h in hits}) == 10
        flt = SearchFilters(sources=("Outlet A",))
        ids = {h[0].split("::")[0] for h in store.lexical_search([["harbour"]], 50, flt)}
        assert ids == {f"a{i}" for i in range(10) if i % 2}
        import datetime as dt

        flt = SearchFilters(date_from=dt.date(2023, 9, 3), date_to=dt.date(2023, 9, 5))
        dense = store.dense_search(fake_embedder.embed_queries(["harbour mayor"])[0], 50, flt)
        assert {h[0].split("::")[0] for h in dense} == {"a2", "a3", "a4"}
        assert not store.lexical_search([["harbour"]], 50, SearchFilters(langs=("ar",)))


def test_stats_and_listing(tmp_path, fake_embedder):
    with NewsIndex.open(tmp_path / "idx", embedder=fake_embedder) as idx:
        idx.add([_article(i) for i in range(4)])
        stats = idx.stats()
        assert stats.articles == 4 and stats.sources == {"Outlet A": 2, "Outlet B": 2}
        assert stats.model == "fake-hash-64" and stats.dimension == 64
        assert [a.id for a in idx.list_articles("Title 3")] == ["a3"]
        json.dumps(stats.as_dict())


def test_index_records_its_model_and_prefixes(tmp_path, fake_embedder):
    with NewsIndex.open(tmp_path / "idx", embedder=fake_embedder) as idx:
        idx.add([_article(1)])
    conn = sqlite3.connect(Path(tmp_path / "idx" / "articles.sqlite3"))
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    assert meta["model"] == "fake-hash-64" and meta["query_prefix"] == "query: " and meta["dimension"] == "64"
    with IndexStore.open(tmp_path / "idx", model="fake-hash-64", create=False) as store:
        assert store.stats().articles == 1
