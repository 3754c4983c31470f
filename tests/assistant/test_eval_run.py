"""The evaluation harness end to end with the real model: the seed set and XQuAD subsets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.eval import evaluate_dataset, format_summary, format_table, main
from tests.conftest import EVAL_DIR

pytestmark = pytest.mark.model

XQUAD_ARTICLES = 30  # the first paragraphs (Super Bowl 50: close distractors for each other)
XQUAD_QUESTIONS = 20


@pytest.fixture(scope="module")
def factory(real_embedder):
    from assistant import Assistant

    def make(index_dir: Path):
        return Assistant.open(index_dir, embedder=real_embedder)

    return make


@pytest.fixture
def xquad_subset(tmp_path: Path) -> Path:
    """XQuAD with its first 30 articles and the questions about them (the run takes the first 20)."""
    source = EVAL_DIR / "xquad"
    if not source.is_dir():
        pytest.fail(f"XQuAD missing: expected {source} (shared/ beside the repo)")
    d = tmp_path / "xquad"
    d.mkdir()
    lines = (source / "articles.jsonl").read_text(encoding="utf-8").splitlines()[:XQUAD_ARTICLES]
    (d / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    kept = {json.loads(line)["id"] for line in lines}
    for name in ("questions_en.jsonl", "questions_ar.jsonl"):
        rows = [json.loads(x) for x in (source / name).read_text(encoding="utf-8").splitlines() if x.strip()]
        rows = [r for r in rows if set(r["gold_article_ids"]) <= kept]
        (d / name).write_text(
            "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
        )
    return d


def test_seed_set_from_the_command_line(seed_path: Path, factory, tmp_path: Path, capsys):
    out = tmp_path / "seed.json"
    code = main(
        [str(EVAL_DIR / "seed"), "--articles", str(seed_path), "--json", str(out), "--markdown", "-q"],
        assistant_factory=factory,
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "### seed/questions (en+ar→ar)" in printed and "| recall@10 | 1.000 |" in printed
    (table,) = json.loads(out.read_text(encoding="utf-8"))["tables"]
    m = table["metrics"]
    assert (m["questions"], m["answerable"], m["unanswerable"], m["errors"]) == (13, 11, 2, 0)
    assert m["recall@10"] == 1.0  # one article: it must always be found
    assert m["citations"] > 0 and m["exact_quote_rate"] == 1.0
    assert all(c["exact"] for r in table["results"] for c in r["citations"])


def test_xquad_subsets_en_and_ar(xquad_subset: Path, factory):
    tables = evaluate_dataset(xquad_subset, limit=XQUAD_QUESTIONS, assistant_factory=factory)
    assert [t.name for t in tables] == ["xquad/questions_ar (ar→ar)", "xquad/questions_en (en→ar)"]
    for t in tables:
        m = t.metrics
        assert m["questions"] == XQUAD_QUESTIONS and m["errors"] == 0
        assert t.baseline is not None and "baseline" in format_table(t)
        assert m["citations"] > 0 and m["exact_quote_rate"] == 1.0
        # 30 candidate paragraphs, the gold among them: a working retriever finds nearly all
        assert m["recall@10"] >= 0.8, format_table(t)
        assert 0 < m["mrr@10"] <= 1
    assert "baseline e5-small (en→ar)" in format_summary(tables)
