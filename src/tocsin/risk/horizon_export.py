"""The horizon scan leaving the system: one CSV row per country or area with its figures, and
the audit entry every export (CSV or PDF) leaves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from tocsin.cases.exporter import defuse
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.risk.horizon import HorizonScan, PlaceFigures
from tocsin.risk.horizon_levels import forecast_level

KIND = "risk_horizon_scan"
CSV_HEADER = (
    "country", "area", "watched", "watch_reason",
    "forecast_rank", "forecast_probability", "forecast_level", "forecast_previous_rank",
    "forecast_places_gained", "forecast_entered_top30",
    "assessment_level", "assessment_previous_level", "assessment_as_of", "assessment_id",
    "events_latest_month", "events_latest", "fatalities_latest", "events_baseline_mean",
    "events_ratio", "spike",
)  # fmt: skip


def may_export(actor: Actor) -> None:
    actor.require(Permission.EXPORT)


def scan_tlp(scan: HorizonScan) -> int:
    """The highest sharing level among the forecast runs and assessments the scan shows: the
    level a report of it must carry."""
    changes = scan.changes
    runs = [scan.ranking.run if scan.ranking else None, changes.forecast_run, changes.baseline_run]
    levels = [run.tlp for run in runs if run is not None]
    levels += [a.tlp for a in (*scan.assessed, *changes.approvals)]
    levels += [c.tlp for c in changes.level_changes]
    return max(levels, default=int(TLP.CLEAR))


def record_export(session: Session, actor: Actor, scan: HorizonScan, fmt: str) -> None:
    since = scan.since.isoformat()
    detail = {"format": fmt, "since": since, "places": len(scan.places)}
    audit.record(session, actor, audit.Action.EXPORT, KIND, since, detail)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(defuse(value) if isinstance(value, str) else value)


def csv_row(place: PlaceFigures) -> list[str]:
    f, a, e = place.forecast, place.assessment, place.events
    values: list[Any] = [
        place.country, place.area, place.watch_id is not None, place.watch_reason,
        f.rank if f else None, f.probability if f else None,
        forecast_level(f.probability).code if f else None, f.previous_rank if f else None,
        f.rank_change if f else None, f.entered_top if f else None,
        a.level.code if a and a.level is not None else None,
        a.previous_level.code if a and a.previous_level is not None else None,
        a.as_of.isoformat() if a else None, a.assessment_id if a else None,
        e.latest_start.strftime("%Y-%m") if e else None, e.latest.total.events if e else None,
        e.latest.total.fatalities if e else None, e.trend.baseline_mean if e else None,
        e.trend.ratio if e else None, place.spike,
    ]  # fmt: skip
    return [_cell(v) for v in values]


def csv_rows(scan: HorizonScan) -> Iterator[list[str]]:
    """The header, then one row per place: watched places first, then by forecast rank."""
    yield list(CSV_HEADER)
    for place in scan.places:
        yield csv_row(place)
