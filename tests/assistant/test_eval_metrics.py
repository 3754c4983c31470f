"""The evaluation harness's metrics (pure) and a full run on a fake assistant (no model)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant.eval import (
    EvalQuestion,
    QuestionResult,
    contains_any,
    evaluate_dataset,
    format_misses,
    format_summary,
    format_table,
    load_questions,
    main,
    percentile,
    quote_is_exact,
    quote_matches_gold,
    recall_at,
    reciprocal_rank,
    summarize,
    unique_articles,
)
from assistant.schema import Answer, Citation, Passage

# --------------------------------------------------------------------------------------------------
# Pure metrics


def test_unique_articles_keeps_first_rank_of_each_article():
    assert unique_articles(["a", "b", "a", "c", "b"]) == ["a", "b", "c"]


def test_recall_at_cuts_the_article_ranking():
    ranked = ["x", "y", "gold", "z"]
    assert recall_at(ranked, ["gold"], 1) == 0.0
    assert recall_at(ranked, ["gold"], 2) == 0.0
    assert recall_at(ranked, ["gold"], 3) == 1.0
    assert recall_at(ranked, ["other", "x"], 1) == 1.0  # any gold article counts


def test_recall_and_rr_refuse_questions_without_gold():
    with pytest.raises(ValueError, match="gold"):
        recall_at(["a"], [], 1)
    with pytest.raises(ValueError, match="gold"):
        reciprocal_rank(["a"], [])


def test_reciprocal_rank_uses_first_gold_within_k():
    assert reciprocal_rank(["g", "x"], ["g"]) == 1.0
    assert reciprocal_rank(["x", "y", "g"], ["g"]) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x", "g2", "g"], ["g", "g2"]) == 0.5
    assert reciprocal_rank(["x", "y", "g"], ["g"], k=2) == 0.0
    assert reciprocal_rank([], ["g"]) == 0.0


def test_contains_any_normalises_arabic_case_and_punctuation():
    assert contains_any("They met on September 17, in Benghazi.", ["september 17"])
    assert contains_any("التقيا في 17 سبتمبر.", ["17 سبتمبر"])
    # alef with hamza, taa marbuta and diacritics fold on both sides
    assert contains_any("قال أحمد المسماري", ["احمد المسماري"])
    assert contains_any("مدينةُ بنغازي", ["مدينه بنغازي"])
    # Arabic-Indic digits match ASCII digits
    assert contains_any("في ١٧ سبتمبر", ["17 سبتمبر"])
    assert not contains_any("They met in Moscow.", ["Benghazi"])
    assert not contains_any("anything", [])


def test_contains_any_does_not_split_numbers():
    assert not contains_any("in 2024 they won", ["24"])
    assert not contains_any("3080 points", ["308"])
    assert contains_any("just 308 points", ["308"])
    assert contains_any("(308)", ["308"])


def test_quote_is_exact_checks_offsets():
    text = "First sentence. Second sentence here."
    assert quote_is_exact("Second sentence", text, 16, 31)
    assert not quote_is_exact("Second sentence", text, 15, 30)
    assert not quote_is_exact("second sentence", text, 16, 31)
    assert not quote_is_exact("", text, 0, 0)
    assert not quote_is_exact("x", None, 0, 1)
    assert not quote_is_exact("First", text, -1, 4)
    assert not quote_is_exact(text + "!", text, 0, len(text) + 1)


def test_quote_matches_gold_by_containment_either_way():
    gold = ["والتقى يوفكيورف حفتر في بنغازي في 17 سبتمبر الجاري"]
    assert quote_matches_gold("والتقى يوفكيورف حفتر في بنغازي في 17 سبتمبر الجاري.", gold)
    assert quote_matches_gold(
        "... وقال إن الجانبين التقيا. والتقى يوفكيورف حفتر في بنغازي في 17 سبتمبر الجاري", gold
    )
    # a cited sentence inside a longer gold quote counts too
    assert quote_matches_gold("أحمد المسماري", ["قال المتحدث أحمد المسماري اليوم"])
    assert not quote_matches_gold("وصل حفتر إلى موسكو", gold)
    assert not quote_matches_gold("anything", [])


def test_quote_matches_gold_by_span_overlap_in_the_article():
    text = "Alpha beta gamma. Delta epsilon zeta. Eta theta."
    gold = ["gamma. Delta epsilon"]  # a gold quote across a sentence boundary
    start = text.index("Delta")
    end = text.index("zeta.") + len("zeta.")
    quote = text[start:end]
    assert not quote_matches_gold(quote, gold)  # neither contains the other
    assert quote_matches_gold(quote, gold, article_text=text, start=start, end=end)
    eta = text.index("Eta")
    assert not quote_matches_gold("Eta theta.", gold, article_text=text, start=eta, end=len(text))


def test_percentile_interpolates_like_numpy():
    assert percentile([], 50) is None
    assert percentile([5.0], 95) == 5.0
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95) == pytest.approx(9.55)
    with pytest.raises(ValueError, match=r"\[0, 100\]"):
        percentile([1.0], 101)


def test_question_record_parsing_and_accepted_answers(tmp_path: Path):
    path = tmp_path / "questions.jsonl"
    rows = [
        {"id": "q1", "question": "How many?", "lang": "en", "answers": ["308"], "answers_ar": ["٣٠٨"],
         "gold_article_ids": ["a"], "answerable": True},
        {"id": "q2", "question": "كم؟", "lang": "ar", "answers": ["1"], "answers_ar": ["x"],
         "gold_article_ids": ["a"], "answerable": True},
        {"id": "q3", "question": "Unknown?", "lang": "en", "answers": [], "gold_article_ids": []},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    q1, q2, q3 = load_questions(path)
    assert q1.accepted_answers() == ("308", "٣٠٨")
    assert q2.accepted_answers() == ("1",)  # answers_ar only widens English questions
    assert q3.answerable is False  # no gold article and no flag: unanswerable


def test_bad_question_record_names_file_and_line(tmp_path: Path):
    path = tmp_path / "questions.jsonl"
    path.write_text('{"id": "q1", "question": "ok"}\n{"id": "q2"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"questions\.jsonl:2: .*lacks question"):
        load_questions(path)
    path.write_text('{"id": "q1", "question": "ok", "answers": "308"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="list of strings"):
        load_questions(path)
    path.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r":1: expected one JSON object"):
        load_questions(path)


def test_summarize_counts_each_metric_over_its_own_population():
    def res(**kw) -> QuestionResult:
        base = dict(
            id="q", question="?", lang="en", answerable=True, gold_article_ids=["a"], gold_answers=["x"]
        )
        return QuestionResult(**{**base, **kw})

    results = [
        res(recall={"recall@1": 1.0, "recall@5": 1.0, "recall@10": 1.0}, mrr=1.0, answered=True,
            contains_gold=True, cites_gold_article=True, gold_quote_cited=True, n_citations=2, exact_quotes=2,
            retrieve_ms=10.0, ask_ms=100.0),
        res(recall={"recall@1": 0.0, "recall@5": 1.0, "recall@10": 1.0}, mrr=0.5, answered=False,
            contains_gold=False, cites_gold_article=False, gold_quote_cited=None, retrieve_ms=20.0, ask_ms=200.0),
        res(answerable=False, gold_article_ids=[], gold_answers=[], answered=False, n_citations=0,
            retrieve_ms=30.0, ask_ms=300.0),
        res(answerable=False, gold_article_ids=[], gold_answers=[], answered=True, n_citations=1, exact_quotes=0,
            retrieve_ms=40.0, ask_ms=400.0),
        res(error="RuntimeError: boom"),
    ]  # fmt: skip
    m = summarize(results)
    assert (m["questions"], m["answerable"], m["unanswerable"], m["errors"]) == (5, 3, 2, 1)
    assert m["recall@1"] == 0.5 and m["recall@5"] == 1.0 and m["mrr@10"] == 0.75
    assert m["answer_contains_gold"] == 0.5
    assert m["cites_gold_article"] == 0.5
    assert m["gold_quote_cited"] == 1.0  # only questions with gold quotes count
    assert m["exact_quote_rate"] == pytest.approx(2 / 3) and m["citations"] == 3
    assert m["abstention_unanswerable"] == 0.5
    assert m["false_abstention"] == 0.5
    assert m["retrieve_p50_ms"] == 25.0 and m["ask_p95_ms"] == pytest.approx(385.0)
    assert results[1].miss_reasons() == ["abstained"]
    assert results[3].miss_reasons() == ["answered-unanswerable", "inexact-quote"]
    assert results[0].miss_reasons() == []


def test_summarize_with_no_citations_reports_none_not_a_perfect_rate():
    m = summarize([])
    assert m["exact_quote_rate"] is None and m["recall@1"] is None and m["retrieve_p50_ms"] is None


# --------------------------------------------------------------------------------------------------
# A whole run on a fake assistant

ARTICLES = {
    "a1": "أعلن الجيش الثلاثاء بدء الزيارة. والتقى يوفكيورف حفتر في بنغازي في 17 سبتمبر الجاري. وانتهى اللقاء.",
    "a2": "سجل الفريق 308 نقطة هذا الموسم. وفاز في المباراة الأخيرة.",
    "a3": "نص لا علاقة له بالأسئلة.",
}


@dataclass
class FakeBot:
    """Answers from a script: question -> (ranked article ids, quote article, quote, answer text)."""

    index_dir: Path
    script: dict[str, tuple[list[str], str | None, str, str]]
    added: list[list[str]] = field(default_factory=list)
    closed: bool = False
    tamper: bool = False  # cite wrong offsets
    asked: list[str] = field(default_factory=list)

    def add(self, inputs, *, limit=None, progress=None):
        self.added.append(list(inputs))
        if progress:
            progress(len(ARTICLES), "added")
        return type("Report", (), {"problems": [], "summary": lambda self: "3 added"})()

    def retrieve(self, question, k=10, *, filters=None):
        ranked = self.script[question][0] if question in self.script else []
        # two passages per article, as a chunked index returns
        return [
            Passage(
                chunk_id=f"{a}#{i}", article_id=a, text=ARTICLES[a], score=1.0, start=0, end=len(ARTICLES[a])
            )
            for a in ranked
            for i in range(2)
        ][:k]

    def ask(self, question, history=None, *, filters=None, k=None, llm=None):
        self.asked.append(question)
        _, cited, quote, text = self.script.get(question, ([], None, "", "No idea."))
        timings = {"retrieve_ms": 5.0}
        if cited is None:
            return Answer(question=question, text=text, answerable=False, timings=timings)
        start = ARTICLES[cited].index(quote) + (1 if self.tamper else 0)
        citation = Citation(
            marker=1, article_id=cited, title="", source=None, published=None, url=None,
            quote=quote, start=start, end=start + len(quote),
        )  # fmt: skip
        return Answer(question=question, text=text, citations=(citation,), timings=timings)

    def get_article(self, article_id):
        from index.schema import Article

        return Article(id=article_id, text=ARTICLES[article_id]) if article_id in ARTICLES else None

    def close(self):
        self.closed = True


SCRIPT = {
    "When did Yevkurov meet Haftar?": (
        ["a1", "a2"], "a1", "والتقى يوفكيورف حفتر في بنغازي في 17 سبتمبر الجاري.",
        "On 17 September 2023, in Benghazi [1].",
    ),
    "How many points?": (["a3", "a2"], "a2", "سجل الفريق 308 نقطة هذا الموسم.", "308 points [1]."),
    "Who won the cup?": (["a3", "a2"], "a3", "نص لا علاقة له بالأسئلة.", "Nobody [1]."),
    "How many died?": (["a2"], None, "", "The articles do not say."),
}  # fmt: skip


def _write_dataset(root: Path) -> Path:
    d = root / "toy"
    d.mkdir()
    (d / "articles.jsonl").write_text(
        "\n".join(
            json.dumps({"id": k, "text": v, "lang": "ar"}, ensure_ascii=False) for k, v in ARTICLES.items()
        ),
        encoding="utf-8",
    )
    rows = [
        {"id": "s1", "question": "When did Yevkurov meet Haftar?", "lang": "en", "answers": ["17 September"],
         "gold_article_ids": ["a1"], "answerable": True, "gold_quotes": ["والتقى يوفكيورف حفتر في بنغازي"]},
        {"id": "s2", "question": "How many points?", "lang": "en", "answers": ["three hundred and eight"],
         "answers_ar": ["308"], "gold_article_ids": ["a2"], "answerable": True},
        {"id": "s3", "question": "Who won the cup?", "lang": "en", "answers": ["Broncos"],
         "gold_article_ids": ["a2"], "answerable": True},
        {"id": "s4", "question": "How many died?", "lang": "en", "answers": [], "gold_article_ids": [],
         "answerable": False},
    ]  # fmt: skip
    (d / "questions_en.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8"
    )
    (d / "questions_ar.jsonl").write_text(
        json.dumps(
            {"id": "a1q", "question": "How many points?", "lang": "ar", "answers": ["308"],
             "gold_article_ids": ["a2"], "answerable": True}, ensure_ascii=False,
        ),
        encoding="utf-8",
    )  # fmt: skip
    return d


@pytest.fixture
def bots():
    made: list[FakeBot] = []

    def factory(index_dir: Path) -> FakeBot:
        made.append(FakeBot(index_dir, SCRIPT))
        return made[-1]

    factory.made = made
    return factory


def test_evaluate_dataset_on_a_fake_assistant(tmp_path: Path, bots):
    d = _write_dataset(tmp_path)
    tables = evaluate_dataset(d, assistant_factory=bots)
    assert [t.name for t in tables] == ["toy/questions_ar (ar→ar)", "toy/questions_en (en→ar)"]
    (bot,) = bots.made
    assert bot.added == [[str(d / "articles.jsonl")]] and bot.closed
    assert bot.asked[0] == "warm up" and bot.asked.count("warm up") == 1  # untimed, not a result
    assert tables[0].warmup_seconds is not None
    assert not bot.index_dir.parent.exists()  # the temporary index is removed

    m = tables[1].metrics
    assert (m["questions"], m["answerable"], m["unanswerable"]) == (4, 3, 1)
    assert m["recall@1"] == pytest.approx(1 / 3)  # s1 at rank 1, s2 at 2, s3 at 2
    assert m["recall@5"] == 1.0
    assert m["mrr@10"] == pytest.approx((1 + 0.5 + 0.5) / 3)
    assert m["answer_contains_gold"] == pytest.approx(2 / 3)  # s2 via answers_ar
    assert m["cites_gold_article"] == pytest.approx(2 / 3)  # s3 cites a3
    assert m["gold_quote_cited"] == 1.0
    assert m["exact_quote_rate"] == 1.0 and m["citations"] == 3
    assert m["abstention_unanswerable"] == 1.0 and m["false_abstention"] == 0.0
    assert m["ask_p50_ms"] is not None and m["retrieve_warm_p95_ms"] is not None
    assert m["retrieve_p50_ms"] == 5.0  # the retrieval stage inside ask (cold), from Answer.timings
    assert "retrieve again after ask" in format_table(tables[1])

    by_id = {r.id: r for r in tables[1].results}
    assert by_id["s1"].ranked_articles == ["a1", "a2"]  # passages deduplicated by article
    assert by_id["s3"].miss_reasons() == ["answer-lacks-gold", "gold-article-not-cited"]
    assert [r.id for r in tables[1].misses()] == ["s3"]
    assert tables[0].metrics["answer_contains_gold"] == 1.0


def test_inexact_quotes_are_counted(tmp_path: Path):
    d = _write_dataset(tmp_path)
    tables = evaluate_dataset(d, assistant_factory=lambda p: FakeBot(p, SCRIPT, tamper=True), limit=2)
    m = tables[1].metrics
    assert m["questions"] == 2
    assert m["exact_quote_rate"] == 0.0
    assert "inexact-quote" in tables[1].results[0].miss_reasons()


def test_a_failing_question_is_recorded_not_fatal(tmp_path: Path):
    d = _write_dataset(tmp_path)

    class Flaky(FakeBot):
        def ask(self, question, **kw):
            if question == "How many points?":
                raise RuntimeError("boom")
            return super().ask(question, **kw)

    tables = evaluate_dataset(d, assistant_factory=lambda p: Flaky(p, SCRIPT))
    en = tables[1]
    assert en.metrics["errors"] == 1
    failed = next(r for r in en.results if r.id == "s2")
    assert failed.error == "RuntimeError: boom" and failed.miss_reasons() == ["error"]
    assert en.metrics["answerable"] == 3 and en.metrics["cites_gold_article"] == 0.5  # over s1, s3


def test_sample_is_seeded_and_keeps_file_order(tmp_path: Path, bots):
    d = _write_dataset(tmp_path)
    first = evaluate_dataset(d, assistant_factory=bots, sample=2, seed=7)[1]
    again = evaluate_dataset(d, assistant_factory=bots, sample=2, seed=7)[1]
    ids = [r.id for r in first.results]
    assert ids == [r.id for r in again.results] and len(ids) == 2 and ids == sorted(ids)


def test_persistent_index_dir_is_per_dataset(tmp_path: Path, bots):
    d = _write_dataset(tmp_path)
    evaluate_dataset(d, assistant_factory=bots, index_dir=tmp_path / "idx")
    assert bots.made[0].index_dir == tmp_path / "idx" / "toy"


def test_missing_articles_and_questions_say_what_was_expected(tmp_path: Path, bots):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match=r"questions\*\.jsonl"):
        evaluate_dataset(empty, assistant_factory=bots)
    d = _write_dataset(tmp_path)
    (d / "articles.jsonl").unlink()
    with pytest.raises(FileNotFoundError, match="--articles"):
        evaluate_dataset(d, assistant_factory=bots)


def test_tables_show_metrics_and_baselines(tmp_path: Path, bots):
    d = _write_dataset(tmp_path)
    tables = evaluate_dataset(d, assistant_factory=bots)
    tables[1].baseline = {"recall@1": 0.753, "mrr@10": 0.838}
    text = format_table(tables[1])
    assert "toy/questions_en (en→ar)" in text and "baseline" in text and "0.753" in text
    assert "4 (3 / 1)" in text and "0.333" in text
    md = format_table(tables[1], markdown=True)
    assert md.startswith("### toy/questions_en") and "| recall@1 | 0.333 | 0.753 |" in md
    summary = format_summary(tables, markdown=True)
    assert "baseline e5-small (en→ar)" in summary and summary.count("\n| toy/") == 2
    misses = format_misses(tables[1])
    assert "s3 [answer-lacks-gold, gold-article-not-cited] Who won the cup?" in misses
    assert "top3: ['a3', 'a2']" in misses


def test_cli_prints_tables_and_writes_json(tmp_path: Path, bots, capsys):
    d = _write_dataset(tmp_path)
    out = tmp_path / "out.json"
    code = main([str(d), "--json", str(out), "--markdown", "--misses", "-q"], assistant_factory=bots)
    assert code == 0
    printed = capsys.readouterr().out
    assert "### toy/questions_en (en→ar)" in printed and "### Summary" in printed and "misses in" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    en = data["tables"][1]
    assert en["metrics"]["recall@5"] == 1.0 and en["misses"] == ["s3"]
    s3 = next(r for r in en["results"] if r["id"] == "s3")
    assert (
        s3["top3"] == ["a3", "a2"]
        and s3["answer_text"] == "Nobody [1]."
        and s3["gold_answers"] == ["Broncos"]
    )


def test_cli_articles_override_by_name(tmp_path: Path, bots, capsys):
    d = _write_dataset(tmp_path)
    moved = tmp_path / "elsewhere.jsonl"
    (d / "articles.jsonl").rename(moved)
    assert main([str(d), "-q"], assistant_factory=bots) == 2
    assert "--articles" in capsys.readouterr().err
    assert main([str(d), "-q", "--articles", f"toy={moved}"], assistant_factory=bots) == 0
    assert bots.made[-1].added == [[str(moved)]]
    assert main([str(d), "-q", "--articles", str(moved)], assistant_factory=bots) == 0
    assert main([str(d), "-q", "--limit", "0"], assistant_factory=bots) == 2


def test_eval_question_defaults():
    q = EvalQuestion.from_record({"id": 3, "question": "q?", "gold_article_ids": ["a"]})
    assert q.id == "3" and q.answerable and q.lang == "und" and q.gold_quotes == ()


def test_retrieval_only_never_asks(tmp_path: Path):
    d = _write_dataset(tmp_path)

    class NoAsk(FakeBot):
        def ask(self, question, **kw):
            raise AssertionError("ask called in a retrieval-only run")

    (_, en) = evaluate_dataset(d, assistant_factory=lambda p: NoAsk(p, SCRIPT), ask=False)
    m = en.metrics
    assert m["errors"] == 0 and m["recall@5"] == 1.0 and m["retrieve_p50_ms"] is not None
    assert m["retrieve_warm_p50_ms"] is None and "retrieve again" not in format_table(en)
    assert m["answer_contains_gold"] is None and m["exact_quote_rate"] is None and m["ask_p50_ms"] is None
    assert m["false_abstention"] is None and m["abstention_unanswerable"] is None
    assert en.misses() == []


def test_a_bad_question_file_fails_before_indexing(tmp_path: Path, bots):
    d = _write_dataset(tmp_path)
    (d / "questions_zz.jsonl").write_text('{"id": "z1"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"questions_zz\.jsonl:1"):
        evaluate_dataset(d, assistant_factory=bots)
    assert bots.made == []
