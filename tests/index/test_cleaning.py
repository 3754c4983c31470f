"""clean_text: whitespace, invisible characters, glued sentences, boilerplate, idempotency."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.text.cleaning import clean_text, is_boilerplate_line
from tests.conftest import SHARED

SEED_TXT = SHARED / "data" / "seed" / "haftar_russia_visit.txt"


def test_line_endings_and_spaces() -> None:
    raw = "  First\tline  with   spaces \r\nsecond\u00a0\u00a0line\rthird\u2028fourth\x0cfifth  "
    assert clean_text(raw) == "First line with spaces\nsecond line\nthird\nfourth\nfifth"


def test_paragraphs_keep_at_most_one_blank_line() -> None:
    raw = "\n\n\nPara one.\n\n\n\n\nPara two.\n \t \nPara three.\n\n\n"
    assert clean_text(raw) == "Para one.\n\nPara two.\n\nPara three."


def test_invisible_characters_removed() -> None:
    raw = "\ufeffHel\u200dlo\u00ad wor\x00ld\u202b \u200e!\x07"
    assert clean_text(raw) == "Hello world !"


def test_invisible_character_used_as_space_between_words_becomes_space() -> None:
    assert clean_text("مع\u200bاستمرار الرياح") == "مع استمرار الرياح"
    assert clean_text("ويطلق\u200fعلى الضحية") == "ويطلق على الضحية"
    # A zero-width joiner is not a separator.
    assert clean_text("ab\u200dcd") == "abcd"


def test_nfc() -> None:
    assert clean_text("cafe\u0301") == "caf\u00e9"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("استمرار الصراع.وجاء في بيان", "استمرار الصراع. وجاء في بيان"),
        ("the end.The next", "the end. The next"),
        ("حقا؟وقال الوزير", "حقا؟ وقال الوزير"),
        ("Really!Then he left", "Really! Then he left"),
        ("في عام 2023.وجاء", "في عام 2023. وجاء"),
        ("St.Petersburg", "St. Petersburg"),
    ],
)
def test_missing_space_after_sentence_end_is_inserted(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "pi is 3.14 and 3.5 percent",
        "the U.S. and the U.K.",
        "U.S.Army",
        "e.g.The",
        "د.محمد قال",
        "visit www.Example.Com today",
        "write to John.Smith@Example.Org now",
        "see https://example.org/Path.Html?q=1.Then",
        "see Example.Com for more",
        "version v.Next",
        "wait...Then",
        "lower.case word",
    ],
)
def test_numbers_abbreviations_urls_are_left_alone(raw: str) -> None:
    assert clean_text(raw) == raw


def test_seed_article_tail_and_glue() -> None:
    cleaned = clean_text(SEED_TXT.read_text(encoding="utf-8"))
    assert "الصراع. وجاء" in cleaned
    assert "الصراع.وجاء" not in cleaned
    assert "تعليقات الزوار" not in cleaned
    assert not cleaned.endswith("لا تعليقات")
    assert cleaned.endswith("تعزيز صداقته مع روسيا.")


def test_boilerplate_only_at_the_edges() -> None:
    raw = (
        "Skip to main content\n"
        "We use cookies to improve your experience. Accept all cookies\n"
        "Real first line.\n"
        "Comments are a topic of this article.\n"
        "Advertisement\n"
        "Real last line.\n"
        "Share this article\n"
        "Comments (12)\n"
        "© 2023 Example News. All rights reserved.\n"
    )
    assert clean_text(raw) == (
        "Real first line.\nComments are a topic of this article.\nAdvertisement\nReal last line."
    )


@pytest.mark.parametrize(
    "line",
    [
        "تعليقات الزوار",
        "لا تعليقات",
        "شارك هذا المقال",
        "أضف تعليقاً",
        "Share this article",
        "3 Comments",
        "ADVERTISEMENT",
    ],
)
def test_is_boilerplate_line(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "وأكد الوزير أن التعليقات على القرار كانت إيجابية.",
        "The comments by the minister drew criticism.",
        "Share prices fell sharply on Monday.",
        "",
    ],
)
def test_is_not_boilerplate_line(line: str) -> None:
    assert not is_boilerplate_line(line)


def test_all_boilerplate_gives_empty_text() -> None:
    assert clean_text("Share this article\nComments\n") == ""
    assert clean_text(" \u200b\n\t\n") == ""


def test_rejects_non_str() -> None:
    with pytest.raises(TypeError, match="expected a str, got bytes"):
        clean_text(b"abc")  # type: ignore[arg-type]


def test_every_format_and_control_character_is_removed() -> None:
    removable = [
        chr(cp)
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) in {"Cf", "Cc"} and chr(cp) not in "\n\t\r\x0b\x0c\x1c\x1d\x1e\x85"
    ]
    # Between two words, a run holding a zero-width space or a bidi mark stands for a space.
    assert clean_text("a" + "".join(removable) + "b") == "a b"
    joiners = [ch for ch in removable if ch not in "\u200b\u200e\u200f\u061c"]
    assert clean_text("a" + "".join(joiners) + "b") == "ab"
    assert clean_text("".join(removable)) == ""


def test_large_input_is_cleaned_and_stays_linear() -> None:
    # 4 MB of text and a 1 MB token full of candidate dots; a quadratic pass would not finish.
    paragraph = SEED_TXT.read_text(encoding="utf-8") + "\n"
    big = paragraph * (4_000_000 // len(paragraph))
    cleaned = clean_text(big)
    assert cleaned.count("الصراع. وجاء") == big.count("الصراع.وجاء")
    token = "ab.Cd" * 200_000
    assert clean_text(token) == "ab. Cd" * 200_000


# --- properties ------------------------------------------------------------------------------

_FRAGMENTS = [
    "الصراع",
    ".",
    "وجاء",
    "؟",
    "!",
    "?",
    "The",
    "end",
    "U.S.",
    "3.5",
    "www.",
    "Example.Com",
    "@",
    "https://",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n\n",
    "\r\n",
    "\r",
    "\u200b",
    "\u200f",
    "\u200d",
    "\u00a0",
    "\u0301",
    "\u064e",
    "e",
    "Comments",
    "تعليقات الزوار",
    "لا تعليقات",
    "Share this article",
    "Advertisement",
    "\x00",
    "\ufeff",
    "\u2028",
    "1",
    "٣",
    "ـ",
    "Ａ",
]

_texts = st.one_of(
    st.lists(st.sampled_from(_FRAGMENTS), max_size=40).map("".join),
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=5)), max_size=30).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@settings(max_examples=200, deadline=None)
@given(_texts)
def test_output_shape(text: str) -> None:
    out = clean_text(text)
    assert out == out.strip()
    assert "\r" not in out and "\t" not in out and "\n\n\n" not in out and "  " not in out
    assert unicodedata.is_normalized("NFC", out)
    assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Cs"} and ch != "\n" for ch in out)
    assert all(line == line.strip() for line in out.split("\n"))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(categories=["L", "N", "Zs", "P"]), max_size=200))
def test_deterministic_and_keeps_words(text: str) -> None:
    out = clean_text(text)
    assert clean_text(text) == out
    # Only spaces are added or removed: the non-space characters are all still there (NFC aside),
    # unless a whole boilerplate line was dropped.
    if not any(is_boilerplate_line(line) for line in text.splitlines()):
        squeeze = "".join(unicodedata.normalize("NFC", text).split())
        assert "".join(out.split()) == squeeze
