"""Dates inside article text, resolved against the article's publication date (assistant.temporal)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.temporal import DateMention, find_dates, format_date, parse_date_filter
from tests.conftest import SEED_JSONL

D = dt.date
SEED_PUB = D(2023, 9, 26)  # a Tuesday


def one(text: str, published: dt.date | None = SEED_PUB, lang: str | None = None) -> DateMention:
    found = find_dates(text, published, lang)
    assert len(found) == 1, f"expected one mention in {text!r}, got {found}"
    return found[0]


def check(text: str, expected: str, date: dt.date, granularity: str, approximate: bool, pub=SEED_PUB):
    m = one(text, pub)
    assert (m.text, m.date, m.granularity, m.approximate) == (expected, date, granularity, approximate)
    assert text[m.start : m.end] == m.text


# --- the seed article ------------------------------------------------------------------------

SEED_SENTENCES = [
    ("أعلن الجيش الوطني الليبي الثلاثاء، أن قائده العام", "الثلاثاء", D(2023, 9, 26), "day", False),
    ("قام القائد العام بزيارة روسيا اليوم الثلاثاء", "اليوم الثلاثاء", D(2023, 9, 26), "day", False),
    (
        "والتقى يوفكيورف حفتر في بنغازي في 17 سبتمبر الجاري والتي",
        "17 سبتمبر الجاري",
        D(2023, 9, 17),
        "day",
        False,
    ),
    ("فيضانات مدمرة في العاشر من سبتمبر الجاري.", "العاشر من سبتمبر الجاري", D(2023, 9, 10), "day", False),
    (
        "في أول زيارة روسية معلنة ورفيعة المستوى قبل شهر واحد. بالتزامن",
        "قبل شهر واحد",
        D(2023, 8, 26),
        "month",
        True,
    ),
    ("منذ بدء الارتباط بين موسكو وحفتر مطلع 2017، عندما", "مطلع 2017", D(2017, 2, 1), "year", True),
    ("وذلك بعد مقتل زعيمها قبل يومين.", "قبل يومين", D(2023, 9, 24), "day", False),
]


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
    assert got == [
        ("الثلاثاء", D(2023, 9, 26), "day", False),
        ("اليوم الثلاثاء", D(2023, 9, 26), "day", False),
        ("قبل يومين", D(2023, 9, 24), "day", False),
        ("17 سبتمبر الجاري", D(2023, 9, 17), "day", False),
        ("العاشر من سبتمبر الجاري", D(2023, 9, 10), "day", False),
        ("قبل شهر واحد", D(2023, 8, 26), "month", True),
        ("مطلع 2017", D(2017, 2, 1), "year", True),
    ]
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

ARABIC = [
    # absolute, all regional month names, digits
    ("وقع ذلك في 17 سبتمبر 2023 صباحا", "17 سبتمبر 2023", D(2023, 9, 17), "day", False),
    ("في 17 أيلول 2023", "17 أيلول 2023", D(2023, 9, 17), "day", False),
    ("في ١٧ سبتمبر ٢٠٢٣", "١٧ سبتمبر ٢٠٢٣", D(2023, 9, 17), "day", False),
    ("في 3 جانفي 2017", "3 جانفي 2017", D(2017, 1, 3), "day", False),
    ("يوم 14 فيفري 2017", "يوم 14 فيفري 2017", D(2017, 2, 14), "day", False),
    ("في 9 أفريل 2016", "9 أفريل 2016", D(2016, 4, 9), "day", False),
    ("إلى 21 ماي 2017،", "21 ماي 2017", D(2017, 5, 21), "day", False),
    ("في 24 جوان 2017", "24 جوان 2017", D(2017, 6, 24), "day", False),
    ("في 25 جويلية 2017", "25 جويلية 2017", D(2017, 7, 25), "day", False),
    ("بتاريخ 30 أوت 2016", "30 أوت 2016", D(2016, 8, 30), "day", False),
    ("في 3 كانون الثاني 2020", "3 كانون الثاني 2020", D(2020, 1, 3), "day", False),
    ("في 5 تشرين الأول 2019", "5 تشرين الأول 2019", D(2019, 10, 5), "day", False),
    ("في 12 غشت 2019", "12 غشت 2019", D(2019, 8, 12), "day", False),
    ("في 17 أيلول/سبتمبر 2023", "17 أيلول/سبتمبر 2023", D(2023, 9, 17), "day", False),
    ("في 17 آب 2023", "17 آب 2023", D(2023, 8, 17), "day", False),
    ("غرة جانفي 2017", "غرة جانفي 2017", D(2017, 1, 1), "day", False),
    ("في أول أفريل", "أول أفريل", D(2023, 4, 1), "day", False),
    ("صدر في مارس آذار 2020", "مارس آذار 2020", D(2020, 3, 1), "month", False),
    ("في 17 أيلول (سبتمبر) 2023 ثم", "17 أيلول (سبتمبر) 2023", D(2023, 9, 17), "day", False),
    ("موفى ماي 2017", "موفى ماي 2017", D(2017, 5, 25), "month", True),
    ("في 17 سبتمبر من العام الماضي", "17 سبتمبر من العام الماضي", D(2022, 9, 17), "day", False),
    (
        "يوم الثلاثاء الموافق 26 سبتمبر 2023",
        "يوم الثلاثاء الموافق 26 سبتمبر 2023",
        D(2023, 9, 26),
        "day",
        False,
    ),
    ("أعلن اليوم الاثنين 14 نوفمبر 2016 أن", "اليوم الاثنين 14 نوفمبر 2016", D(2016, 11, 14), "day", False),
    ("في 2023/09/17", "2023/09/17", D(2023, 9, 17), "day", False),
    ("بتاريخ ١٧/٠٩/٢٠٢٣", "١٧/٠٩/٢٠٢٣", D(2023, 9, 17), "day", False),
    # day/month without a year
    ("في 17 سبتمبر", "17 سبتمبر", D(2023, 9, 17), "day", False),
    ("في 28 سبتمبر", "28 سبتمبر", D(2023, 9, 28), "day", False),  # announced, within tolerance
    ("في 20 أكتوبر", "20 أكتوبر", D(2022, 10, 20), "day", False),  # too far ahead: last year
    ("يوم 5 أكتوبر المقبل", "يوم 5 أكتوبر المقبل", D(2023, 10, 5), "day", False),
    ("في 20 سبتمبر الماضي", "20 سبتمبر الماضي", D(2023, 9, 20), "day", False),
    ("في 30 سبتمبر الماضي", "30 سبتمبر الماضي", D(2022, 9, 30), "day", False),
    ("في 3 أفريل الجاري", "3 أفريل الجاري", D(2023, 4, 3), "day", False),
    ("في العاشر من سبتمبر", "العاشر من سبتمبر", D(2023, 9, 10), "day", False),
    ("في الحادي والعشرين من سبتمبر", "الحادي والعشرين من سبتمبر", D(2023, 9, 21), "day", False),
    ("في الحادي عشر من سبتمبر 2001", "الحادي عشر من سبتمبر 2001", D(2001, 9, 11), "day", False),
    ("في الأول من سبتمبر", "الأول من سبتمبر", D(2023, 9, 1), "day", False),
    ("في الثلاثين من أغسطس", "الثلاثين من أغسطس", D(2023, 8, 30), "day", False),
    ("في العاشر من الشهر الجاري", "العاشر من الشهر الجاري", D(2023, 9, 10), "day", False),
    ("في 3 من الشهر الماضي", "3 من الشهر الماضي", D(2023, 8, 3), "day", False),
    # months and years
    ("خلال شهر فيفري 2017", "شهر فيفري 2017", D(2017, 2, 1), "month", False),
    ("في سبتمبر 2023", "سبتمبر 2023", D(2023, 9, 1), "month", False),
    ("في شهر أوت الماضي", "شهر أوت الماضي", D(2023, 8, 1), "month", False),
    ("في نوفمبر الماضي", "نوفمبر الماضي", D(2022, 11, 1), "month", False),
    ("في أفريل القادم", "أفريل القادم", D(2024, 4, 1), "month", False),
    ("في أوائل سبتمبر", "أوائل سبتمبر", D(2023, 9, 5), "month", True),
    ("نهاية أفريل الماضي", "نهاية أفريل الماضي", D(2023, 4, 25), "month", True),
    ("في عام 2011", "عام 2011", D(2011, 1, 1), "year", False),
    ("منذ 2011", "2011", D(2011, 1, 1), "year", False),
    ("أواخر 2017", "أواخر 2017", D(2017, 11, 1), "year", True),
    # weekdays
    ("الثلاثاء", "الثلاثاء", D(2023, 9, 26), "day", False),
    ("يوم الثلاثاء", "يوم الثلاثاء", D(2023, 9, 26), "day", False),
    ("والتقى الاثنين", "الاثنين", D(2023, 9, 25), "day", False),
    ("الأربعاء", "الأربعاء", D(2023, 9, 20), "day", False),
    ("الثلاثاء الماضي", "الثلاثاء الماضي", D(2023, 9, 19), "day", False),
    ("الثلاثاء المقبل", "الثلاثاء المقبل", D(2023, 10, 3), "day", False),
    ("الجمعة القادم", "الجمعة القادم", D(2023, 9, 29), "day", False),
    ("الجمعة الماضية", "الجمعة الماضية", D(2023, 9, 22), "day", False),
    ("أمس الاثنين", "أمس الاثنين", D(2023, 9, 25), "day", False),
    ("غدا الأربعاء", "غدا الأربعاء", D(2023, 9, 27), "day", False),
    ("أول أمس الأحد", "أول أمس الأحد", D(2023, 9, 24), "day", False),
    ("بداية من يوم غد الأربعاء", "يوم غد الأربعاء", D(2023, 9, 27), "day", False),
    ("بعد غد الخميس", "بعد غد الخميس", D(2023, 9, 28), "day", False),
    # today / yesterday / tomorrow
    ("قال اليوم إن", "اليوم", D(2023, 9, 26), "day", False),
    ("واليوم قال", "اليوم", D(2023, 9, 26), "day", False),
    ("أمس", "أمس", D(2023, 9, 25), "day", False),
    ("بالأمس", "الأمس", D(2023, 9, 25), "day", False),
    ("أول أمس", "أول أمس", D(2023, 9, 24), "day", False),
    ("أول من أمس", "أول من أمس", D(2023, 9, 24), "day", False),
    ("يصل غداً إلى", "غداً", D(2023, 9, 27), "day", False),
    ("بعد غد", "بعد غد", D(2023, 9, 28), "day", False),
    # ago
    ("قبل يومين", "قبل يومين", D(2023, 9, 24), "day", False),
    ("منذ ثلاثة أيام", "منذ ثلاثة أيام", D(2023, 9, 23), "day", False),
    ("قبل 15 يوما", "قبل 15 يوما", D(2023, 9, 11), "day", False),
    ("قبل يوم", "قبل يوم", D(2023, 9, 25), "day", False),
    ("قبل أيام", "قبل أيام", D(2023, 9, 23), "day", True),
    ("قبل أسبوع", "قبل أسبوع", D(2023, 9, 19), "week", True),
    ("قبل أسبوعين", "قبل أسبوعين", D(2023, 9, 12), "week", True),
    ("قبل شهر", "قبل شهر", D(2023, 8, 26), "month", True),
    ("قبل شهرين", "قبل شهرين", D(2023, 7, 26), "month", True),
    ("قبل نحو أربعة أشهر", "قبل نحو أربعة أشهر", D(2023, 5, 26), "month", True),
    ("منذ عشرة أعوام", "منذ عشرة أعوام", D(2013, 9, 26), "year", True),
    ("قبل عام", "قبل عام", D(2022, 9, 26), "year", True),
    ("قبل سنتين", "قبل سنتين", D(2021, 9, 26), "year", True),
    ("قبل اثنين وثلاثين", None, None, None, None),  # no unit: nothing
    # periods
    ("الأسبوع الماضي", "الأسبوع الماضي", D(2023, 9, 19), "week", True),
    ("هذا الأسبوع", "هذا الأسبوع", D(2023, 9, 26), "week", True),
    ("الأسبوع المقبل", "الأسبوع المقبل", D(2023, 10, 3), "week", True),
    ("الشهر الماضي", "الشهر الماضي", D(2023, 8, 26), "month", False),
    ("الشهر الجاري", "الشهر الجاري", D(2023, 9, 26), "month", False),
    ("الشهر المقبل", "الشهر المقبل", D(2023, 10, 26), "month", False),
    ("في العام الماضي", "العام الماضي", D(2022, 9, 26), "year", False),
    ("السنة الماضية", "السنة الماضية", D(2022, 9, 26), "year", False),
    ("هذا العام", "هذا العام", D(2023, 9, 26), "year", False),
    ("العام المقبل", "العام المقبل", D(2024, 9, 26), "year", False),
    ("مطلع الشهر الجاري", "مطلع الشهر الجاري", D(2023, 9, 5), "month", True),
    ("منتصف العام الماضي", "منتصف العام الماضي", D(2022, 7, 1), "year", True),
    ("منذ بداية العام", "بداية العام", D(2023, 2, 1), "year", True),
]


@pytest.mark.parametrize(("text", "expected", "date", "granularity", "approximate"), ARABIC)
def test_arabic(text, expected, date, granularity, approximate):
    if expected is None:
        assert find_dates(text, SEED_PUB) == []
    else:
        check(text, expected, date, granularity, approximate)


ARABIC_NOT_DATES = [
    "الصحف اليومية",  # "اليوم" inside another word
    "في اليوم التالي",  # the next day
    "في اليوم الوطني للمرأة",
    "في ذلك اليوم",
    "يتكرر ثلاث مرات في اليوم",
    "اليوم نفسه",
    "قناة روسيا اليوم",
    "وهم في أمس الحاجة إلى المساعدة",
    "الأمسية الشعرية",
    "أمستردام",
    "الأمين العام السابق للأمم المتحدة",
    "المدير العام الحالي",
    "قائده العام، المشير",
    "كلا الاثنين",
    "الأحد عشر لاعبا",
    "قبل يوم الانتخابات",
    "منذ شهر رمضان",
    "قبل يوم واحد من تحطم طائرة",
    "قبل يومين من الانتخابات",
    "مارس الضغط على الحكومة",  # "practised", not March
    "قال الأب",
    "وعلى مدى ثلاثة أيام",
    "أصيب 2000 شخص",
    "بين الاثنين",
    "رئيسة الوزراء تيريزا ماي",
    "على مدار العام",
    "أول مرة",
]


@pytest.mark.parametrize("text", ARABIC_NOT_DATES)
def test_arabic_non_dates(text):
    assert find_dates(text, SEED_PUB) == []


# --- English -----------------------------------------------------------------------------------

ENGLISH = [
    ("on September 17, 2023,", "September 17, 2023", D(2023, 9, 17), "day", False),
    ("on September 17th 2023", "September 17th 2023", D(2023, 9, 17), "day", False),
    ("on 17 September 2023", "17 September 2023", D(2023, 9, 17), "day", False),
    ("on the 17th of September", "the 17th of September", D(2023, 9, 17), "day", False),
    ("on 17 September", "17 September", D(2023, 9, 17), "day", False),
    ("on Sept. 17", "Sept. 17", D(2023, 9, 17), "day", False),
    ("on Sep 17.", "Sep 17", D(2023, 9, 17), "day", False),
    ("on Tuesday, September 26, 2023", "Tuesday, September 26, 2023", D(2023, 9, 26), "day", False),
    ("on 2023-09-17T10:00", "2023-09-17", D(2023, 9, 17), "day", False),
    ("on 17/09/2023", "17/09/2023", D(2023, 9, 17), "day", False),
    ("on 09/17/2023", "09/17/2023", D(2023, 9, 17), "day", False),  # month first only when forced
    ("on 05/09/2023", "05/09/2023", D(2023, 9, 5), "day", False),  # day first by default
    ("on March 3, 1950", "March 3, 1950", D(1950, 3, 3), "day", False),
    ("on May 5", "May 5", D(2023, 5, 5), "day", False),
    ("on 10 October", "10 October", D(2022, 10, 10), "day", False),
    ("on 10 October last year", "10 October last year", D(2022, 10, 10), "day", False),
    ("in September 2023", "September 2023", D(2023, 9, 1), "month", False),
    ("in Sept. 2023", "Sept. 2023", D(2023, 9, 1), "month", False),
    ("in early September", "early September", D(2023, 9, 5), "month", True),
    ("by mid-September.", "mid-September", D(2023, 9, 15), "month", True),
    ("in late August 2023", "late August 2023", D(2023, 8, 25), "month", True),
    ("in May", "May", D(2023, 5, 1), "month", False),
    ("in November", "November", D(2022, 11, 1), "month", False),
    ("last September", "last September", D(2022, 9, 1), "month", False),
    ("next March", "next March", D(2024, 3, 1), "month", False),
    ("in 2017", "2017", D(2017, 1, 1), "year", False),
    ("since early 2017", "early 2017", D(2017, 2, 1), "year", True),
    ("until mid-2017", "mid-2017", D(2017, 7, 1), "year", True),
    ("the year 1998", "the year 1998", D(1998, 1, 1), "year", False),
    ("Tuesday", "Tuesday", D(2023, 9, 26), "day", False),
    ("on Monday", "Monday", D(2023, 9, 25), "day", False),
    ("on Wednesday", "Wednesday", D(2023, 9, 20), "day", False),
    ("last Tuesday", "last Tuesday", D(2023, 9, 19), "day", False),
    ("next Tuesday", "next Tuesday", D(2023, 10, 3), "day", False),
    ("next Friday", "next Friday", D(2023, 9, 29), "day", False),
    ("on Thursday next week", "Thursday next week", D(2023, 10, 5), "day", False),
    ("yesterday, Monday", "yesterday, Monday", D(2023, 9, 25), "day", False),
    ("today", "today", D(2023, 9, 26), "day", False),
    ("Today's meeting", "Today", D(2023, 9, 26), "day", False),
    ("yesterday", "yesterday", D(2023, 9, 25), "day", False),
    ("the day before yesterday", "the day before yesterday", D(2023, 9, 24), "day", False),
    ("tomorrow", "tomorrow", D(2023, 9, 27), "day", False),
    ("last night", "last night", D(2023, 9, 25), "day", False),
    ("two days ago", "two days ago", D(2023, 9, 24), "day", False),
    ("three days ago", "three days ago", D(2023, 9, 23), "day", False),
    ("10 days ago", "10 days ago", D(2023, 9, 16), "day", False),
    ("a few days ago", "a few days ago", D(2023, 9, 23), "day", True),
    ("a week ago", "a week ago", D(2023, 9, 19), "week", True),
    ("a month ago", "a month ago", D(2023, 8, 26), "month", True),
    ("about a month ago", "about a month ago", D(2023, 8, 26), "month", True),
    ("a couple of months ago", "a couple of months ago", D(2023, 7, 26), "month", True),
    ("two years ago", "two years ago", D(2021, 9, 26), "year", True),
    ("last week", "last week", D(2023, 9, 19), "week", True),
    ("this week", "this week", D(2023, 9, 26), "week", True),
    ("last month", "last month", D(2023, 8, 26), "month", False),
    ("next month", "next month", D(2023, 10, 26), "month", False),
    ("last year", "last year", D(2022, 9, 26), "year", False),
    ("earlier this month", "earlier this month", D(2023, 9, 13), "month", False),
    ("late last year", "late last year", D(2022, 11, 1), "year", True),
    ("on the 10th of this month", "the 10th of this month", D(2023, 9, 10), "day", False),
]


@pytest.mark.parametrize(("text", "expected", "date", "granularity", "approximate"), ENGLISH)
def test_english(text, expected, date, granularity, approximate):
    check(text, expected, date, granularity, approximate)


ENGLISH_NOT_DATES = [
    "they may 5 times refuse",
    "they march 3 miles",
    "the crowd of 2000 people",
    "from 2000 to 3000 people",
    "two days before the election",
    "in the 1990s",
    "a 30% rise",
    "USA Today reported",
    "August Rush",
]


@pytest.mark.parametrize("text", ENGLISH_NOT_DATES)
def test_english_non_dates(text):
    assert find_dates(text, SEED_PUB) == []


def test_lang_narrows_the_patterns():
    text = "الثلاثاء and Tuesday, 17/09/2023"
    assert [m.text for m in find_dates(text, SEED_PUB, "ar")] == ["الثلاثاء", "17/09/2023"]
    assert [m.text for m in find_dates(text, SEED_PUB, "en")] == ["Tuesday", "17/09/2023"]
    assert [m.text for m in find_dates(text, SEED_PUB)] == ["الثلاثاء", "Tuesday", "17/09/2023"]


# --- anchors at year boundaries and leap days -----------------------------------------------------

NEW_YEAR = D(2024, 1, 3)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected_date", "granularity", "pub"),
    [
        ("25 ديسمبر", D(2023, 12, 25), "day", NEW_YEAR),
        ("25 December", D(2023, 12, 25), "day", NEW_YEAR),
        ("5 جانفي", D(2024, 1, 5), "day", NEW_YEAR),  # two days ahead: announced
        ("20 January", D(2023, 1, 20), "day", NEW_YEAR),
        ("last month", D(2023, 12, 3), "month", NEW_YEAR),
        ("الشهر الماضي", D(2023, 12, 3), "month", NEW_YEAR),
        ("in December", D(2023, 12, 1), "month", NEW_YEAR),
        ("ديسمبر الماضي", D(2023, 12, 1), "month", NEW_YEAR),
        ("last Friday", D(2023, 12, 29), "day", NEW_YEAR),
        ("الجمعة", D(2023, 12, 29), "day", NEW_YEAR),
        ("العام الماضي", D(2023, 1, 3), "year", NEW_YEAR),
        ("last week", D(2023, 12, 27), "week", NEW_YEAR),
        ("أمس", D(2024, 1, 2), "day", NEW_YEAR),
        ("three days ago", D(2023, 12, 31), "day", NEW_YEAR),
        ("29 فبراير", D(2024, 2, 29), "day", D(2024, 3, 1)),
        ("29 February", D(2020, 2, 29), "day", D(2023, 3, 1)),
        ("a month ago", D(2024, 2, 29), "month", D(2024, 3, 31)),
        ("last year", D(2023, 2, 28), "year", D(2024, 2, 29)),
        ("قبل يوم", D(2024, 2, 29), "day", D(2024, 3, 1)),
        ("yesterday", D(2024, 12, 31), "day", D(2025, 1, 1)),
    ],
)
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
