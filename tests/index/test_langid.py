"""detect_language: script heuristic for Arabic, seeded langdetect for the rest, 'und' otherwise."""

from __future__ import annotations

import pytest

from index.text.langid import SAMPLE_CHARS, detect_language
from tests.conftest import SHARED

SEED_TXT = SHARED / "data" / "seed" / "haftar_russia_visit.txt"

ENGLISH = (
    "The minister met the delegation on Tuesday in the capital. They discussed trade, energy "
    "and security during three hours of talks, and agreed to meet again next month."
)
FRENCH = (
    "Le ministre a rencontré la délégation mardi dans la capitale. Ils ont discuté du commerce, "
    "de l'énergie et de la sécurité pendant trois heures."
)
PERSIAN = "وزیر امور خارجه روز سه‌شنبه با هیئت خارجی در پایتخت دیدار کرد و درباره همکاری‌های اقتصادی گفتگو کرد."


def test_arabic_seed() -> None:
    assert detect_language(SEED_TXT.read_text(encoding="utf-8")) == "ar"


def test_arabic_with_english_names_is_arabic() -> None:
    assert detect_language("قال الرئيس Joe Biden إن الولايات المتحدة ستواصل دعم أوكرانيا") == "ar"


@pytest.mark.parametrize(("text", "lang"), [(ENGLISH, "en"), (FRENCH, "fr"), (PERSIAN, "fa")])
def test_languages(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", ["", "   ", "12345 678", "!!", "ab", "\u200b\u200b"])
def test_undetermined(text: str) -> None:
    assert detect_language(text) == "und"


def test_deterministic() -> None:
    mixed = "Hello, bonjour, hola. Short text here."
    first = detect_language(mixed)
    assert all(detect_language(mixed) == first for _ in range(5))


def test_only_the_first_chars_are_looked_at() -> None:
    arabic = ("كلمة عربية " * SAMPLE_CHARS)[:SAMPLE_CHARS]
    assert detect_language(arabic + ENGLISH * 200) == "ar"
    assert detect_language((ENGLISH * 20)[:SAMPLE_CHARS] + arabic * 10) == "en"
