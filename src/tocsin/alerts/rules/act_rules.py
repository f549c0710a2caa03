"""The two rules over documented acts: a threshold, and a spike against the area's own baseline.

Both read one grouped count per period (``act_counts``) and add up days into windows here. The
spike test is the one the event-data spikes use (``risk.events.baseline.trend``): the window's
count x against the mean of the N windows before it, floored at one per N windows so an area
with no history needs several acts to stand out. It fires when x >= ``min_count``, x is at least
``factor`` times that rate, and P(X >= x) <= ``max_p`` for X ~ Poisson(rate).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from tocsin.alerts.rules.act_counts import ActScope, Area, act_type_parents, counts_by_day
from tocsin.alerts.rules.act_counts import events_behind as _events_behind
from tocsin.alerts.rules.act_counts import scope_of as _scope_of
from tocsin.alerts.rules.params import ActFilters, ActSpike, ActThreshold
from tocsin.alerts.rules.spec import Hit, Reading, RuleSpec, area_key
from tocsin.alerts.rules.windows import Span, index_of, span_at, spans_between, window_of
from tocsin.risk.events.baseline import trend


def scope(reading: Reading, params: ActFilters, measure: str = "acts") -> ActScope:
    if "act_parents" not in reading.memo:
        reading.memo["act_parents"] = act_type_parents(reading.session)
    return _scope_of(reading.session, params, reading.ceiling, measure,
                     reading.memo["act_parents"])  # fmt: skip


def _by_window(by_day: dict[date, int], days: int) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for day, n in by_day.items():
        out[index_of(day, days)] += n
    return out


def key_of(area: Area, span: Span) -> str:
    return f"{area_key(*area)}:{span.start.isoformat()}+{span.days}d"


def run_spans(params: ActFilters, today: date) -> list[Span]:
    """The window now running and the one before it: reports of last week's acts keep coming
    in this week, and a firing's key stops the same window from firing twice."""
    now = window_of(today, params.window_days)
    return [span_at(index_of(now.start, params.window_days) - 1, params.window_days), now]


def dry_spans(params: ActFilters, start: date, end: date) -> list[Span]:
    return spans_between(start, end, params.window_days)


def threshold_hits(reading: Reading, spec: RuleSpec, spans: list[Span]) -> list[Hit]:
    p = spec.params
    assert isinstance(p, ActThreshold)
    days = p.window_days
    counted = counts_by_day(reading.session, scope(reading, p, p.measure), spans[0].start,
                            spans[-1].end)  # fmt: skip
    wanted = [index_of(s.start, days) for s in spans]
    hits = []
    for area in sorted(counted, key=_order):
        if area[0] is None:
            continue  # no country recorded: no place to warn about
        windows = _by_window(counted[area], days)
        for i in wanted:
            n = windows.get(i, 0)
            if n >= p.threshold:
                span = span_at(i, days)
                hits.append(Hit(key_of(area, span), area[0], area[1], span, n, p.measure,
                                threshold=p.threshold))  # fmt: skip
    return hits


def spike_hits(reading: Reading, spec: RuleSpec, spans: list[Span]) -> list[Hit]:
    p = spec.params
    assert isinstance(p, ActSpike)
    days, n_base = p.window_days, p.baseline_windows
    first = spans[0].start - timedelta(days=days * n_base)
    counted = counts_by_day(reading.session, scope(reading, p), first, spans[-1].end)
    wanted = [index_of(s.start, days) for s in spans]
    hits = []
    for area in sorted(counted, key=_order):
        if area[0] is None:
            continue
        windows = _by_window(counted[area], days)
        for i in wanted:
            n = windows.get(i, 0)
            if n < p.min_count:
                continue
            t = trend(n, [windows.get(i - k, 0) for k in range(n_base, 0, -1)])
            if t.ratio >= p.factor and t.p_value <= p.max_p:
                span = span_at(i, days)
                hits.append(Hit(
                    key_of(area, span), area[0], area[1], span, n, "acts",
                    baseline_mean=t.baseline_mean, baseline_windows=n_base, expected=t.expected,
                    ratio=t.ratio, p_value=t.p_value,
                ))  # fmt: skip
    return hits


def events_of(reading: Reading, spec: RuleSpec, hit: Hit) -> tuple[list[str], int]:
    p = spec.params
    assert isinstance(p, ActFilters)
    measure = p.measure if isinstance(p, ActThreshold) else "acts"
    return _events_behind(reading.session, scope(reading, p, measure),
                          (hit.country, hit.admin_area), hit.span.start, hit.span.end)  # fmt: skip


def _order(area: Area) -> tuple[str, str]:
    return (area[0] or "", area[1] or "")
