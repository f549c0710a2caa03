"""The project's own documented events in the event-data table: sharing levels kept, so the
indicators count for each reader only the events, acts and perpetrators they may see.
On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from tests.conftest import MakeActor
from tests.seeding import Seeder

from tocsin.core.db import Database
from tocsin.core.errors import Forbidden
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.core.tlp import TLP
from tocsin.risk.events import Level, Perpetrator, Scope, indicators, sync_own_events

DARFUR = {"country": "SD", "admin_area": "North Darfur"}


def test_sync_keeps_sharing_levels_and_counts_each_event_once(
    db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    admin = make_actor(Role.ADMIN)
    seed = Seeder(db, admin)
    army = seed.organisation("CLEAR", kind="armed_force").id
    battalion = seed.organisation("CLEAR", kind="unit", parent_id=army).id
    secret_group = seed.organisation("RED", kind="armed_group").id

    # A public killing by an army unit, with a RED act inside it by a RED armed group.
    mixed = seed.event("CLEAR", start="2024-06-10", place=DARFUR).id
    seed.act("CLEAR", event_id=mixed, act_type="extrajudicial_execution", victim_count=2,
             perpetrators=[{"organisation_id": battalion}])  # fmt: skip
    seed.act("RED", event_id=mixed, act_type="killing", victim_count=5,
             perpetrators=[{"organisation_id": secret_group}])  # fmt: skip
    # AMBER torture; a public killing whose perpetrator only RED readers may know.
    seed.act("AMBER", event_id=seed.event("AMBER", start="2024-06-11", place=DARFUR).id,
             act_type="torture")  # fmt: skip
    seed.act("CLEAR", event_id=seed.event("CLEAR", start="2024-06-12", place=DARFUR).id,
             act_type="killing", perpetrators=[{"organisation_id": secret_group}])  # fmt: skip
    # Not violence against civilians; rejected; both never counted.
    seed.act("CLEAR", event_id=seed.event("CLEAR", start="2024-06-13", place=DARFUR).id,
             act_type="pillage")  # fmt: skip
    seed.act("CLEAR", event_id=seed.event("CLEAR", start="2024-06-14", place=DARFUR,
                                          status="rejected").id)  # fmt: skip

    path = tmp_path / "events.duckdb"
    with db.session() as s:
        report = sync_own_events(s, admin, path)
    assert (report.events, report.skipped_rejected, report.rows) == (5, 1, 5)

    def seen(level: TLP) -> tuple[int, int, dict[Perpetrator, tuple[int, int]]]:
        [area] = indicators(path, level=Level.ADMIN1, scope=Scope(max_tlp=level))
        assert (area.area.country, area.area.admin1) == ("SDN", "North Darfur")
        by = {p: (t.events, t.fatalities) for p, t in area.latest.by_perpetrator.items()
              if t.events or t.fatalities}  # fmt: skip
        return area.latest.total.events, area.latest.total.fatalities, by

    S, N, OTHER = Perpetrator.STATE_FORCES, Perpetrator.NON_STATE, Perpetrator.OTHER
    assert seen(TLP.CLEAR) == (2, 3, {S: (1, 2), OTHER: (1, 1)})
    assert seen(TLP.AMBER) == (3, 3, {S: (1, 2), OTHER: (2, 1)})
    # The RED reader sees the mixed event once, with its hidden act's five deaths.
    assert seen(TLP.RED) == (3, 8, {S: (1, 2), OTHER: (2, 1), N: (0, 5)})

    with db.session() as s:
        again = sync_own_events(s, admin, path)
        assert again.rows == report.rows
        entries = s.scalars(select(AuditEntry.entity_type).where(
            AuditEntry.entity_type == "event_data")).all()  # fmt: skip
    assert len(entries) == 2
    assert seen(TLP.RED)[:2] == (3, 8)


def test_only_assessors_sync(db: Database, make_actor: MakeActor, tmp_path: Path) -> None:
    with db.session() as s, pytest.raises(Forbidden):
        sync_own_events(s, make_actor(Role.DOCUMENTER), tmp_path / "events.duckdb")
