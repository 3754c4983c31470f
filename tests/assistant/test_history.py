"""Follow-ups made standalone by rules, without changing their language or dropping dates."""

from __future__ import annotations

import pytest

from assistant.answering.follow_ups import condense_rules, normalize_history


def _h(*questions: str) -> list[dict[str, str]]:
    out = []
    for q in questions:
        out += [{"role": "user", "content": q}, {"role": "assistant", "content": "answer [1]"}]
    return out


def test_bare_follow_up_swaps_the_question_word():
    assert (
        condense_rules("and where?", _h("When did Yevkurov meet Haftar?"))
        == "where did Yevkurov meet Haftar?"
    )


def test_arabic_bare_follow_up_stays_arabic():
    out = condense_rules("وأين؟", _h("متى التقى يفكوروف بحفتر؟"))
    assert out == "أين التقى يفكوروف بحفتر؟"


def test_pronoun_follow_up_gets_the_previous_names_and_keeps_its_date():
    out = condense_rules("What did he say on 17 September?", _h("Who received Haftar in Moscow?"))
    assert out.startswith("What did he say on 17 September?") and "Haftar" in out and "Moscow" in out


def test_standalone_question_is_unchanged():
    q = "When did the floods hit Derna?"
    assert condense_rules(q, _h("When did Yevkurov meet Haftar?")) == q
    assert condense_rules(q, []) == q


def test_history_formats():
    pairs = [("q1", "a1"), ("q2", None)]
    assert normalize_history(pairs) == [
        {"role": "user", "content": "q1"},
        {"role": "assistant", "content": "a1"},
        {"role": "user", "content": "q2"},
    ]
    gradio = [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]
    assert normalize_history(gradio) == [{"role": "user", "content": "hi"}]
    with pytest.raises(ValueError, match="history items"):
        normalize_history([42])
