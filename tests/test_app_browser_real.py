"""The UI with the real model on the real seed article, in a real Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.test_app_browser import ARTIFACTS, YEVKUROV_AR, YEVKUROV_EN, ask, running_app, shot

pytestmark = [pytest.mark.browser, pytest.mark.model]

GOLD = "والتقى يوفكيورف حفتر في بنغازي في 17 سبتمبر الجاري"


@pytest.fixture(scope="module")
def real_index(tmp_path_factory, real_embedder, seed_path):
    from assistant import Assistant

    d = tmp_path_factory.mktemp("ui-real") / "idx"
    with Assistant.open(d, embedder=real_embedder) as bot:
        assert bot.add([str(seed_path)]).added == 1
    return d


@pytest.fixture(scope="module")
def app_url(real_index) -> Iterator[str]:  # overrides the fake app of test_app_browser's `page`
    with running_app(["--index-dir", str(real_index)], ARTIFACTS / "app-real.log") as url:
        yield url


from tests.test_app_browser import browser_context, page  # noqa: E402,F401  (fixtures reused with this app_url)


def test_real_answer_cites_and_highlights_the_arabic_sentence(page) -> None:  # noqa: F811
    answer = ask(page, YEVKUROV_EN)
    assert "17 September 2023" in answer.inner_text()
    answer.locator("a.na-cite").first.click()
    card = page.locator("#na-sources-box .na-card.na-hl")
    card.wait_for(timeout=10_000)
    mark = card.locator("mark")
    assert GOLD in mark.inner_text()
    assert card.evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.wait_for_timeout(600)
    shot(page, "real-01-headline-answer")


def test_real_arabic_question_is_rtl(page) -> None:  # noqa: F811
    answer = ask(page, YEVKUROV_AR)
    assert "17 سبتمبر 2023" in answer.inner_text()
    bubble = answer.locator("[dir=auto]").first
    assert bubble.evaluate("e => getComputedStyle(e).direction") == "rtl"
    shot(page, "real-02-arabic")
