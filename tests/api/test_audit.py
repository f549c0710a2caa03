"""The audit log: who wrote and who saw what, from where; append-only; for admins only."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tocsin.core.audit_log import CSV_COLUMNS
from tocsin.core.db import Database
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role

V = "/api/v1"
IP = "testclient"  # the client address TestClient reports
PASSWORD = "api test passphrase"  # what tests/api/conftest.py gives every user
TLPS = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]


def last_id(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.max(AuditEntry.id))) or 0


def entries_after(db: Database, mark: int) -> list[AuditEntry]:
    with db.session() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.id > mark).order_by(AuditEntry.id))
        )


# (method, url, body, entity type the entry names, where its id comes from: "reply" or "target")
Write = tuple[str, str, dict[str, Any], str, str]


def writes(seed: Any) -> dict[str, Callable[[], Write]]:
    """Every kind of write, each building what it needs when it runs."""

    def on(kind: str, make: Callable[[Any], Write]) -> Callable[[], Write]:
        return lambda: make(seed.make(kind, "CLEAR"))

    return {
        "create event": lambda: ("POST", "/events", {"title": "t", "start": "2020"}, "event",
                                 "reply"),
        "update event": on("event", lambda r: ("PATCH", f"/events/{r.id}", {"title": "new"},
                                               "event", r.id)),
        "change status": on("event", lambda r: (
            "POST", f"/events/{r.id}/status", {"status": "rejected", "reason": "duplicate"},
            "event", r.id)),
        "add act": on("event", lambda r: ("POST", f"/events/{r.id}/acts", {"act_type": "pillage"},
                                          "act", "reply")),
        "update act": on("act", lambda r: ("PATCH", f"/acts/{r.id}", {"victim_count": 3}, "act",
                                           r.id)),
        "create person": lambda: ("POST", "/persons", {"names": [{"value": "N"}]}, "person",
                                  "reply"),
        "update person": on("person", lambda r: ("PATCH", f"/persons/{r.id}", {"age": 40},
                                                 "person", r.id)),
        "create organisation": lambda: ("POST", "/organisations", {"name": "O", "kind": "ngo"},
                                        "organisation", "reply"),
        "update organisation": on("organisation", lambda r: (
            "PATCH", f"/organisations/{r.id}", {"name": "O2"}, "organisation", r.id)),
        "create source": lambda: ("POST", "/sources", {"title": "S", "source_type": "media"},
                                  "source", "reply"),
        "update source": on("source", lambda r: ("PATCH", f"/sources/{r.id}", {"credibility": 2},
                                                 "source", r.id)),
        "link source": on("source", lambda r: (
            "POST", f"/sources/{r.id}/links",
            {"target_type": "event", "target_id": seed.event().id}, "source_link", "")),
        "create consent": on("person", lambda r: (
            "POST", "/consents",
            {"person_id": r.id, "given_on": "2024-01-01", "recorded_how": "electronic"},
            "consent", "reply")),
        "withdraw consent": on("consent", lambda r: (
            "POST", f"/consents/{r.id}/withdraw", {"reason": "asked"}, "consent", r.id)),
        "create intervention": on("event", lambda r: (
            "POST", "/interventions", {"event_id": r.id, "intervention_type": "advocacy"},
            "intervention", "reply")),
        "update intervention": on("intervention", lambda r: (
            "PATCH", f"/interventions/{r.id}", {"status": "done"}, "intervention", r.id)),
        "add term": lambda: ("POST", "/vocabularies/act_type/terms",
                             {"code": "new_code", "labels": {"en": "New"}}, "vocabulary_term",
                             "act_type:new_code"),
        "translate term": lambda: ("PATCH", "/vocabularies/act_type/terms/killing",
                                   {"labels": {"fr": "Meurtre"}}, "vocabulary_term",
                                   "act_type:killing"),
        "add user": lambda: ("POST", "/users", {"email": "new@example.org", "role": "analyst",
                                                "password": "a long new passphrase"},
                             "user", "reply"),
        "change role": lambda: ("PATCH", f"/users/{seed.actor.user_id}", {"role": "coordinator"},
                                "user", seed.actor.user_id),
        "disable user": lambda: ("PATCH", f"/users/{seed.actor.user_id}", {"active": False},
                                 "user", seed.actor.user_id),
    }  # fmt: skip


def test_every_write_is_audited_with_who_what_and_ip(
    client: TestClient, team: Any, seed: Any, db: Database, subtests: Any
) -> None:
    admin = team[Role.ADMIN]
    for name, build in writes(seed).items():
        with subtests.test(name):
            method, url, body, kind, where = build()
            mark = last_id(db)
            r = client.request(method, f"{V}{url}", json=body, headers=admin.headers)
            assert r.status_code in (200, 201), r.text
            entity_id = r.json()["id"] if where == "reply" else where
            new = [e for e in entries_after(db, mark) if e.action != "read"]
            assert new, "no audit entry"
            assert all(e.user_id == admin.id and e.user_email == admin.email for e in new)
            assert all(e.ip == IP for e in new)
            assert any(
                e.entity_type == kind and (not entity_id or e.entity_id == entity_id) for e in new
            ), [(e.action, e.entity_type, e.entity_id) for e in new]


def test_sign_in_password_change_and_failures_are_audited(
    client: TestClient, team: Any, db: Database
) -> None:
    member = team[Role.ANALYST]  # signing in happened here
    with db.session() as s:
        login = s.scalars(select(AuditEntry).where(AuditEntry.action == "login")).all()
    assert [(e.user_id, e.ip) for e in login] == [(member.id, IP)]
    mark = last_id(db)
    client.post(f"{V}/auth/token", data={"username": member.email, "password": "wrong guess!"})
    [failed] = entries_after(db, mark)
    assert failed.action == "login_failed" and failed.user_id is None
    assert failed.detail == {"email": member.email, "ip": IP}
    r = client.post(
        f"{V}/auth/password",
        headers=member.headers,
        json={"current_password": PASSWORD, "new_password": "another long passphrase"},
    )
    assert r.status_code == 204
    [changed] = entries_after(db, failed.id)
    assert (changed.action, changed.entity_id, changed.detail) == (
        "user_admin",
        member.id,
        {"op": "password"},
    )


def test_renaming_a_user_is_audited(client: TestClient, team: Any, seed: Any, db: Database) -> None:
    headers = team(Role.ADMIN)  # signing in is audited too: do it before the mark
    mark = last_id(db)
    r = client.patch(
        f"{V}/users/{seed.actor.user_id}", json={"display_name": "Someone else"}, headers=headers
    )
    assert r.status_code == 200
    assert [e.entity_id for e in entries_after(db, mark)] == [seed.actor.user_id]


def test_revoking_a_token_is_audited(client: TestClient, team: Any, db: Database) -> None:
    member = team[Role.ANALYST]
    mark = last_id(db)
    assert client.post(f"{V}/auth/revoke", headers=member.headers).status_code == 204
    assert [e.user_id for e in entries_after(db, mark)] == [member.id]


def test_reads_of_protected_records_are_audited(
    client: TestClient, team: Any, seed: Any, db: Database
) -> None:
    admin = team[Role.ADMIN]
    paths = {
        "event": "events",
        "act": "acts",
        "organisation": "organisations",
        "source": "sources",
        "intervention": "interventions",
        "consent": "consents",
    }
    for kind, path in paths.items():
        for tlp in TLPS:
            rec = seed.make(kind, tlp)
            mark = last_id(db)
            assert client.get(f"{V}/{path}/{rec.id}", headers=admin.headers).status_code == 200
            reads = [
                (e.action, e.entity_type, e.entity_id, e.user_id, e.ip)
                for e in entries_after(db, mark)
            ]
            if tlp in ("CLEAR", "GREEN"):
                assert reads == [], f"{kind} {tlp} read was audited"
            else:
                assert reads == [("read", kind, rec.id, admin.id, IP)], f"{kind} {tlp}"
    # Any person, whatever the sharing level: a name can put someone in danger.
    person = seed.person("CLEAR")
    mark = last_id(db)
    client.get(f"{V}/persons/{person.id}", headers=admin.headers)
    assert [(e.action, e.entity_id) for e in entries_after(db, mark)] == [("read", person.id)]


def test_listing_audits_one_read_per_protected_record_returned(
    client: TestClient, team: Any, seed: Any, db: Database
) -> None:
    people = {tlp: seed.person(tlp) for tlp in TLPS}
    partner = team[Role.PARTNER_VIEWER]
    mark = last_id(db)
    r = client.get(f"{V}/persons", headers=partner.headers)
    returned = {p["id"] for p in r.json()["items"]}
    assert returned == {people["CLEAR"].id, people["GREEN"].id}
    reads = entries_after(db, mark)
    assert sorted(e.entity_id for e in reads) == sorted(returned)  # one per person, no more
    assert {(e.action, e.entity_type, e.user_id, e.ip) for e in reads} == {
        ("read", "person", partner.id, IP)
    }
    assert all(e.detail == {"via": "list"} for e in reads)

    admin = team[Role.ADMIN]
    mark = last_id(db)
    page = client.get(f"{V}/persons", params={"page_size": 2}, headers=admin.headers).json()
    assert page["total"] == 5
    assert sorted(e.entity_id for e in entries_after(db, mark)) == sorted(
        p["id"] for p in page["items"]
    )

    events = {tlp: seed.event(tlp) for tlp in TLPS}
    mark = last_id(db)
    client.get(f"{V}/events", headers=admin.headers)
    assert sorted(e.entity_id for e in entries_after(db, mark)) == sorted(
        events[t].id for t in ("AMBER", "AMBER+STRICT", "RED")
    )


def test_audit_log_refuses_update_and_delete_in_the_database(team: Any, db: Database) -> None:
    team(Role.ADMIN)  # creating and signing in a user writes entries
    before = last_id(db)
    assert before > 0
    for statement in (
        "UPDATE audit_log SET action = 'tampered'",
        "UPDATE audit_log SET user_email = 'x' WHERE id = 1",
        "DELETE FROM audit_log",
        f"DELETE FROM audit_log WHERE id = {before}",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == before
        assert s.scalar(select(func.count()).where(AuditEntry.action == "tampered")) == 0
    with db.engine.begin() as conn:  # appending still works
        conn.execute(
            text(
                "INSERT INTO audit_log (at, user_email, action, entity_type, "
                "entity_id, ip, detail, summary) VALUES (CURRENT_TIMESTAMP, '', "
                "'backup', '', '', '', '{}', '')"
            )
        )
    assert last_id(db) > before


def test_audit_browse_filters(client: TestClient, team: Any, seed: Any) -> None:
    admin, analyst = team[Role.ADMIN], team[Role.ANALYST]
    start = datetime.now(UTC) - timedelta(seconds=1)
    ev = client.post(f"{V}/events", json={"title": "t", "start": "2020"}, headers=analyst.headers)
    eid = ev.json()["id"]
    client.patch(f"{V}/events/{eid}", json={"title": "u"}, headers=admin.headers)

    def browse(**params: Any) -> list[dict[str, Any]]:
        r = client.get(f"{V}/audit", params={"page_size": 500, **params}, headers=admin.headers)
        assert r.status_code == 200, r.text
        assert r.json()["total"] == len(r.json()["items"])
        return list(r.json()["items"])

    everything = browse()
    assert [e["id"] for e in everything] == sorted((e["id"] for e in everything), reverse=True)
    mine = browse(user=analyst.email.upper())
    assert mine and {e["user_id"] for e in mine} == {analyst.id}
    assert browse(user=analyst.id) == mine
    created = browse(action="create", entity_type="event")
    assert [(e["entity_id"], e["user_email"], e["ip"]) for e in created] == [
        (eid, analyst.email, IP)
    ]
    about = browse(entity_id=eid)
    assert {e["action"] for e in about} == {"create", "update", "read"}
    assert {e["id"] for e in browse(since=start.isoformat())} == {
        e["id"] for e in everything if e["at"] >= start.isoformat()
    }
    assert browse(until=start.isoformat()) == [
        e for e in everything if e["at"] <= start.isoformat()
    ]
    assert browse(since=(datetime.now(UTC) + timedelta(hours=1)).isoformat()) == []
    paged = client.get(f"{V}/audit", params={"page_size": 2, "page": 2}, headers=admin.headers)
    assert paged.json()["total"] == len(everything)
    assert [e["id"] for e in paged.json()["items"]] == [e["id"] for e in everything[2:4]]
    for role in (Role.COORDINATOR, Role.ANALYST, Role.DOCUMENTER, Role.PARTNER_VIEWER):
        assert client.get(f"{V}/audit", headers=team(role)).status_code == 403


def test_audit_csv_export(client: TestClient, team: Any) -> None:
    admin, analyst = team[Role.ADMIN], team[Role.ANALYST]
    eid = client.post(
        f"{V}/events", json={"title": "Ünïcode", "start": "2020"}, headers=analyst.headers
    ).json()["id"]
    r = client.get(f"{V}/audit/export.csv", headers=admin.headers)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == CSV_COLUMNS
    listed = client.get(f"{V}/audit", params={"page_size": 500}, headers=admin.headers).json()
    by_id = {str(e["id"]): e for e in listed["items"]}
    assert [row[0] for row in rows[1:]] == [str(e["id"]) for e in listed["items"]]
    for row in rows[1:]:
        entry = by_id[row[0]]
        record = dict(zip(CSV_COLUMNS, row, strict=True))
        assert record["action"] == entry["action"] and record["ip"] == entry["ip"]
        assert record["user_email"] == entry["user_email"]
        assert record["entity_id"] == entry["entity_id"]
    only = client.get(
        f"{V}/audit/export.csv",
        params={"entity_id": eid, "action": "create"},
        headers=admin.headers,
    )
    body = list(csv.reader(io.StringIO(only.text)))
    assert body[0] == CSV_COLUMNS
    assert [(row[2], row[4], row[6], row[7]) for row in body[1:]] == [
        (analyst.email, "create", eid, IP)
    ]
    for role in (Role.COORDINATOR, Role.ANALYST, Role.PARTNER_VIEWER):
        refused = client.get(f"{V}/audit/export.csv", headers=team(role))
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert analyst.email not in refused.text
