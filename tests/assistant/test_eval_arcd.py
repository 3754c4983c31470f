"""The evaluation harness on an ARCD subset (Arabic questions on Arabic Wikipedia paragraphs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.eval import evaluate_dataset
from tests.conftest import EVAL_DIR

pytestmark = pytest.mark.model


def test_arcd_subset(tmp_path: Path, real_embedder):
    from assistant import Assistant

    source = EVAL_DIR / "arcd_train"
    d = tmp_path / "arcd_train"
    d.mkdir()
    lines = (source / "articles.jsonl").read_text(encoding="utf-8").splitlines()[:25]
    (d / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    kept = {json.loads(line)["id"] for line in lines}
    rows = [
        json.loads(x)
        for x in (source / "questions_ar.jsonl").read_text(encoding="utf-8").splitlines()
        if x.strip()
    ]
    rows = [r for r in rows if set(r["gold_article_ids"]) <= kept]
    (d / "questions_ar.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    (table,) = evaluate_dataset(
        d, limit=15, assistant_factory=lambda p: Assistant.open(p, embedder=real_embedder)
    )
    m = table.metrics
    assert m["questions"] == 15 and m["errors"] == 0
    assert m["recall@10"] >= 0.8 and m["exact_quote_rate"] == 1.0
