"""Citations are checked in code: markers, support, offsets, renumbering."""

from __future__ import annotations

from assistant.answering import Draft, PinnedSpan, split_claims, support_score, verify
from assistant.schema import Passage

TEXT = (
    "The council approved the new bridge on Monday. Work starts in March. "
    "The mayor said the budget is 12 million dinars. Residents welcomed the plan."
)


def _passage(start: int, end: int, article_id: str = "art") -> Passage:
    return Passage(
        chunk_id=f"{article_id}::0",
        article_id=article_id,
        text=TEXT[start:end],
        score=1.0,
        start=start,
        end=end,
        title="Bridge",
        source="Outlet",
        published="2024-01-03",
    )


def test_supported_sentences_keep_their_citation_with_exact_offsets():
    p = _passage(0, len(TEXT))
    draft = Draft("The council approved the bridge [1]. The budget is 12 million dinars [1].")
    out = verify(draft, [p], {"art": TEXT})
    assert len(out.citations) == 2
    for c in out.citations:
        assert TEXT[c.start : c.end] == c.quote
    assert "approved" in out.citations[0].quote and "12 million" in out.citations[1].quote
    assert out.text == "The council approved the bridge [1]. The budget is 12 million dinars [2]."


def test_unsupported_sentence_and_invalid_marker_are_removed():
    p = _passage(0, len(TEXT))
    draft = Draft(
        "The council approved the bridge [1]. Aliens landed on the bridge yesterday [1]. "
        "Work starts in March [7]."
    )
    out = verify(draft, [p], {"art": TEXT})
    assert "Aliens" not in out.text and "Work starts" not in out.text
    assert any("Aliens" in r for r in out.removed)
    assert 7 in out.dropped_markers
    assert [c.marker for c in out.citations] == [1]


def test_sentence_without_marker_is_not_said():
    p = _passage(0, len(TEXT))
    out = verify(
        Draft("The council approved the bridge. Residents welcomed the plan [1]."), [p], {"art": TEXT}
    )
    assert out.text == "Residents welcomed the plan [1]."


def test_markers_are_renumbered_by_first_appearance():
    p1, p2 = _passage(0, 47), _passage(69, len(TEXT))
    out = verify(
        Draft("Residents welcomed the plan [2]. The council approved the new bridge [1]."),
        [p1, p2],
        {"art": TEXT},
    )
    assert out.text == "Residents welcomed the plan [1]. The council approved the new bridge [2]."
    assert out.citations[0].quote == "Residents welcomed the plan."


def test_pinned_span_must_hold_its_evidence_and_lie_in_the_passage():
    p = _passage(0, len(TEXT))
    s = TEXT.index("Work")
    e = TEXT.index("March.") + len("March.")
    good = Draft("In March [1].", pinned={1: PinnedSpan(s, e, "March")}, claims=["In March [1]."])
    out = verify(good, [p], {"art": TEXT})
    assert out.citations and out.citations[0].quote == "Work starts in March."
    bad = Draft("In April [1].", pinned={1: PinnedSpan(s, e, "April")}, claims=["In April [1]."])
    assert not verify(bad, [p], {"art": TEXT}).citations
    outside = Draft("In March [1].", pinned={1: PinnedSpan(s, e, "March")}, claims=["In March [1]."])
    assert not verify(outside, [_passage(0, 47)], {"art": TEXT}).citations


def test_support_score_uses_embedding_similarity_when_words_differ():
    assert support_score("Work begins in spring", "Work starts in March.") < 0.5
    assert support_score("بدأ العمل", "Work starts in March.", similarity=0.9) > 0.5
    assert split_claims("One [1]. Two [2].") == ["One [1].", "Two [2]."]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from index.text import split_sentences  # noqa: E402

_words = st.sampled_from(["حفتر", "بنغازي", "التقى", "council", "bridge", "17", "سبتمبر", "the", "é", "٣٫٥"])
_sentence = st.lists(_words, min_size=1, max_size=12).map(" ".join).map(lambda s: s + st_end(s))


def st_end(s: str) -> str:
    return "؟" if any("\u0600" <= ch <= "\u06ff" for ch in s) and len(s) % 2 else "."


@settings(max_examples=150, deadline=None)
@given(
    sentences=st.lists(_sentence, min_size=1, max_size=8),
    picks=st.lists(st.integers(0, 7), min_size=1, max_size=4),
    noise=st.text(max_size=5),
)
def test_citation_offsets_always_slice_the_article_to_the_quote(sentences, picks, noise):
    text = noise + " " + "\n".join(sentences)
    spans = split_sentences(text)
    p = Passage(chunk_id="a::0", article_id="a", text=text, score=1.0, start=0, end=len(text))
    claims = []
    for i in picks:
        s, e = spans[i % len(spans)]
        claims.append(f"{text[s:e]} [1]")
    out = verify(Draft(" ".join(claims), claims=claims), [p], {"a": text})
    for c in out.citations:
        assert text[c.start : c.end] == c.quote and c.quote
        assert 0 <= c.start < c.end <= len(text)
    assert all(f"[{c.marker}]" in out.text for c in out.citations)
