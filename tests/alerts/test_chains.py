"""Escalation chains through the API: who may read and write them, refusals that name the field
at fault, a chain in use that cannot be deleted, and the audit of every change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from tests.alerts.alert_kit import fields

from seeding import PASSWORD, add_user, cheap_hashing
from tocsin.alerts.rule_models import AlertRule
from tocsin.api.app import create_app
from tocsin.core.db import Database
from tocsin.core.models import AuditEntry, User
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

V = "/api/v1"
CHAINS = f"{V}/escalation-chains"


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db)) as c:
        yield c


class Team:
    def __init__(self, client: TestClient, db: Database) -> None:
        self.client, self.db = client, db
        self.ids: dict[str, str] = {}
        self.headers: dict[str, dict[str, str]] = {}

    def add(self, name: str, role: Role) -> str:
        actor = add_user(self.db, role, f"{name}@chains.example.org")
        r = self.client.post(f"{V}/auth/token", data={"username": actor.email,
                                                      "password": PASSWORD})  # fmt: skip
        assert r.status_code == 200, r.text
        self.ids[name] = actor.user_id
        self.headers[name] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        return actor.user_id


@pytest.fixture
def team(client: TestClient, db: Database) -> Team:
    t = Team(client, db)
    t.add("coord", Role.COORDINATOR)
    t.add("analyst", Role.ANALYST)
    t.add("documenter", Role.DOCUMENTER)
    t.add("partner", Role.PARTNER_VIEWER)
    return t


def body(team: Team, name: str = "Darfur field team", **kw: Any) -> dict[str, Any]:
    return {"name": name, "steps": [
        {"after_minutes": 15, "user_ids": [team.ids["analyst"]]},
        {"after_minutes": 60, "user_ids": [team.ids["coord"], team.ids["analyst"]]},
    ], **kw}  # fmt: skip


def refusal(r: Any) -> dict[str, str]:
    assert r.status_code == 422, r.text
    return {e["field"]: e["message"] for e in r.json()["errors"]}


def test_who_may_read_and_write_chains(client: TestClient, team: Team) -> None:
    h = team.headers
    made = client.post(CHAINS, json=body(team), headers=h["coord"])
    assert made.status_code == 201, made.text
    chain = made.json()
    assert [s["after_minutes"] for s in chain["steps"]] == [15, 60]
    assert chain["steps"][1]["people"][0]["email"] == "coord@chains.example.org"
    assert chain["live_alerts"] == 0
    url = f"{CHAINS}/{chain['id']}"
    # Analysts handle alerts: they read the chains to pick one, and may not change them.
    assert client.get(CHAINS, headers=h["analyst"]).json()[0]["id"] == chain["id"]
    assert client.get(url, headers=h["analyst"]).status_code == 200
    assert client.post(CHAINS, json=body(team, "Other"), headers=h["analyst"]).status_code == 403
    assert client.patch(url, json={"name": "X"}, headers=h["analyst"]).status_code == 403
    assert client.delete(url, headers=h["analyst"]).status_code == 403
    for outsider in ("documenter", "partner"):
        assert client.get(CHAINS, headers=h[outsider]).status_code == 403
        assert client.get(url, headers=h[outsider]).status_code == 403
    assert client.get(CHAINS).status_code == 401
    assert client.get(f"{CHAINS}/no-such-chain", headers=h["coord"]).status_code == 404


def test_refusals_name_the_field_at_fault(client: TestClient, team: Team, db: Database) -> None:
    h = team.headers["coord"]
    assert client.post(CHAINS, json=body(team), headers=h).status_code == 201
    assert refusal(client.post(CHAINS, json=body(team, " DARFUR  field team "), headers=h)) == {
        "name": "another escalation chain is already called 'DARFUR field team'"}
    assert set(refusal(client.post(CHAINS, json={"name": "A", "steps": []}, headers=h))) == {
        "steps"}
    zero = body(team, "B")
    zero["steps"][1]["after_minutes"] = 0
    assert set(refusal(client.post(CHAINS, json=zero, headers=h))) == {"steps[1].after_minutes"}
    nobody = body(team, "C")
    nobody["steps"][0]["user_ids"] = []
    assert set(refusal(client.post(CHAINS, json=nobody, headers=h))) == {"steps[0].user_ids"}
    with db.session() as s:
        s.execute(update(User).where(User.id == team.ids["partner"]).values(active=False))
    wrong = body(team, "D")
    wrong["steps"][0]["user_ids"] = ["no-such-user", team.ids["documenter"]]
    wrong["steps"][1]["user_ids"] = [team.ids["coord"], team.ids["partner"], team.ids["coord"]]
    problems = refusal(client.post(CHAINS, json=wrong, headers=h))
    assert problems == {
        "steps[0].user_ids[0]": "no user with id 'no-such-user'",
        "steps[0].user_ids[1]": "documenter@chains.example.org may not handle alerts (the "
                                "documenter role): choose someone who may",
        "steps[1].user_ids[1]": "partner@chains.example.org is a disabled account",
        "steps[1].user_ids[2]": "coord@chains.example.org is already on this step",
    }  # fmt: skip
    assert len(client.get(CHAINS, headers=h).json()) == 1  # nothing half-written
    with db.session() as s:
        made = s.scalars(select(AuditEntry.id).where(
            AuditEntry.entity_type == "escalation_chain", AuditEntry.action == "create")).all()
    assert len(made) == 1


def test_a_chain_in_use_cannot_be_deleted_and_every_change_is_audited(
    client: TestClient, team: Team, db: Database
) -> None:
    h = team.headers["coord"]
    chain = client.post(CHAINS, json=body(team), headers=h).json()
    url = f"{CHAINS}/{chain['id']}"
    renamed = client.patch(url, json={"name": "Darfur desk", "steps": [
        {"after_minutes": 5, "user_ids": [team.ids["coord"]]}]}, headers=h)  # fmt: skip
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["name"], len(renamed.json()["steps"])) == ("Darfur desk", 1)
    alert = client.post(f"{V}/alerts", json=fields(), headers=h).json()
    issued = client.post(f"{V}/alerts/{alert['id']}/issue",
                         json={"escalation_chain_id": chain["id"]}, headers=h)  # fmt: skip
    assert issued.status_code == 200, issued.text
    assert client.get(url, headers=h).json()["live_alerts"] == 1
    refused = client.delete(url, headers=h)
    assert refused.status_code == 409 and "in use by 1 live alert" in refused.json()["detail"]
    assert client.get(f"{V}/alerts/{alert['id']}/escalations", headers=h).json() == []
    closed = client.post(f"{V}/alerts/{alert['id']}/close", json={"reason": "over"}, headers=h)
    assert closed.status_code == 200
    with db.session() as s:  # a rule that issues with this chain holds it too
        rule = AlertRule(name="Killings", kind="act_threshold", params={},
                         category="community_threat", severity="severe", urgency="immediate",
                         certainty="likely", escalation_chain_id=chain["id"])  # fmt: skip
        s.add(rule)
    refused = client.delete(url, headers=h)
    assert refused.status_code == 409 and "alert rule" in refused.json()["detail"]
    with db.session() as s:
        s.delete(s.get_one(AlertRule, rule.id))
    assert client.delete(url, headers=h).status_code == 204
    assert client.get(url, headers=h).status_code == 404
    with db.session() as s:
        trail = s.execute(select(AuditEntry.action, AuditEntry.user_email, AuditEntry.detail)
                          .where(AuditEntry.entity_type == "escalation_chain",
                                 AuditEntry.entity_id == chain["id"])
                          .order_by(AuditEntry.at)).all()  # fmt: skip
    assert [(a, who) for a, who, _ in trail] == [("create", "coord@chains.example.org"),
                                                ("update", "coord@chains.example.org"),
                                                ("delete", "coord@chains.example.org")]
    assert trail[1][2] == {"fields": ["name", "steps"], "steps": 1,
                           "people": [team.ids["coord"]]}
