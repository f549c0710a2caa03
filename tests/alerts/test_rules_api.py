"""The alert-rule routes: problems name the field, an unsaved rule is tried before saving, the
firings of a run are listed, and DELETE disables. Roles are covered by the authorisation
matrix (tests/api)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from rules_kit import acts_in, body, day, noon
from tests.conftest import MakeActor

from seeding import PASSWORD, add_user, cheap_hashing
from tocsin.alerts.rules.runner import run_rules
from tocsin.api.app import create_app
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

V = "/api/v1/alert-rules"
RULE = body("act_threshold", {"country": "XQ", "act_types": ["killing"], "threshold": 3})


@pytest.fixture
def client(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    cheap_hashing(monkeypatch)
    with TestClient(create_app(settings, db)) as c:
        yield c


def headers(client: TestClient, db: Database, role: Role) -> dict[str, str]:
    actor = add_user(db, role, f"{role.value}@rules.example.org")
    r = client.post("/api/v1/auth/token", data={"username": actor.email, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_a_refused_rule_names_each_field(client: TestClient, db: Database) -> None:
    coordinator = headers(client, db, Role.COORDINATOR)
    bad = {**RULE, "params": {"country": "XQ", "threshold": 0, "window_days": 400}}
    r = client.post(V, json=bad, headers=coordinator)
    assert r.status_code == 422, r.text
    assert {e["field"] for e in r.json()["errors"]} == {"params.threshold", "params.window_days"}
    r = client.post(V, json={**RULE, "kind": "horoscope"}, headers=coordinator)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "kind"
    assert client.get(V, headers=coordinator).json() == []


def test_try_save_run_and_read_the_firings(
    client: TestClient, db: Database, make_actor: MakeActor
) -> None:
    coordinator = headers(client, db, Role.COORDINATOR)
    analyst = headers(client, db, Role.ANALYST)
    acts_in(db, make_actor(Role.ADMIN), day(1), "North", 3)
    period = {"from": "2024-03-01", "to": "2024-03-31"}
    tried = client.post(f"{V}/dry-run", json={"rule": RULE, **period}, headers=analyst)
    assert tried.status_code == 200, tried.text
    report = tried.json()
    assert (report["rule_id"], report["windows"], report["counted_tlp"]) == (None, 5, "AMBER")
    assert [(f["admin_area"], f["count"]) for f in report["findings"]] == [("North", 3)]
    made = client.post(V, json=RULE, headers=coordinator)
    assert made.status_code == 201, made.text
    rule = made.json()
    assert rule["params"]["window_days"] == 7 and rule["firings"] == 0
    again = client.post(f"{V}/{rule['id']}/dry-run", json=period, headers=analyst).json()
    assert again["findings"][0]["title"] == report["findings"][0]["title"]
    with db.session() as s:
        assert run_rules(s, noon(date.fromisoformat(day(3)))) == 1
    firings = client.get(f"{V}/{rule['id']}/firings", headers=analyst).json()
    assert firings["total"] == 1 and firings["items"][0]["detail"]["count"] == 3
    listed = client.get(V, headers=analyst).json()
    assert listed[0]["firings"] == 1 and listed[0]["last_fired_at"]
    assert client.delete(f"{V}/{rule['id']}", headers=coordinator).status_code == 204
    assert client.get(f"{V}/{rule['id']}", headers=analyst).json()["enabled"] is False
    back = client.patch(f"{V}/{rule['id']}", json={"enabled": True}, headers=coordinator)
    assert back.status_code == 200 and back.json()["enabled"] is True

