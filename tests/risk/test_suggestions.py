"""Suggested evidence for an assessment: documented events in the place and period within the
reader's clearance, and event-data areas with the spikes first."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from tests.conftest import MakeActor
from tests.risk.test_events import ACLED_HEADER, acled, months, write
from tests.seeding import Seeder

from tocsin.core.db import Database
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Role
from tocsin.risk.events import import_events
from tocsin.risk.suggestions import suggest


def test_suggestions_are_the_place_and_period_within_clearance(
    db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    admin, analyst = make_actor(Role.ADMIN), make_actor(Role.ANALYST)
    seed = Seeder(db, admin)
    inside = seed.event("GREEN", place={"country": "SD"}, start="2025-05-03").id
    seed.event("RED", place={"country": "SD"}, start="2025-05-04")
    seed.event("GREEN", place={"country": "SD"}, start="2023-01-01")  # before the period
    seed.event("GREEN", place={"country": "SY"}, start="2025-05-05")  # another country
    rows, n = [], 0
    for month in months(date(2025, 6, 1), 13):  # one killing a month, then eight in June 2025
        for _ in range(8 if month == date(2025, 6, 1) else 1):
            n += 1
            rows.append(acled(n, (month + timedelta(days=3)).isoformat()))
    rows.append(acled(999, "2025-06-09", admin1="Kassala"))
    events_path = tmp_path / "events.duckdb"
    import_events(analyst, write(tmp_path / "acled.csv", ACLED_HEADER, rows), events_path)

    with db.session() as s:
        found = suggest(s, analyst, events_path, "SD", None, date(2025, 6, 30))
    assert [e.id for e in found.events] == [inside] and found.events_total == 1
    assert found.areas[0].area.admin1 == "North Darfur"
    assert [a.area.admin1 for a in found.spikes] == ["North Darfur"]
    with db.session() as s:
        found = suggest(s, admin, events_path, "SDN", "kassala", date(2025, 6, 30))
    assert found.events_total == 0
    assert [a.area.admin1 for a in found.areas] == ["Kassala"] and found.spikes == []
    with db.session() as s, pytest.raises(ValidationFailed, match="country"):
        suggest(s, analyst, events_path, "Sudan", None, date(2025, 6, 30))
