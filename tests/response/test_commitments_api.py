"""The commitments API end to end: record, judge, list with filters, the dashboard, the report;
a problem names its field; a partner does not see an AMBER commitment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.seeding import add_user, cheap_hashing

from tocsin.api.app import create_app
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

V = "/api/v1/response"
PASSWORD = "api commitments passphrase"


@pytest.fixture
def client(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    cheap_hashing(monkeypatch)
    with TestClient(create_app(settings, db)) as c:
        yield c


def _as(client: TestClient, db: Database, role: Role) -> dict[str, str]:
    email = f"{role.value}@commitments.example.org"
    add_user(db, role, email, PASSWORD)
    r = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_record_judge_list_and_report(client: TestClient, db: Database) -> None:
    analyst, partner = _as(client, db, Role.ANALYST), _as(client, db, Role.PARTNER_VIEWER)
    body = {"actor_name": "Republic of Apiland", "action": "Release detained children.",
            "document_title": "Apiland pledge", "made_on": "2020-02-01", "due_on": "2021-02-01",
            "indicators": ["Children released"], "country": "fr"}  # fmt: skip
    made = client.post(f"{V}/commitments", json=body, headers=analyst)
    assert made.status_code == 201, made.text
    cid = made.json()["id"]
    assert made.json()["country"] == "FR" and made.json()["tlp"] == "GREEN"
    secret = client.post(f"{V}/commitments", json={**body, "tlp": "AMBER", "action": "Hidden."},
                         headers=analyst).json()["id"]  # fmt: skip
    bad = client.post(f"{V}/commitments/{cid}/statuses", headers=analyst, json={
        "status": "finished", "as_of": "2024-01-01", "source": "x",
        "source_kind": "other"})  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
    judged = client.post(f"{V}/commitments/{cid}/statuses", headers=analyst, json={
        "status": "implemented", "as_of": "2024-01-01", "source": "UPR national report",
        "source_kind": "self_report", "indicators": ["Children released"],
        "urls": ["https://example.org/upr"]})  # fmt: skip
    assert judged.status_code == 201 and judged.json()["status"] == "implemented"
    listed = client.get(f"{V}/commitments", params={"status": "implemented"}, headers=partner)
    assert [c["id"] for c in listed.json()["items"]] == [cid]
    assert client.get(f"{V}/commitments/{secret}", headers=partner).status_code == 404
    statuses = client.get(f"{V}/commitments/{cid}/statuses", headers=partner).json()
    assert [s["source"] for s in statuses] == ["UPR national report"]
    board = client.get(f"{V}/dashboard", params={"actor": "Republic of Apiland"},
                       headers=analyst).json()  # fmt: skip
    assert board["total"]["total"] == 2 and board["total"]["counts"]["implemented"] == 1
    patched = client.patch(f"{V}/commitments/{cid}", json={"due_on": None}, headers=analyst)
    assert patched.status_code == 200 and patched.json()["due_on"] is None
    params = {"document": "Apiland pledge"}
    assert client.get(f"{V}/report.csv", params=params, headers=partner).status_code == 403
    report = client.get(f"{V}/report.csv", params=params, headers=analyst)
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    assert "Release detained children." in report.text and "Hidden." in report.text
