"""The subscription routes over HTTP: the secret in one reply only, refusals as problem
documents naming the field, someone else's subscription refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from seeding import PASSWORD, add_user, cheap_hashing
from tocsin.api.app import create_app
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

URL = "/api/v1/alert-subscriptions"


@pytest.fixture
def client(settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[TestClient]:  # fmt: skip
    cheap_hashing(monkeypatch)
    with TestClient(create_app(settings, db)) as c:
        yield c


def sign_in(client: TestClient, db: Database, role: Role) -> dict[str, str]:
    actor = add_user(db, role, f"{role.value}@api-subs.example.org")
    r = client.post("/api/v1/auth/token", data={"username": actor.email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_the_routes_from_subscribing_to_deleting(client: TestClient, db: Database) -> None:
    analyst = sign_in(client, db, Role.ANALYST)
    viewer = sign_in(client, db, Role.PARTNER_VIEWER)
    made = client.post(URL, headers=analyst, json={
        "name": "Darfur desk", "channel": "webhook", "address": "http://127.0.0.1:9/in",
        "countries": ["SD"], "min_severity": "severe", "max_tlp": "AMBER"})  # fmt: skip
    assert made.status_code == 201, made.text
    body = made.json()
    secret, sub_id = body["secret"], body["id"]
    assert secret and body["has_secret"] and body["max_tlp"] == "AMBER"
    listed = client.get(URL, headers=analyst)
    assert listed.json()["total"] == 1 and secret not in listed.text
    assert "secret" not in listed.json()["items"][0]

    refused = client.post(URL, headers=viewer, json={"name": "Mine", "channel": "email",
                                                     "address": "me@example.org",
                                                     "max_tlp": "AMBER"})  # fmt: skip
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"][0]["field"] == "max_tlp"
    unknown = client.post(URL, headers=viewer, json={"name": "x", "channel": "sms",
                                                     "address": "+100"})  # fmt: skip
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "channel"

    assert client.patch(f"{URL}/{sub_id}", headers=viewer, json={"name": "x"}).status_code == 403
    rotated = client.patch(f"{URL}/{sub_id}", headers=analyst, json={"rotate_secret": True})
    assert rotated.status_code == 200 and rotated.json()["secret"] not in (None, secret)
    renamed = client.patch(f"{URL}/{sub_id}", headers=analyst, json={"name": "Renamed"})
    assert renamed.json()["secret"] is None and renamed.json()["name"] == "Renamed"

    tried = client.post(f"{URL}/{sub_id}/test", headers=analyst)
    assert tried.status_code == 200 and tried.json()["delivered"] is False

    assert client.delete(f"{URL}/{sub_id}", headers=viewer).status_code == 403
    assert client.delete(f"{URL}/{sub_id}", headers=analyst).status_code == 204
    assert client.delete(f"{URL}/{sub_id}", headers=analyst).status_code == 404
