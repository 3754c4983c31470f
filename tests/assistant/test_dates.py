"""Dates inside article text, resolved against the article's publication date (assistant.dates)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.dates import DateMention, find_dates, format_date, parse_date_filter
from tests.conftest import SEED_JSONL
from tests.date_cases import (
    ARABIC,
    ARABIC_NOT_DATES,
    BOUNDARIES,
    ENGLISH,
    ENGLISH_NOT_DATES,
    SEED_ARTICLE_DATES,
    SEED_PUB,
    SEED_SENTENCES,
    D,
)


def one(text: str, published: dt.date | None = SEED_PUB, lang: str | None = None) -> DateMention:
    found = find_dates(text, published, lang)
    assert len(found) == 1, f"expected one mention in {text!r}, got {found}"
    return found[0]


def check(text: str, expected: str, date: dt.date, granularity: str, approximate: bool, pub=SEED_PUB):
    m = one(text, pub)
    assert (m.text, m.date, m.granularity, m.approximate) == (expected, date, granularity, approximate)
    assert text[m.start : m.end] == m.text


# --- the seed article ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected", "date", "granularity", "approximate"), SEED_SENTENCES)
def test_seed_sentences(text, expected, date, granularity, approximate):
    check(text, expected, date, granularity, approximate)


def test_seed_article_end_to_end():
    if not SEED_JSONL.exists():
        pytest.skip(f"seed article not found at {SEED_JSONL}")
    article = json.loads(SEED_JSONL.read_text(encoding="utf-8").splitlines()[0])
    text = article["text"]
    mentions = find_dates(text, article["published"], article["lang"])  # ISO string accepted
    got = [(m.text, m.date, m.granularity, m.approximate) for m in mentions]
    assert got == SEED_ARTICLE_DATES
    for m in mentions:
        assert text[m.start : m.end] == m.text
    # "قبل يوم واحد من تحطم طائرة" counts from the crash, not from publication: not resolved
    assert not any("قبل يوم واحد" in m.text for m in mentions)
    # "روسيا اليوم الثلاثاء" is today Tuesday; "قائده العام،" is "its commander-in-chief"
    assert "العام" not in [m.text for m in mentions]
    by_text = {m.text: m for m in mentions}
    assert format_date(by_text["قبل شهر واحد"], "ar") == "حوالي أغسطس 2023"
    assert format_date(by_text["قبل شهر واحد"], "en") == "about August 2023"
    assert format_date(by_text["17 سبتمبر الجاري"], "en") == "17 September 2023"
    assert format_date(by_text["مطلع 2017"], "en") == "early 2017"


def test_seed_without_publication_date_keeps_only_dated_absolutes():
    if not SEED_JSONL.exists():
        pytest.skip(f"seed article not found at {SEED_JSONL}")
    text = json.loads(SEED_JSONL.read_text(encoding="utf-8").splitlines()[0])["text"]
    assert [(m.text, m.date) for m in find_dates(text, None)] == [("مطلع 2017", D(2017, 2, 1))]


# --- Arabic ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected", "date", "granularity", "approximate"), ARABIC)
def test_arabic(text, expected, date, granularity, approximate):
    if expected is None:
        assert find_dates(text, SEED_PUB) == []
    else:
        check(text, expected, date, granularity, approximate)


@pytest.mark.parametrize("text", ARABIC_NOT_DATES)
def test_arabic_non_dates(text):
    assert find_dates(text, SEED_PUB) == []


# --- English -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected", "date", "granularity", "approximate"), ENGLISH)
def test_english(text, expected, date, granularity, approximate):
    check(text, expected, date, granularity, approximate)


@pytest.mark.parametrize("text", ENGLISH_NOT_DATES)
def test_english_non_dates(text):
    assert find_dates(text, SEED_PUB) == []


def test_lang_narrows_the_patterns():
    text = "الثلاثاء and Tuesday, 17/09/2023"
    assert [m.text for m in find_dates(text, SEED_PUB, "ar")] == ["الثلاثاء", "17/09/2023"]
    assert [m.text for m in find_dates(text, SEED_PUB, "en")] == ["Tuesday", "17/09/2023"]
    assert [m.text for m in find_dates(text, SEED_PUB)] == ["الثلاثاء", "Tuesday", "17/09/2023"]


# --- anchors at year boundaries and leap days -----------------------------------------------------


@pytest.mark.parametrize(("text", "expected_date", "granularity", "pub"), BOUNDARIES)
def test_boundaries(text, expected_date, granularity, pub):
    m = one(text, pub)
    assert (m.date, m.granularity) == (expected_date, granularity)


def test_impossible_dates_are_skipped():
    # the impossible day is dropped; what remains valid ("February 2023") is still a month
    assert [(m.text, m.granularity) for m in find_dates("29 February 2023", SEED_PUB)] == [
        ("February 2023", "month")
    ]
    assert find_dates("31/02/2023", SEED_PUB) == []
    assert find_dates("في 31 أبريل", SEED_PUB) == []
    assert one("29 February 2024").date == D(2024, 2, 29)


# --- without a publication date ---------------------------------------------------------------


def test_no_publication_date_never_anchors_on_today():
    text = (
        "الثلاثاء، قبل يومين، اليوم، 17 سبتمبر الجاري، الشهر الماضي. Yesterday, last week, "
        "17 September, in May. Absolute: 17 سبتمبر 2023, September 2023, in 2017, 2023-09-17, مطلع 2017."
    )
    got = [(m.text, m.date, m.kind) for m in find_dates(text, None)]
    assert got == [
        ("17 سبتمبر 2023", D(2023, 9, 17), "absolute"),
        ("September 2023", D(2023, 9, 1), "absolute"),
        ("2017", D(2017, 1, 1), "absolute"),
        ("2023-09-17", D(2023, 9, 17), "absolute"),
        ("مطلع 2017", D(2017, 2, 1), "absolute"),
    ]


def test_range_shares_its_year():
    got = [(m.text, m.date) for m in find_dates("بين يناير ومارس 2017", None)]
    assert got == [("يناير", D(2017, 1, 1)), ("مارس 2017", D(2017, 3, 1))]
    got = [(m.text, m.date) for m in find_dates("from 15 December to 2 January 2020", None)]
    assert got == [("15 December", D(2019, 12, 15)), ("2 January 2020", D(2020, 1, 2))]
    got = [m.text for m in find_dates("بين عامي 2015 و2018 ومن 2019 إلى 2021", None)]
    assert got == ["عامي 2015", "2018", "2019", "2021"]


# --- offsets, overlaps, normalisation ------------------------------------------------------------


def test_offsets_survive_diacritics_tatweel_and_bidi_marks():
    text = "قال يَوْمَ الثُّلاثَاءِ إنه سيصل غداً، وفي ‏17 سبتمـــبر الجاري"
    mentions = find_dates(text, SEED_PUB)
    assert [(m.text, m.date) for m in mentions] == [
        ("يَوْمَ الثُّلاثَاءِ", D(2023, 9, 26)),
        ("غداً", D(2023, 9, 27)),
        ("17 سبتمـــبر الجاري", D(2023, 9, 17)),
    ]
    for m in mentions:
        assert text[m.start : m.end] == m.text


def test_longest_match_wins_and_results_are_sorted():
    text = "the day before yesterday and أول أمس and Tuesday, September 26, 2023"
    mentions = find_dates(text, SEED_PUB)
    assert [m.text for m in mentions] == [
        "the day before yesterday",
        "أول أمس",
        "Tuesday, September 26, 2023",
    ]
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_kinds():
    assert one("17 سبتمبر").kind == "absolute"
    assert one("الثلاثاء").kind == "relative"
    assert one("قبل شهر").kind == "relative"
    assert one("in 2017").kind == "absolute"


def test_period():
    assert one("last week").period == (D(2023, 9, 18), D(2023, 9, 24))
    assert one("في فبراير 2024").period == (D(2024, 2, 1), D(2024, 2, 29))
    assert one("مطلع 2017").period == (D(2017, 1, 1), D(2017, 12, 31))
    assert one("أمس").period == (D(2023, 9, 25), D(2023, 9, 25))


def test_published_forms():
    assert one("أمس", "2023-09-26").date == D(2023, 9, 25)
    assert one("أمس", "2023-09-26T23:30:00+01:00").date == D(2023, 9, 25)
    assert one("أمس", dt.datetime(2023, 9, 26, 8, 0)).date == D(2023, 9, 25)
    with pytest.raises(ValueError, match="ISO 8601"):
        find_dates("أمس", "last Tuesday")
    with pytest.raises(TypeError, match="published must be"):
        find_dates("أمس", 20230926)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="text must be a str"):
        find_dates(b"x", SEED_PUB)  # type: ignore[arg-type]


# --- formatting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "en", "ar"),
    [
        ("17 سبتمبر الجاري", "17 September 2023", "17 سبتمبر 2023"),
        ("in September 2023", "September 2023", "سبتمبر 2023"),
        ("قبل شهر واحد", "about August 2023", "حوالي أغسطس 2023"),
        ("in 2023", "2023", "2023"),
        ("مطلع 2017", "early 2017", "مطلع 2017"),
        ("mid-September", "mid-September 2023", "منتصف سبتمبر 2023"),
        ("أواخر أغسطس", "late August 2023", "أواخر أغسطس 2023"),
        ("last week", "about the week of 18 September 2023", "حوالي أسبوع 18 سبتمبر 2023"),
        ("قبل أيام", "about 23 September 2023", "حوالي 23 سبتمبر 2023"),
    ],
)
def test_format_date(text, en, ar):
    m = one(text)
    assert format_date(m, "en") == en
    assert format_date(m, "ar") == ar
    assert format_date(m, "ar-TN") == ar


def test_format_rejects_unknown_granularity():
    bad = DateMention(0, 1, "x", D(2023, 1, 1), "decade", False, "absolute")
    with pytest.raises(ValueError, match="granularity"):
        format_date(bad, "en")


# --- filters in questions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "today", "expected"),
    [
        ("What happened since March 2023?", None, (D(2023, 3, 1), None)),
        ("ماذا حدث منذ مارس 2023؟", None, (D(2023, 3, 1), None)),
        ("Who met Haftar in 2017?", None, (D(2017, 1, 1), D(2017, 12, 31))),
        ("من التقى حفتر في عام 2017؟", None, (D(2017, 1, 1), D(2017, 12, 31))),
        ("ماذا حدث بين يناير ومارس 2017؟", None, (D(2017, 1, 1), D(2017, 3, 31))),
        ("between 2017 and 2019", None, (D(2017, 1, 1), D(2019, 12, 31))),
        ("news before 2020", None, (None, D(2019, 12, 31))),
        ("until June 2022", None, (None, D(2022, 6, 30))),
        ("after September 2023", None, (D(2023, 10, 1), None)),
        ("What did Haftar do?", None, (None, None)),
        ("What happened last month?", None, (None, None)),  # relative, no anchor given
        ("What happened last month?", D(2024, 1, 3), (D(2023, 12, 1), D(2023, 12, 31))),
        ("in the past 3 months", D(2024, 1, 3), (D(2023, 10, 3), D(2024, 1, 3))),
        ("خلال الأشهر الثلاثة الماضية", D(2024, 1, 3), (D(2023, 10, 3), D(2024, 1, 3))),
        ("in the past ſeven dayſ", D(2024, 1, 3), (None, None)),  # no Unicode case-folding tricks
    ],
)
def test_parse_date_filter(question, today, expected):
    assert parse_date_filter(question, today) == expected


# --- properties ---------------------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    list("0123456789/-.,، ")
    + list("ابتثجحخدذرزسشصضطظعغفقكلمنهويأإآىةءؤئ")
    + list("٠١٢٣٤٥٦٧٨٩")
    + ["\u064b", "\u064e", "\u0651", "\u0640", "\u200f", "\u00a0"]
    + list("abcdefghijklmnopqrstuvwxyzTSMJ")
)
_PIECES = st.sampled_from(
    [
        "17 سبتمبر",
        " الجاري",
        "العاشر من ",
        "قبل ",
        "شهر",
        " واحد",
        "يومين",
        "الثلاثاء",
        " الماضي",
        "اليوم",
        "أمس",
        "مطلع ",
        "2017",
        "September ",
        "17",
        ", 2023",
        "last ",
        "week",
        " ago",
        "two days",
        "Tuesday",
        "29 February",
        "31/12/2023",
        "2023-02-29",
        "غداً",
        "في ",
        "عام ",
        "منذ ",
        " ",
        "،",
        "ſeptember",
        "İn 2017",
        "the past ſeven dayſ",
        "the last twelve months",
        "May",
        "ماي",
        "آب",
    ]
)
_TEXTS = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(_PIECES, st.text(_ALPHABET, max_size=4)), max_size=25).map("".join),
)
_PUBS = st.one_of(st.none(), st.dates(), st.sampled_from([D(1, 1, 1), D(9999, 12, 31), D(2024, 2, 29)]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXTS, pub=_PUBS)
def test_property_offsets_slice_and_never_raises(text, pub):
    mentions = find_dates(text, pub)
    previous_end = 0
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert m.start >= previous_end  # sorted, non-overlapping
        previous_end = m.end
        assert m.granularity in ("day", "week", "month", "year")
        assert m.kind in ("absolute", "relative")
        format_date(m, "ar")
        format_date(m, "en")
        first, last = m.period
        assert first <= m.date <= last
        if pub is None:
            assert m.kind == "absolute"


@settings(max_examples=100, deadline=None)
@given(text=_TEXTS, pub=_PUBS)
def test_property_deterministic(text, pub):
    assert find_dates(text, pub) == find_dates(text, pub)


@settings(max_examples=100, deadline=None)
@given(text=st.one_of(st.text(max_size=80), _TEXTS), today=_PUBS)
def test_property_filter_never_raises(text, today):
    first, last = parse_date_filter(text, today)
    assert first is None or last is None or first <= last


@settings(max_examples=100, deadline=None)
@given(
    left=st.sampled_from(["", "قال ", "وذكر. ", "He said ", "\n", "(", "، "]),
    right=st.sampled_from(["", " إن", ".", "، ", " and", ")", "\n"]),
    case=st.sampled_from([c for c in ARABIC if c[1] is not None and c[1] == c[0]] + ENGLISH[:20]),
)
def test_property_context_does_not_change_resolution(left, right, case):
    text, expected, date, granularity, approximate = case
    m = one(left + text + right)
    assert (m.text, m.date, m.granularity, m.approximate) == (expected, date, granularity, approximate)
    assert m.start == len(left) + text.index(expected)
