"""Windows of time a rule counts in. A rule's windows are fixed blocks of ``days`` days counted
from a Monday long ago, so a window is the same whenever the rule runs: 7-day windows are ISO
weeks (Monday to Sunday), 1-day windows are days. That is what makes a firing's key stable: the
rule run every minute, or replayed a year later, names the same window the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tocsin.risk.events.baseline import shift as calendar_shift
from tocsin.risk.events.baseline import window_start
from tocsin.risk.events.models import Window

EPOCH = date(1970, 1, 5)  # a Monday


@dataclass(frozen=True, order=True)
class Span:
    """Days ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def index_of(day: date, days: int) -> int:
    return (day - EPOCH).days // days


def span_at(index: int, days: int) -> Span:
    start = EPOCH + timedelta(days=index * days)
    return Span(start, start + timedelta(days=days - 1))


def window_of(day: date, days: int) -> Span:
    return span_at(index_of(day, days), days)


def spans_between(first: date, last: date, days: int) -> list[Span]:
    """Every window that holds a day from ``first`` to ``last``, oldest first."""
    return [span_at(i, days) for i in range(index_of(first, days), index_of(last, days) + 1)]


def calendar_span(start: date, window: Window) -> Span:
    """A calendar week or month, as the event-data indicators count them."""
    return Span(start, calendar_shift(start, window, 1) - timedelta(days=1))


def calendar_spans(first: date, last: date, window: Window) -> list[Span]:
    out, current = [], window_start(first, window)
    while current <= last:
        out.append(calendar_span(current, window))
        current = calendar_shift(current, window, 1)
    return out
