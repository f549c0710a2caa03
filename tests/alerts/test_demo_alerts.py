"""The demo's alerts: one at each point of an alert's life, linked to demo events, with the
response clock running, and loaded once only."""

from __future__ import annotations

from tests.conftest import MakeActor
from tests.seeding import Seeder

from tocsin.alerts import chains, service
from tocsin.alerts.demo import load_demo_alerts
from tocsin.alerts.service import AlertFilters
from tocsin.core.db import Database
from tocsin.core.roles import Role


def test_demo_alerts_cover_each_state_and_load_once(db: Database, make_actor: MakeActor) -> None:
    admin, analyst = make_actor(Role.ADMIN), make_actor(Role.ANALYST)
    coordinator = make_actor(Role.COORDINATOR)
    seed = Seeder(db, admin)
    for area in ("Beldan Province", "Ashtar Highlands"):
        event = seed.event("GREEN", place={"country": "XQ", "admin_area": area},
                           start="2025-11-02")  # fmt: skip
    with db.session() as s:
        assert load_demo_alerts(s, coordinator, analyst, admin) == 4
    with db.session() as s:
        assert load_demo_alerts(s, coordinator, analyst, admin) == 0
        listed = service.list_alerts(s, coordinator, AlertFilters(), 1, 50).items
        assert sorted(a.state for a in listed) == ["closed", "draft", "issued", "issued"]
        issued = [a for a in listed if a.state == "issued"]
        full = [service.get_alert(s, coordinator, a.id) for a in issued]
        acknowledged = [a for a in full if a.acknowledged_at is not None]
        assert len(acknowledged) == 1
        defender = acknowledged[0]
        assert defender.category == "defender_threat"
        assert defender.owner_id == analyst.user_id
        assert defender.timings.issue_to_action_s is not None
        assert defender.timings.report_to_issue_s is not None  # from the linked demo event
        assert defender.links.event_ids
        overdue = next(a for a in full if a.acknowledged_at is None)
        assert overdue.ack_deadline is not None and overdue.issued_at is not None
        assert (overdue.ack_deadline - overdue.issued_at).total_seconds() == 60
        assert event.id in overdue.links.event_ids
        assert overdue.escalation_chain_id is not None
        chain = chains.get_chain(s, coordinator, overdue.escalation_chain_id)
        assert [step.user_ids for step in chain.steps] == [[coordinator.user_id], [admin.user_id]]
