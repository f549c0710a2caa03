"""Dates as sources give them: a day, a month, a year, or roughly one of those."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from tocsin.core.errors import ValidationFailed


class Precision(StrEnum):
    """How precise a stated date was. Approximate dates keep their granularity, so that
    "~2019-03" reads back as "~2019-03" and not as a day or a year."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    APPROXIMATE = "approximate"  # roughly this day
    APPROX_MONTH = "approx_month"
    APPROX_YEAR = "approx_year"

    @property
    def approximate(self) -> bool:
        return self in _APPROXIMATE

    @property
    def granularity(self) -> Precision:
        """DAY, MONTH or YEAR, whether approximate or not."""
        return _GRANULARITY.get(self, self)


_APPROXIMATE = {Precision.APPROXIMATE, Precision.APPROX_MONTH, Precision.APPROX_YEAR}
_GRANULARITY = {
    Precision.APPROXIMATE: Precision.DAY,
    Precision.APPROX_MONTH: Precision.MONTH,
    Precision.APPROX_YEAR: Precision.YEAR,
}
_ROUGHLY = {v: k for k, v in _GRANULARITY.items()}


_DATE_RE = re.compile(r"^(~)?(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class FuzzyDate:
    """The first and last day a stated date can mean, and how precise it was."""

    first: date
    last: date
    precision: Precision


def parse_fuzzy(value: str, field: str) -> FuzzyDate:
    m = _DATE_RE.match(value.strip()) if isinstance(value, str) else None
    if not m:
        raise ValidationFailed.on(
            field,
            f"{value!r} is not a date; use YYYY-MM-DD, YYYY-MM or YYYY, with ~ if approximate",
        )
    approx, y, mo, d = m.groups()
    year = int(y)
    try:
        if d is not None:
            first = last = date(year, int(mo), int(d))
            precision = Precision.DAY
        elif mo is not None:
            month = int(mo)
            first = date(year, month, 1)
            last = date(year, month, calendar.monthrange(year, month)[1])
            precision = Precision.MONTH
        else:
            first, last = date(year, 1, 1), date(year, 12, 31)
            precision = Precision.YEAR
    except ValueError as exc:
        raise ValidationFailed.on(field, f"{value!r} is not a real date ({exc})") from None
    if year < 1900 or year > 2100:
        raise ValidationFailed.on(field, f"year {year} is out of range 1900-2100")
    return FuzzyDate(first, last, _ROUGHLY[precision] if approx else precision)


@dataclass(frozen=True)
class Span:
    start: date
    start_precision: Precision
    end: date
    end_precision: Precision


@lru_cache(maxsize=8192)
def parse_span(start: str, end: str | None, prefix: str = "") -> Span:
    """Parse a start and optional end: from the first day start can mean to the last of end."""
    s = parse_fuzzy(start, f"{prefix}start")
    e = parse_fuzzy(end, f"{prefix}end") if end else s
    if e.last < s.first:
        raise ValidationFailed.on(f"{prefix}end", "is before the start")
    return Span(s.first, s.precision, e.last, e.precision)
