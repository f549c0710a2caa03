"""The baseline rule: windows of time, and the latest window against the ones before it.

For an area, x is the number of events of violence against civilians in the latest window and
the baseline mean is the mean count over the N windows before it, empty windows included. The
rate tested is that mean, floored at one event per N windows, so that an area with no history
needs several events, not one, to stand out; p is P(X >= x) for X ~ Poisson(rate).
docs/risk-events.md, "Baseline and spikes".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from tocsin.risk.events.models import Trend, Window


def window_start(day: date, window: Window) -> date:
    if window is Window.MONTH:
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())


def shift(start: date, window: Window, n: int) -> date:
    """The window ``n`` windows after (or before, n < 0) the one starting on ``start``."""
    if window is Window.WEEK:
        return start + timedelta(weeks=n)
    months = start.year * 12 + start.month - 1 + n
    return date(months // 12, months % 12 + 1, 1)


def windows_between(first: date, last: date, window: Window) -> list[date]:
    out, current = [], window_start(first, window)
    while current <= last:
        out.append(current)
        current = shift(current, window, 1)
    return out


def _log_pmf(k: int, rate: float) -> float:
    return -rate + k * math.log(rate) - math.lgamma(k + 1)


def poisson_tail(x: int, rate: float) -> float:
    """P(X >= x) for X ~ Poisson(rate). Above the mean the tail is summed upwards, so a tiny
    probability keeps its precision instead of vanishing in 1 - (almost 1)."""
    if x <= 0:
        return 1.0
    if rate <= 0:
        return 0.0
    if x > rate:
        term = total = math.exp(_log_pmf(x, rate))
        k = x
        while term > total * 1e-17:
            k += 1
            term *= rate / k
            total += term
        return min(total, 1.0)
    below = sum(math.exp(_log_pmf(k, rate)) for k in range(x))
    return max(0.0, 1.0 - below)


def trend(latest: int, baseline: Sequence[int]) -> Trend:
    n = len(baseline)
    mean = sum(baseline) / n if n else 0.0
    expected = max(mean, 1.0 / n if n else 1.0)
    return Trend(
        baseline_windows=n,
        baseline_mean=mean,
        expected=expected,
        ratio=latest / expected,
        z=(latest - expected) / math.sqrt(expected),
        p_value=poisson_tail(latest, expected),
    )
