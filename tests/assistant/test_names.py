"""Tests for assistant.retrieval.name_matcher: one name across Latin and Arabic scripts and spellings."""

from __future__ import annotations

import gzip
import itertools
import json
import re
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest

from assistant.retrieval import NameMatcher, is_arabic_word, is_name_like, name_tokens
from tests.conftest import EVAL_DIR, NEWS_GZ, SEED_JSONL

SEED: Path = SEED_JSONL
NEWS: Path = NEWS_GZ
XQUAD: Path = EVAL_DIR / "xquad"

_WORD = re.compile(r"\w+")


def document_frequencies(texts: Iterable[str]) -> Counter[str]:
    df: Counter[str] = Counter()
    for text in texts:
        df.update(set(_WORD.findall(text)))
    return df


def words(results: list[tuple[str, float]]) -> list[str]:
    return [word for word, _ in results]


@pytest.fixture(scope="module")
def seed_matcher() -> NameMatcher:
    if not SEED.exists():
        pytest.skip(f"seed article not found at {SEED}")
    records = [json.loads(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return NameMatcher(document_frequencies(r.get("title", "") + "\n" + r["text"] for r in records))


# ---------------------------------------------------------------- Latin -> Arabic, seed article


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Haftar", "حفتر"),
        ("Benghazi", "بنغازي"),
        ("Wagner", "فاغنر"),
        ("Shoigu", "شويغو"),
        ("Lavrov", "لافروف"),
        ("Kuznetsov", "كوزنيتسوف"),
        ("Mismari", "المسماري"),
        ("Derna", "درنة"),
        ("Moscow", "موسكو"),
        ("Kremlin", "الكرملين"),
        ("Yevgeny", "يفغيني"),
        ("Sergei", "سيرغي"),
        ("Reuters", "رويترز"),
        ("Facebook", "فيسبوك"),
        ("Ahmed", "أحمد"),
    ],
)
def test_latin_name_finds_its_arabic_spelling_first(
    seed_matcher: NameMatcher, name: str, expected: str
) -> None:
    results = seed_matcher.expand(name)
    assert results, f"{name} expanded to nothing"
    assert results[0][0] == expected, f"{name} -> {results}"
    assert results[0][1] >= 0.6


def test_yevkurov_finds_both_arabic_spellings(seed_matcher: NameMatcher) -> None:
    top = words(seed_matcher.expand("Yevkurov", limit=3))
    assert "يفكوروف" in top
    assert "يوفكيورف" in top


def test_prigozhin_finds_both_arabic_spellings(seed_matcher: NameMatcher) -> None:
    top = words(seed_matcher.expand("Prigozhin", limit=2))
    assert sorted(top) == sorted(["بريغوجين", "بريجوزين"])


def test_scores_are_sorted_bounded_and_limited(seed_matcher: NameMatcher) -> None:
    results = seed_matcher.expand("Libya", limit=3, min_score=0.0)
    assert len(results) == 3
    scores = [score for _, score in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert seed_matcher.expand("Libya", limit=0) == []


def test_min_score_filters(seed_matcher: NameMatcher) -> None:
    loose = seed_matcher.expand("Africa", limit=10, min_score=0.0)
    strict = seed_matcher.expand("Africa", limit=10, min_score=0.8)
    assert len(strict) < len(loose)
    assert all(score >= 0.8 for _, score in strict)
    assert "أفريقيا" in words(strict)


# ---------------------------------------------------------------- Arabic -> Arabic variants


@pytest.mark.parametrize(
    ("token", "expected"),
    [("يفكوروف", "يوفكيورف"), ("يوفكيورف", "يفكوروف"), ("بريجوزين", "بريغوجين"), ("بريغوجين", "بريجوزين")],
)
def test_arabic_spelling_variants_match_each_other(
    seed_matcher: NameMatcher, token: str, expected: str
) -> None:
    results = seed_matcher.expand(token)
    assert results and results[0][0] == expected, f"{token} -> {results}"
    assert token not in words(results)


def test_arabic_variants_with_diacritics_and_hamza_forms() -> None:
    matcher = NameMatcher({"يوفكيورف": 3, "أحمد": 5, "بيان": 9})
    # diacritics and tatweel on the query do not matter
    assert words(matcher.expand("يَفْكُورُوف"))[:1] == ["يوفكيورف"]
    assert words(matcher.expand("يفكـوروف"))[:1] == ["يوفكيورف"]
    assert matcher.expand("احمد") == []  # the same word after normalisation is not a variant


def test_arabic_token_excludes_itself_and_its_clitic_forms() -> None:
    matcher = NameMatcher({"حفتر": 5, "وحفتر": 2, "لحفتر": 1, "حفتار": 1})
    results = matcher.expand("حفتر")
    assert words(results) == ["حفتار"]
    assert words(matcher.expand("وحفتر")) == ["حفتار"]


# ---------------------------------------------------------------- proclitics and surface words


def test_proclitics_are_stripped_and_the_surface_word_is_kept() -> None:
    matcher = NameMatcher({"وحفتر": 2, "لحفتر": 1, "بنغازي": 3, "ببنغازي": 1, "والمسماري": 1})
    haftar = matcher.expand("Haftar")
    assert words(haftar) == ["وحفتر"]  # one result per stem: its most frequent surface word
    assert matcher.surface_forms("حفتر") == ["وحفتر", "لحفتر"]
    # a name beginning with a letter that is also a proclitic keeps its own reading
    assert words(matcher.expand("Benghazi"))[:1] == ["بنغازي"]
    assert words(matcher.expand("Mismari")) == ["والمسماري"]


def test_a_stripped_reading_needs_the_stem_to_exist_on_its_own() -> None:
    # فساد (corruption) must not read as ف + ساد for "Saad"; سعد itself must be found
    matcher = NameMatcher({"فساد": 50, "سعد": 3})
    assert words(matcher.expand("Saad")) == ["سعد"]
    assert "فساد" not in words(matcher.expand("Saad", min_score=0.0))
    matcher.add({"ساد": 1})  # now ف + ساد is a possible reading, grouped under the bare word
    assert "ساد" in words(matcher.expand("Saad"))
    assert matcher.surface_forms("ساد") == ["فساد", "ساد"]


def test_add_updates_the_matcher_and_its_cache() -> None:
    matcher = NameMatcher()
    assert len(matcher) == 0
    assert matcher.expand("Haftar") == []
    matcher.add(["حفتر", "حفتر", "Haftar"])
    assert matcher.df("حفتر") == 2
    assert "Haftar" in matcher
    assert words(matcher.expand("Haftar")) == ["حفتر"]  # Latin vocabulary words are never returned
    matcher.add({"حفتر": 3})
    assert matcher.df("حفتر") == 5


def test_add_rejects_bad_input_with_a_clear_message() -> None:
    matcher = NameMatcher()
    with pytest.raises(TypeError, match="got the str"):
        matcher.add("حفتر")
    with pytest.raises(TypeError, match="int frequencies"):
        matcher.add({"حفتر": "3"})  # type: ignore[dict-item]


# ---------------------------------------------------------------- false positives


@pytest.mark.parametrize("token", ["meet", "When", "The", "haftar", "Mr", "It", "IPCC", "XXXIII", "", "12"])
def test_non_names_expand_to_nothing(seed_matcher: NameMatcher, token: str) -> None:
    assert seed_matcher.expand(token) == []


def test_a_name_absent_from_the_vocabulary_matches_nothing(seed_matcher: NameMatcher) -> None:
    # Putin (بوتين) is not in the seed article; its nearest words (بأن, بيان) score far below 0.6
    assert seed_matcher.expand("Putin") == []
    nearest = seed_matcher.expand("Putin", min_score=0.0)
    assert nearest and max(score for _, score in nearest) < 0.5
    assert seed_matcher.expand("Zelensky") == []


def test_putin_is_found_when_it_is_there() -> None:
    matcher = NameMatcher({"بوتين": 4, "بيان": 9, "بأن": 20, "وبوتين": 1})
    assert words(matcher.expand("Putin")) == ["بوتين"]


def test_name_detection() -> None:
    assert is_name_like("Yevkurov")
    assert is_name_like("Al-Mismari")
    assert is_name_like("Haftar's")
    assert is_name_like("NATO")
    assert not is_name_like("meet")
    assert not is_name_like("When")
    assert not is_name_like("Al")
    assert not is_name_like("ABC")
    assert is_arabic_word("حفتر")
    assert not is_arabic_word("Haftar")
    assert name_tokens("When did Yevkurov meet Haftar?") == ["Yevkurov", "Haftar"]
    assert name_tokens("متى التقى يفكوروف حفتر في بنغازي؟") == ["التقى", "يفكوروف", "حفتر", "بنغازي"]


def test_expand_question(seed_matcher: NameMatcher) -> None:
    expanded = seed_matcher.expand_question("When did Yevkurov meet Haftar in Benghazi?")
    assert set(expanded) == {"Yevkurov", "Haftar", "Benghazi"}
    assert words(expanded["Haftar"])[:1] == ["حفتر"]
    assert "يوفكيورف" in words(expanded["Yevkurov"])
    arabic = seed_matcher.expand_question("متى التقى يفكوروف حفتر؟")
    assert words(arabic["يفكوروف"])[:1] == ["يوفكيورف"]


def test_accented_latin_and_acronyms() -> None:
    matcher = NameMatcher({"أردوغان": 3, "مولر": 1, "الناتو": 5, "اليونسكو": 2})
    assert words(matcher.expand("Erdoğan")) == ["أردوغان"]
    assert words(matcher.expand("Müller")) == ["مولر"]
    assert words(matcher.expand("NATO")) == ["الناتو"]
    assert words(matcher.expand("UNESCO")) == ["اليونسكو"]


def test_latin_article_prefixes() -> None:
    matcher = NameMatcher({"المسماري": 1, "النهضة": 7, "نهضة": 2, "ناهض": 1})
    assert words(matcher.expand("Al-Mismari")) == ["المسماري"]
    assert "نهضة" in words(matcher.expand("Ennahdha"))


# ---------------------------------------------------------------- a real news vocabulary


@pytest.fixture(scope="module")
def news_matcher() -> NameMatcher:
    if not NEWS.exists():
        pytest.skip(f"news corpus not found at {NEWS}")
    with gzip.open(NEWS, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in itertools.islice(handle, 2000)]
    return NameMatcher(document_frequencies(r.get("title", "") + "\n" + r["text"] for r in records))


def test_news_vocabulary_expansion_speed_and_haftar(news_matcher: NameMatcher) -> None:
    names = [
        "Haftar",
        "Putin",
        "Macron",
        "Netanyahu",
        "Erdogan",
        "Trump",
        "Gaza",
        "Sfax",
        "Bourguiba",
        "Wagner",
    ]
    timings = []
    results = {}
    for name in names:
        start = time.perf_counter()
        results[name] = news_matcher.expand(name)
        timings.append((time.perf_counter() - start) * 1000)
    print(
        f"\n{len(news_matcher)} words; expand(): mean {sum(timings) / len(timings):.1f} ms, "
        f"max {max(timings):.1f} ms over {len(names)} names"
    )
    for name in names:
        print(f"  {name}: {results[name][:3]}")
    if news_matcher.df("حفتر"):
        assert words(results["Haftar"])[:1] == ["حفتر"]
    expected = {
        "Putin": "بوتين",
        "Macron": "ماكرون",
        "Erdogan": "أردوغان",
        "Sfax": "صفاقس",
        "Wagner": "فاغنر",
    }
    for name, arabic in expected.items():
        if news_matcher.df(arabic):
            assert arabic in words(results[name]), f"{name} -> {results[name]}"
    # a name that the corpus does not contain gives nothing (or nothing close)
    assert all(score < 0.75 for _, score in news_matcher.expand("Yevkurov"))


# ---------------------------------------------------------------- XQuAD: English questions, Arabic articles

# Names that occur both in XQuAD's English questions and, transliterated, in its Arabic paragraphs.
XQUAD_NAMES = [
    ("Tesla", "تسلا"),
    ("Newton", "نيوتن"),
    ("Manning", "مانينغ"),
    ("Gandhi", "غاندي"),
    ("Edinburgh", "أدنبره"),
    ("Jacksonville", "جاكسونفيل"),
    ("Westminster", "وستمنستر"),
    ("Charles", "تشارلز"),
    ("Fresno", "فريسنو"),
    ("Brookhaven", "بروكهيفن"),
    ("Broncos", "البرونكوس"),
    ("Denver", "دنفر"),
    ("Panthers", "بانثرز"),
    ("Genghis", "جنكيز"),
    ("Warsaw", "وارسو"),
    ("Luther", "لوثر"),
    ("Amazon", "أمازون"),
    ("Harvard", "هارفارد"),
    ("Rhine", "الراين"),
    ("Chicago", "شيكاغو"),
]


def test_xquad_english_names_find_their_arabic_transliteration() -> None:
    articles, questions = XQUAD / "articles.jsonl", XQUAD / "questions_en.jsonl"
    if not articles.exists() or not questions.exists():
        pytest.skip(f"XQuAD files not found under {XQUAD}")
    texts = [json.loads(line)["text"] for line in articles.read_text(encoding="utf-8").splitlines() if line]
    english = " ".join(
        json.loads(line)["question"] for line in questions.read_text(encoding="utf-8").splitlines() if line
    )
    arabic = " ".join(texts)
    matcher = NameMatcher(document_frequencies(texts))
    top1 = top5 = 0
    misses = []
    for name, expected in XQUAD_NAMES:
        assert re.search(rf"\b{name}\b", english) and expected in arabic, f"bad test pair {name} / {expected}"
        found = words(matcher.expand(name))
        same_stem = {w for word in found for w in matcher.surface_forms(word)}
        top1 += bool(found) and expected in matcher.surface_forms(found[0])
        if expected in same_stem:
            top5 += 1
        else:
            misses.append((name, expected, found))
    print(
        f"\nXQuAD names: recall@1 {top1}/{len(XQUAD_NAMES)}, recall@5 {top5}/{len(XQUAD_NAMES)}; misses {misses}"
    )
    assert top5 >= 18, misses
    assert top1 >= 15
