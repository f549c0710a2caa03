"""Dynamic indicators by area: violence against civilians per window, by perpetrator type, and
the latest window against the area's own baseline (the rule is in baseline.py). A spike is an
area whose latest count is at least ``min_events``, at least ``min_ratio`` times its baseline
rate, and improbable under a Poisson count at that rate (P(X >= x) at most ``max_p``).

Every function counts only rows at or below ``max_tlp`` (the reader's clearance).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tocsin.core.errors import ValidationFailed
from tocsin.core.tlp import TLP
from tocsin.risk.events.baseline import shift, trend, window_start, windows_between
from tocsin.risk.events.countries import normalise_country
from tocsin.risk.events.models import (
    Area,
    AreaIndicator,
    AreaSeries,
    Breakdown,
    Level,
    Perpetrator,
    SeriesPoint,
    Tally,
    Window,
)
from tocsin.risk.events.store import connect

BASELINE_WINDOWS = 12
SERIES_WINDOWS = 24

# (area, window start) -> perpetrator -> [events, fatalities]
_Cells = dict[tuple[Area, date], dict[Perpetrator, list[int]]]


@dataclass(frozen=True)
class Scope:
    """Which rows a question may count: the reader's clearance and an optional place."""

    max_tlp: TLP = TLP.CLEAR
    datasets: Sequence[str] | None = None  # None: every dataset (ACLED and UCDP overlap!)
    country: str | None = None  # ISO alpha-2 or alpha-3
    admin1: str | None = None

    def where(self, params: dict[str, Any]) -> str:
        params["tlp"] = int(TLP.parse(self.max_tlp, "max_tlp"))
        clauses = ["tlp <= $tlp"]
        if self.datasets is not None:
            params["datasets"] = list(self.datasets)
            clauses.append("list_contains($datasets::VARCHAR[], dataset)")
        if self.country:
            params["country"] = normalise_country(self.country)
            clauses.append("country = $country")
        if self.admin1:
            params["admin1"] = self.admin1
            clauses.append("admin1 = $admin1")
        return " AND ".join(clauses)


def latest_date(db_path: Path, scope: Scope = Scope()) -> date | None:
    """The last day with any event the reader may see: the default end of every question."""
    params: dict[str, Any] = {}
    where = scope.where(params)
    with connect(db_path, read_only=True) as con:
        sql = f"SELECT max(event_date) FROM events WHERE {where}"  # noqa: S608 - values are params
        row = con.execute(sql, params).fetchone()
    return row[0] if row else None


def _cells(db_path: Path, level: Level, window: Window, first: date, last: date,
           scope: Scope) -> _Cells:
    params: dict[str, Any] = {"first": first, "last": last}
    where = scope.where(params)
    cols = ", ".join(level.columns)
    sql = (
        f"SELECT {cols}, date_trunc('{window.value}', event_date)::DATE AS w, perpetrator,"  # noqa: S608 - values are params
        f" sum(event_count)::BIGINT, sum(fatalities)::BIGINT FROM events"
        f" WHERE against_civilians AND event_date BETWEEN $first AND $last AND {where}"
        f" GROUP BY ALL"
    )
    with connect(db_path, read_only=True) as con:
        rows = con.execute(sql, params).fetchall()
    cells: _Cells = defaultdict(lambda: {p: [0, 0] for p in Perpetrator})
    width = len(level.columns)
    for row in rows:
        area = Area(level, *row[:width])
        counts = cells[(area, row[width])][Perpetrator(row[width + 1])]
        counts[0] += int(row[width + 2])
        counts[1] += int(row[width + 3])
    return cells


def _breakdown(parts: list[dict[Perpetrator, list[int]]]) -> Breakdown:
    by = {p: Tally(sum(c[p][0] for c in parts), sum(c[p][1] for c in parts)) for p in Perpetrator}
    total = Tally(sum(t.events for t in by.values()), sum(t.fatalities for t in by.values()))
    return Breakdown(total, by)


def _check(baseline_windows: int) -> None:
    if not 1 <= baseline_windows <= 520:
        raise ValidationFailed.on("baseline_windows", "must be between 1 and 520")


def indicators(
    db_path: Path,
    *,
    level: Level = Level.ADMIN1,
    window: Window = Window.MONTH,
    start: date | None = None,
    end: date | None = None,
    scope: Scope = Scope(),
    baseline_windows: int = BASELINE_WINDOWS,
) -> list[AreaIndicator]:
    """Each area with violence against civilians in the period, busiest latest window first.

    ``end`` (default: the last visible event) falls in the latest window; the baseline is the
    ``baseline_windows`` windows before it; the period runs from the window holding ``start``
    (default: the first baseline window) to ``end``. Periods are whole windows.
    """
    _check(baseline_windows)
    end = end or latest_date(db_path, scope)
    if end is None:
        return []
    latest_start = window_start(end, window)
    base_first = shift(latest_start, window, -baseline_windows)
    period_first = window_start(start, window) if start else base_first
    if period_first > latest_start:
        raise ValidationFailed.on("start", "must not be after the end of the period")
    cells = _cells(db_path, level, window, min(period_first, base_first), end, scope)
    base_windows = windows_between(base_first, shift(latest_start, window, -1), window)
    period_windows = windows_between(period_first, latest_start, window)
    empty = {p: [0, 0] for p in Perpetrator}
    out = []
    for area in sorted({a for a, _ in cells}, key=_area_key):
        latest = _breakdown([cells.get((area, latest_start), empty)])
        period = _breakdown([cells.get((area, w), empty) for w in period_windows])
        baseline = [sum(c[0] for c in cells.get((area, w), empty).values()) for w in base_windows]
        out.append(AreaIndicator(area, window, period_first, end, period, latest_start, latest,
                                 trend(latest.total.events, baseline)))
    out.sort(key=lambda i: (-i.latest.total.events, -i.period.total.events))
    return out


def spikes(
    db_path: Path,
    *,
    level: Level = Level.ADMIN1,
    window: Window = Window.MONTH,
    end: date | None = None,
    scope: Scope = Scope(),
    baseline_windows: int = BASELINE_WINDOWS,
    min_events: int = 5,
    min_ratio: float = 2.0,
    max_p: float = 0.01,
) -> list[AreaIndicator]:
    """Areas whose latest window is well above their own baseline, most improbable first.

    For the alert rule "spike in area" and as suggested evidence for an assessment.
    """
    if min_events < 1:
        raise ValidationFailed.on("min_events", "must be at least 1")
    if not 0 < max_p <= 1:
        raise ValidationFailed.on("max_p", "must be more than 0 and at most 1")
    found = [
        i
        for i in indicators(db_path, level=level, window=window, end=end, scope=scope,
                            baseline_windows=baseline_windows)
        if i.latest.total.events >= min_events
        and i.trend.ratio >= min_ratio
        and i.trend.p_value <= max_p
    ]
    found.sort(key=lambda i: (i.trend.p_value, -i.trend.ratio))
    return found


def series(
    db_path: Path,
    *,
    level: Level = Level.ADMIN1,
    window: Window = Window.MONTH,
    start: date | None = None,
    end: date | None = None,
    scope: Scope = Scope(),
    windows: int = SERIES_WINDOWS,
) -> list[AreaSeries]:
    """Per area, every window from ``start`` (default: ``windows`` windows back) to ``end``."""
    end = end or latest_date(db_path, scope)
    if end is None:
        return []
    last = window_start(end, window)
    first = window_start(start, window) if start else shift(last, window, -(windows - 1))
    if first > last:
        raise ValidationFailed.on("start", "must not be after the end of the period")
    cells = _cells(db_path, level, window, first, end, scope)
    spans = windows_between(first, last, window)
    empty = {p: [0, 0] for p in Perpetrator}
    out = []
    for area in sorted({a for a, _ in cells}, key=_area_key):
        points = []
        for w in spans:
            b = _breakdown([cells.get((area, w), empty)])
            points.append(SeriesPoint(w, b.total, b.by_perpetrator))
        out.append(AreaSeries(area, window, points))
    return out


def _area_key(area: Area) -> tuple[str, str, str]:
    return (area.country or "", area.admin1 or "", area.admin2 or "")
