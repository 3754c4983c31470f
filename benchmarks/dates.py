"""Measure the hand-written date rules against dateparser on the date tests' cases and the seed.

Two jobs, the same cases for both systems (``tests/date_cases.py``, shared with the tests):

(a) publication dates: ``index.dates.parse_published`` against ``dateparser.parse`` (languages
    ar, en, fr; absolute parsers only, day, month and year required, day first). A case is right
    when the value parses to the expected day (and time, and UTC offset when dateparser returns
    one), or, for a value that is not a publication date ("yesterday", "September 2023",
    "31/02/2023"), when it is rejected.
(b) dates inside text: ``assistant.dates.find_dates`` against ``dateparser.search.search_dates``
    (languages ar, en; RELATIVE_BASE = the publication date; past dates preferred; day first). A
    case is right when exactly the one expected date is found (no date at all for the non-dates);
    "span" also asks for the expected words; "in period" only asks that the one date found lie in
    the expected day/week/month/year (the rules put "in 2017" on 1 January, dateparser on the
    anchor's day and month: 26 September 2017; both are in the period). The seed article counts each of its dates, and every
    other date found in it is a false one.

Sockets are disabled before dateparser is imported, so a run also shows that it needs no network.

    PYTHONPATH=. .venv/bin/python benchmarks/dates.py [--write benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import socket
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import offline_environment  # noqa: E402

offline_environment()

from assistant.dates import find_dates  # noqa: E402
from assistant.dates.calendar import period_of  # noqa: E402
from index.dates import parse_published  # noqa: E402
from tests.conftest import SEED_JSONL  # noqa: E402
from tests.date_cases import (  # noqa: E402
    ARABIC,
    ARABIC_NOT_DATES,
    BOUNDARIES,
    ENGLISH,
    ENGLISH_NOT_DATES,
    NOT_PUBLISHED,
    PUBLISHED,
    SEED_ARTICLE_DATES,
    SEED_PUB,
    SEED_SENTENCES,
)

SECTION = "dates"
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
PUBLISHED_LANGUAGES = ["ar", "en", "fr"]
TEXT_LANGUAGES = ["ar", "en"]


def _no_network(*args: object, **kwargs: object) -> None:
    raise RuntimeError("dateparser tried to use the network")


@dataclass
class Tally:
    """Right answers and time spent for one system on one group of cases."""

    cases: int = 0
    correct: int = 0
    span: int = 0
    in_period: int = 0
    seconds: float = 0.0
    false_dates: int = 0
    misses: list[str] = field(default_factory=list)

    def add(
        self, right: bool, span_right: bool, seconds: float, label: str, in_period: bool | None = None
    ) -> None:
        self.cases += 1
        self.correct += right
        self.span += span_right
        self.in_period += right if in_period is None else in_period
        self.seconds += seconds
        if not right:
            self.misses.append(label)


def _language_of(value: object) -> str:
    return "ar" if ARABIC_SCRIPT.search(str(value)) else "en"


def _timed(call: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    try:
        result = call()
    except ValueError as exc:
        result = exc
    return result, time.perf_counter() - start


# --- (a) publication dates ----------------------------------------------------------------------


def _published_right(expected: str | None, got: object) -> bool:
    """``got`` is an ISO string (the rules), a datetime (dateparser), None or an exception."""
    if expected is None:
        return got is None or isinstance(got, Exception)
    if got is None or isinstance(got, Exception):
        return False
    if isinstance(got, str):
        return got == expected
    assert isinstance(got, dt.datetime)
    if len(expected) == 10:
        return got.date().isoformat() == expected
    want = dt.datetime.fromisoformat(expected)
    same_clock = got.replace(tzinfo=None, microsecond=0) == want.replace(tzinfo=None)
    if got.tzinfo is None or want.tzinfo is None:
        return same_clock
    return same_clock and got.utcoffset() == want.utcoffset()


def run_published(dateparser_parse: Callable[[str], dt.datetime | None]) -> dict[tuple[str, str], Tally]:
    cases: list[tuple[object, str | None]] = [*PUBLISHED, *((value, None) for value in NOT_PUBLISHED)]
    tallies: dict[tuple[str, str], Tally] = {}
    for value, expected in cases:
        language = "ar" if _language_of(value) == "ar" else "en, fr, numeric"
        for system, call in (
            ("rules", lambda v=value: parse_published(v)),
            ("dateparser", lambda v=value: dateparser_parse(str(v)) if v is not None else None),
        ):
            got, seconds = _timed(call)
            right = _published_right(expected, got)
            for key in ((system, language), (system, "all")):
                tallies.setdefault(key, Tally()).add(right, right, seconds, repr(value))
    return tallies


# --- (b) dates inside text ------------------------------------------------------------------------


@dataclass(frozen=True)
class TextCase:
    text: str
    published: dt.date
    expected_text: str | None  # None: no date; "" when only the date is known
    expected_date: dt.date | None
    granularity: str | None
    language: str


def text_cases() -> list[TextCase]:
    cases = []
    for group, language in ((SEED_SENTENCES, "ar"), (ARABIC, "ar"), (ENGLISH, "en")):
        for text, expected, date, granularity, _approximate in group:
            cases.append(TextCase(text, SEED_PUB, expected, date, granularity, language))
    for text, date, granularity, pub in BOUNDARIES:
        cases.append(TextCase(text, pub, "", date, granularity, _language_of(text)))
    for group, language in ((ARABIC_NOT_DATES, "ar"), (ENGLISH_NOT_DATES, "en")):
        cases.extend(TextCase(text, SEED_PUB, None, None, None, language) for text in group)
    return cases


FoundDates = list[tuple[str, dt.date]]


def rules_search(text: str, published: dt.date) -> FoundDates:
    return [(m.text, m.date) for m in find_dates(text, published)]


def _text_right(case: TextCase, found: FoundDates) -> tuple[bool, bool, bool]:
    """Right date, right date and words, one date inside the expected period."""
    if case.expected_date is None:
        return not found, not found, not found
    if len(found) != 1:
        return False, False, False
    first, last = period_of(case.expected_date, case.granularity or "day")
    in_period = first <= found[0][1] <= last
    if found[0][1] != case.expected_date:
        return False, False, in_period
    return True, not case.expected_text or found[0][0].strip() == case.expected_text, in_period


def _seed_article_tally(search: Callable[[str, dt.date], FoundDates], tally: Tally) -> None:
    article = json.loads(SEED_JSONL.read_text(encoding="utf-8").splitlines()[0])
    published = dt.date.fromisoformat(article["published"][:10])
    found, seconds = _timed(lambda: search(article["text"], published))
    assert isinstance(found, list)
    unmatched = list(found)
    for text, date, granularity, _approximate in SEED_ARTICLE_DATES:
        first, last = period_of(date, granularity)
        hit = next(
            (f for f in unmatched if first <= f[1] <= last and (f[0].strip() in text or text in f[0])),
            None,
        )
        if hit is not None:
            unmatched.remove(hit)
        right = hit is not None and hit[1] == date
        span_right = right and hit[0].strip() == text
        tally.add(right, span_right, seconds / len(SEED_ARTICLE_DATES), repr(text), hit is not None)
    tally.false_dates += len(unmatched)


def run_text(dateparser_search: Callable[[str, dt.date], FoundDates]) -> dict[tuple[str, str], Tally]:
    tallies: dict[tuple[str, str], Tally] = {}
    for case in text_cases():
        for system, search in (("rules", rules_search), ("dateparser", dateparser_search)):
            found, seconds = _timed(lambda s=search, c=case: s(c.text, c.published))
            assert isinstance(found, list), found
            right, span_right, in_period = _text_right(case, found)
            for key in ((system, case.language), (system, "all")):
                tallies.setdefault(key, Tally()).add(right, span_right, seconds, repr(case.text), in_period)
    if SEED_JSONL.exists():
        for system, search in (("rules", rules_search), ("dateparser", dateparser_search)):
            _seed_article_tally(search, tallies.setdefault((system, "seed article"), Tally()))
    return tallies


# --- dateparser adapters and the table ----------------------------------------------------------


def dateparser_adapters() -> tuple[Callable[[str], dt.datetime | None], Callable[[str, dt.date], FoundDates]]:
    socket.socket = _no_network  # type: ignore[assignment,misc]
    socket.create_connection = _no_network  # type: ignore[assignment]
    import dateparser
    from dateparser.search import search_dates

    published_settings = {
        "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
        "REQUIRE_PARTS": ["day", "month", "year"],
        "DATE_ORDER": "DMY",
    }

    def parse(value: str) -> dt.datetime | None:
        return dateparser.parse(value, languages=PUBLISHED_LANGUAGES, settings=published_settings)

    def search(text: str, published: dt.date) -> FoundDates:
        settings = {
            "RELATIVE_BASE": dt.datetime.combine(published, dt.time()),
            "PREFER_DATES_FROM": "past",
            "DATE_ORDER": "DMY",
        }
        found = search_dates(text, languages=TEXT_LANGUAGES, settings=settings) or []
        return [(words, moment.date()) for words, moment in found]

    parse("26 September 2023")  # load the language data before timing
    search("قبل يومين", SEED_PUB)
    return parse, search


def format_table(job: str, tallies: dict[tuple[str, str], Tally], span: bool) -> str:
    groups = sorted({group for _, group in tallies}, key=lambda g: (g == "all", g == "seed article", g))
    head = (
        "| job | cases | system | correct | accuracy |"
        + (" span right | in period |" if span else "")
        + " ms/case |"
    )
    rule = "|---|---|---|---|---|" + ("---|---|" if span else "") + "---|"
    lines = [head, rule]
    for group in groups:
        for system in ("rules", "dateparser"):
            tally = tallies.get((system, group))
            if tally is None:
                continue
            cells = [
                f"{job} · {group}",
                str(tally.cases),
                system,
                str(tally.correct),
                f"{tally.correct / tally.cases:.2f}",
            ]
            if span:
                cells += [str(tally.span), str(tally.in_period)]
            cells.append(f"{1000 * tally.seconds / tally.cases:.2f}")
            if tally.false_dates:
                cells[3] += f" (+{tally.false_dates} false)"
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _examples(tallies: dict[tuple[str, str], Tally], count: int = 6) -> str:
    lines = []
    for system in ("rules", "dateparser"):
        misses = tallies[(system, "all")].misses
        shown = ", ".join(misses[:count]) + (" ..." if len(misses) > count else "")
        lines.append(f"- {system} misses ({len(misses)}): {shown or 'none'}")
    return "\n".join(lines)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="replace the 'dates' section of this RESULTS.md")
    args = parser.parse_args(list(argv) if argv is not None else None)
    import dateparser as dateparser_package

    parse, search = dateparser_adapters()
    published = run_published(parse)
    text = run_text(search)
    table_a = format_table("(a) published date", published, span=False)
    table_b = format_table("(b) dates in text", text, span=True)
    report = f"{table_a}\n\n{_examples(published)}\n\n{table_b}\n\n{_examples(text)}"
    print(report)
    if args.write:
        from benchmarks.results_file import replace_section

        replace_section(
            args.write,
            SECTION,
            "## Dates: the hand-written rules against dateparser (`benchmarks/dates.py`)\n\n"
            f"dateparser {dateparser_package.__version__} against the project's rules on the cases of the\n"
            "date tests (`tests/date_cases.py`) and the seed article; what counts as right: the\n"
            f"script's docstring. Run {time.strftime('%Y-%m-%d')} (shared machine, no network). Command:\n"
            "`PYTHONPATH=. .venv/bin/python benchmarks/dates.py --write benchmarks/RESULTS.md`\n\n"
            f"{report}\n",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
