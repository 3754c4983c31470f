"""parse_published: ISO 8601, RFC 2822, Arabic/English/French written dates, timestamps, errors."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.dates import parse_published
from tests.date_cases import NOT_PUBLISHED, PUBLISHED


@pytest.mark.parametrize(("value", "expected"), PUBLISHED)
def test_parses(value: object, expected: str) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize("value", NOT_PUBLISHED)
def test_rejects(value: object) -> None:
    with pytest.raises(ValueError, match="expected an ISO 8601"):
        parse_published(value)


def test_error_names_the_value() -> None:
    with pytest.raises(
        ValueError, match=r"'31/02/2023'.*day is out of range|day is out of range.*'31/02/2023'"
    ):
        parse_published("31/02/2023")
    with pytest.raises(ValueError, match="'yesterday'"):
        parse_published("yesterday")


def test_error_message_is_bounded_for_huge_values() -> None:
    with pytest.raises(ValueError) as info:
        parse_published("x" * 1_000_000)
    assert len(str(info.value)) < 500


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_round_trips_iso_and_numeric_forms(day: dt.date) -> None:
    iso = day.isoformat()
    assert parse_published(iso) == iso
    assert parse_published(f"{day.day:02d}/{day.month:02d}/{day.year:04d}") == iso
    assert parse_published(f"{day.year:04d}/{day.month}/{day.day}") == iso


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        min_value=dt.datetime(1000, 1, 1),
        timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=3))]),
    )
)
def test_round_trips_datetimes(moment: dt.datetime) -> None:
    expected = moment.replace(microsecond=0).isoformat()
    assert parse_published(moment.isoformat()) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_never_raises_anything_but_value_error(text: str) -> None:
    try:
        result = parse_published(text)
    except ValueError:
        return
    assert dt.date.fromisoformat(result[:10])
