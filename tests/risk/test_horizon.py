"""The horizon scan on SQLite and PostgreSQL: both rankings, what changed since a date, the
watchlist first with its figures, level changes for the alert rule, clearance, the CSV rows."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.conftest import MakeActor
from tests.risk.horizon_seed import (
    COUNTRIES,
    HIGH,
    LOW,
    approved,
    event_file,
    forecast_run,
)

from tocsin.core.clock import utcnow
from tocsin.core.db import Database
from tocsin.core.errors import NotFound
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.core.tlp import TLP
from tocsin.risk import watch
from tocsin.risk.assessments import get_assessment
from tocsin.risk.assessments.scale import Level
from tocsin.risk.country_outlook import country_outlook
from tocsin.risk.horizon import horizon_scan, risk_level_changes
from tocsin.risk.horizon_events import EventData
from tocsin.risk.horizon_export import CSV_HEADER, csv_rows
from tocsin.risk.horizon_levels import LevelSource, forecast_level


def spread(**changes: float) -> dict[str, float]:
    """Forty countries from 0.3 down in even steps, with some set to other figures."""
    figures = {code: round(0.3 - i * 0.007, 4) for i, code in enumerate(COUNTRIES)}
    figures.update(changes)
    return figures


@pytest.fixture
def events(tmp_path: Path) -> Path:
    return tmp_path / "events.duckdb"


def test_the_scan_ranks_both_ways_and_shows_what_changed(
    db: Database, make_actor: MakeActor, events: Path
) -> None:
    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    riser, faller, steady = COUNTRIES[36], COUNTRIES[10], COUNTRIES[20]
    old = spread(**{riser: 0.002})
    new = spread(**{riser: 0.29, faller: old[COUNTRIES[17]] - 0.0001})
    forecast_run(db, old, days_ago=200, year=2023)
    forecast_run(db, new, days_ago=10)
    first = approved(db, analyst, coordinator, "SD", LOW, "2024-06-30", approved_days_ago=300)
    second = approved(db, analyst, coordinator, "SD", HIGH, "2025-06-30")
    other = approved(db, analyst, coordinator, "MM", LOW, "2025-05-01")
    event_file(events, analyst)
    with db.session() as s:
        watch.watch(s, analyst, "SD", "North Darfur", "sieges reported")
        watch.watch(s, analyst, COUNTRIES[39], "", "elections due")
    since = (utcnow() - timedelta(days=90)).date()

    with db.session() as s:
        scan = horizon_scan(s, analyst, events, since)
        levels = {a: Level.from_code(get_assessment(s, analyst, a).overall_level or "")
                  for a in (first, second, other)}  # fmt: skip

    # The watchlist comes first, each place with its figures.
    assert [(p.country, p.area) for p in scan.watchlist] == [
        (COUNTRIES[39], ""),
        ("SD", "North Darfur"),
    ]
    assert scan.places[:2] == scan.watchlist
    darfur = scan.watchlist[1]
    assert darfur.watch_reason == "sieges reported" and darfur.spike
    assert darfur.events is not None and darfur.events.latest.total.events == 6
    assert scan.watchlist[0].forecast is not None and scan.watchlist[0].forecast.rank == 40
    # Ranked by statistical risk (newest run) and by assessment (highest level first).
    assert scan.ranking is not None and scan.ranking.rows[0].country == COUNTRIES[0]
    assert levels[second] > levels[first]
    assert [(a.country, a.assessment_id) for a in scan.assessed] == [("SD", second), ("MM", other)]
    assert scan.assessed[0].previous_id == first
    assert scan.assessed[0].change == int(levels[second]) - int(levels[first])
    # What changed: approvals in the period, moves of five places or more, the spike.
    changes = scan.changes
    assert {a.assessment_id for a in changes.approvals} == {second, other}
    moved = {r.country: r for r in changes.rank_moves}
    assert moved[riser].entered_top and moved[riser].previous_rank == 40
    assert moved[faller].rank_change is not None and moved[faller].rank_change <= -5
    assert steady not in moved
    assert [s.area.admin1 for s in changes.spikes] == ["North Darfur"]
    kinds = {(c.source, c.country) for c in changes.level_changes}
    assert (LevelSource.ASSESSMENT, "SD") in kinds and (LevelSource.FORECAST, riser) in kinds
    assert (LevelSource.ASSESSMENT, "MM") not in kinds  # a first assessment is not a change

    with db.session() as s:
        later = horizon_scan(s, analyst, events, utcnow().date() + timedelta(days=1))
    assert later.changes.approvals == [] and later.changes.rank_moves == []
    assert later.changes.level_changes == [] and later.changes.spikes == []
    assert later.watchlist == scan.watchlist  # the figures do not depend on the period


def test_level_changes_for_the_alert_rule_respect_clearance(
    db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    admin, analyst = make_actor(Role.ADMIN), make_actor(Role.ANALYST)
    partner = make_actor(Role.PARTNER_VIEWER)
    code = COUNTRIES[0]
    forecast_run(db, {code: 0.005, "SD": 0.05}, days_ago=30)
    hidden_run = forecast_run(db, {code: 0.2, "SD": 0.05}, days_ago=5, tlp=TLP.AMBER)
    approved(db, analyst, admin, "SD", LOW, "2024-01-01", tlp="AMBER")
    hidden = approved(db, analyst, admin, "SD", HIGH, "2025-01-01", tlp="AMBER")
    since = utcnow() - timedelta(days=7)

    with db.session() as s:
        seen = risk_level_changes(s, analyst, since)
        assert risk_level_changes(s, partner, since) == []
        assert horizon_scan(s, partner, tmp_path / "none.duckdb").assessed == []
    forecast = next(c for c in seen if c.source is LevelSource.FORECAST)
    assert (forecast.country, forecast.record_id, forecast.tlp) == (code, hidden_run, TLP.AMBER)
    assert (forecast.before, forecast.after) == (forecast_level(0.005), forecast_level(0.2))
    assert forecast.raised and forecast.probability == 0.2
    assessed = next(c for c in seen if c.source is LevelSource.ASSESSMENT)
    assert (assessed.record_id, assessed.tlp, assessed.raised) == (hidden, TLP.AMBER, True)
    with db.session() as s:
        read = s.scalars(
            select(AuditEntry.entity_id).where(
                AuditEntry.action == "read", AuditEntry.user_id == analyst.user_id
            )
        ).all()
    assert hidden in read  # listing protected assessments is audited, as everywhere


def test_an_empty_store_and_no_event_file_make_an_empty_scan(
    db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    with db.session() as s:
        scan = horizon_scan(s, make_actor(Role.ANALYST), tmp_path / "missing.duckdb")
    assert scan.ranking is None and scan.assessed == [] and scan.places == []
    assert scan.events.state is EventData.MISSING
    assert not (tmp_path / "missing.duckdb").exists()  # reading never creates the file


def test_the_csv_has_one_row_per_place_and_defuses_formulas(
    db: Database, make_actor: MakeActor, events: Path
) -> None:
    analyst = make_actor(Role.ANALYST)
    forecast_run(db, {"SD": 0.2, "MM": 0.05}, days_ago=3)
    event_file(events, analyst)
    with db.session() as s:
        watch.watch(s, analyst, "SD", "North Darfur", '=HYPERLINK("x")')
        rows = list(csv_rows(horizon_scan(s, analyst, events)))
    assert rows[0] == list(CSV_HEADER)
    table = [dict(zip(CSV_HEADER, r, strict=True)) for r in rows[1:]]
    assert [(r["country"], r["area"]) for r in table] == [
        ("SD", "North Darfur"),
        ("SD", ""),
        ("MM", ""),
    ]
    darfur, sudan = table[0], table[1]
    assert darfur["watch_reason"].startswith("'=") and darfur["watched"] == "yes"
    assert (darfur["events_latest"], darfur["spike"]) == ("6", "yes")
    assert (sudan["forecast_rank"], sudan["forecast_level"]) == ("1", "very_high")
    assert sudan["events_latest"] != "" and table[2]["events_latest"] == ""


def test_the_country_outlook_gathers_trend_assessments_and_events(
    db: Database, make_actor: MakeActor, events: Path
) -> None:
    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    forecast_run(db, {"SD": 0.05, "MM": 0.2}, days_ago=40, year=2023)
    forecast_run(db, {"SD": 0.2, "MM": 0.05}, days_ago=3)
    made = approved(db, analyst, coordinator, "SD", HIGH, admin_area="North Darfur")
    event_file(events, analyst)
    with db.session() as s:
        view = country_outlook(s, analyst, events, "SD")
        darfur = country_outlook(s, analyst, events, "SD", "North Darfur")
        with pytest.raises(NotFound):
            country_outlook(s, analyst, events, "ZZZ")
        with pytest.raises(NotFound):
            country_outlook(s, analyst, events, "sd")
    assert [(p.year, p.rank) for p in view.trend] == [(2023, 2), (2024, 1)]
    assert view.forecast is not None and view.forecast.previous_rank == 2
    assert [a.id for a in view.assessments] == [made]
    assert {i.area.admin1 for i in view.events.areas} == {"North Darfur", "South Darfur"}
    assert view.series is not None and sum(p.total.events for p in view.series.points) == 18
    assert darfur.series is not None and sum(p.total.events for p in darfur.series.points) == 6
