"""Who sees which alert: clearance, the author, named recipients of a RED alert; reads of
protected alerts audited; list filters."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.alerts.alert_kit import draft, issued

from seeding import add_user, cheap_hashing
from tocsin.alerts import service
from tocsin.alerts.atom import feed_alerts
from tocsin.alerts.service import AlertFilters
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


def listed(db: Database, actor: Actor, **f: str) -> set[str]:
    with db.session() as s:
        page = service.list_alerts(s, actor, AlertFilters(**f), 1, 100)
        assert page.total == len(page.items)
        return {a.id for a in page.items}


def test_a_red_alert_reaches_only_its_named_recipients(db: Database) -> None:
    coordinator = add_user(db, Role.COORDINATOR, "coord@see.example.org")
    named = add_user(db, Role.ANALYST, "named@see.example.org")
    other = add_user(db, Role.ANALYST, "other@see.example.org")
    with db.session() as s:
        red = issued(s, coordinator, tlp="RED", title="Relocate the lawyer tonight",
                     recipients=[named.user_id])  # fmt: skip
    with pytest.raises(NotFound), db.session() as s:
        service.get_alert(s, other, red.id)
    assert red.id not in listed(db, other)
    with db.session() as s:
        assert red.id not in {a.id for a in feed_alerts(s, other)}
        assert service.get_alert(s, named, red.id).title == "Relocate the lawyer tonight"
        assert red.id in {a.id for a in feed_alerts(s, named)}
    assert red.id in listed(db, named)
    assert red.id in listed(db, coordinator)


def test_clearance_and_authorship_decide_the_rest(db: Database) -> None:
    coordinator = add_user(db, Role.COORDINATOR, "coord@see.example.org")
    partner = add_user(db, Role.PARTNER_VIEWER, "partner@see.example.org")
    analyst = add_user(db, Role.ANALYST, "analyst@see.example.org")
    with db.session() as s:
        ids = {tlp: draft(s, coordinator, tlp=tlp).id for tlp in ("CLEAR", "GREEN", "AMBER")}
        own_red = draft(s, analyst, tlp="RED", recipients=[coordinator.user_id]).id
    assert listed(db, partner) == {ids["CLEAR"], ids["GREEN"]}
    assert listed(db, analyst) == {*ids.values(), own_red}  # the author sees their own
    assert listed(db, coordinator) == {*ids.values(), own_red}


def test_reads_of_protected_alerts_are_audited(db: Database) -> None:
    analyst = add_user(db, Role.ANALYST, "analyst@see.example.org")
    with db.session() as s:
        amber = draft(s, analyst, tlp="AMBER").id
        clear = draft(s, analyst, tlp="CLEAR").id
    with db.session() as s:
        service.get_alert(s, analyst, amber)
        service.get_alert(s, analyst, clear)
        service.list_alerts(s, analyst, AlertFilters(), 1, 50)
    with db.session() as s:
        reads = s.execute(select(AuditEntry.entity_id, AuditEntry.detail)
                          .where(AuditEntry.action == "read", AuditEntry.entity_type == "alert")
                          ).all()  # fmt: skip
    assert sorted(r.entity_id for r in reads) == [amber, amber]
    assert {r.detail.get("via") for r in reads} == {None, "list"}


def test_list_filters(db: Database) -> None:
    analyst = add_user(db, Role.ANALYST, "analyst@see.example.org")
    with db.session() as s:
        a = issued(s, analyst, country="SD", category="incitement", severity="extreme").id
        b = draft(s, analyst, country="SS", category="displacement", severity="minor").id
    assert listed(db, analyst, state="issued") == {a}
    assert listed(db, analyst, country="ss") == {b}
    assert listed(db, analyst, category="incitement", severity="extreme") == {a}
    assert listed(db, analyst, severity="severe") == set()
    for name, value in (("state", "sent"), ("severity", "huge"), ("country", "Sudan")):
        with pytest.raises(ValidationFailed) as err, db.session() as s:
            service.list_alerts(s, analyst, AlertFilters(**{name: value}), 1, 50)
        assert err.value.errors[0].field == name
