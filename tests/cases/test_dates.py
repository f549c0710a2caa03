"""Fuzzy dates: every stated date round-trips, and nothing else gets in (property tests)."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tocsin.cases.dates import Precision, parse_fuzzy, parse_span
from tocsin.cases.views import date_text
from tocsin.core.errors import ValidationFailed

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(days)
def test_a_day_is_itself(d: date) -> None:
    parsed = parse_fuzzy(d.isoformat(), "start")
    assert (parsed.first, parsed.last, parsed.precision) == (d, d, Precision.DAY)
    assert date_text(parsed.first, parsed.precision) == d.isoformat()


@given(days)
def test_a_month_spans_all_its_days(d: date) -> None:
    text = f"{d.year:04d}-{d.month:02d}"
    parsed = parse_fuzzy(text, "start")
    last_day = calendar.monthrange(d.year, d.month)[1]
    assert parsed.first == date(d.year, d.month, 1)
    assert parsed.last == date(d.year, d.month, last_day)
    assert date_text(parsed.first, parsed.precision) == text
    assert date_text(parsed.last, parsed.precision) == text


@given(days)
def test_approximate_dates_keep_their_granularity(d: date) -> None:
    for text in (f"~{d.year:04d}", f"~{d.year:04d}-{d.month:02d}"):
        span = parse_span(text, None)
        assert span.start_precision.approximate and span.end_precision.approximate
        assert date_text(span.start, span.start_precision) == text
        assert date_text(span.end, span.end_precision) == text


@given(st.text(max_size=12))
def test_anything_else_is_refused_naming_the_field(text: str) -> None:
    try:
        parsed = parse_fuzzy(text, "start")
    except ValidationFailed as exc:
        assert exc.errors[0].field == "start"
    else:  # only the three shapes, optionally approximate, get through
        assert text.strip().lstrip("~")[:4].isdigit()
        assert parsed.first <= parsed.last


@pytest.mark.parametrize("text", ["2019-02-30", "2019-13", "1899", "2101-01-01", "19-03", ""])
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(ValidationFailed):
        parse_fuzzy(text, "start")


def test_an_end_before_the_start_is_refused_on_the_end() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_span("2020-05", "2020-04-30")
    assert exc.value.errors[0].field == "end"
