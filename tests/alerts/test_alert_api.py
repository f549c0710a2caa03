"""The alert API end to end: draft, issue, stable CAP addresses, the Atom feed (only what the
reader may see), CAP import by body or upload, problem documents naming the field."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from tests.alerts.alert_kit import fields, schema_errors

from seeding import PASSWORD, add_user, cheap_hashing
from tocsin.alerts.cap_map import CAP_NS
from tocsin.api.app import create_app
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

V = "/api/v1"
ATOM = {"a": "http://www.w3.org/2005/Atom"}
NS = {"c": CAP_NS}


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    public = replace(settings, public_url="https://ews.example.org")
    with TestClient(create_app(public, db)) as c:
        yield c


def sign_in(client: TestClient, db: Database, role: Role, email: str) -> dict[str, str]:
    add_user(db, role, email)
    r = client.post(f"{V}/auth/token", data={"username": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_draft_issue_update_and_the_stable_cap_address(client: TestClient, db: Database) -> None:
    me = sign_in(client, db, Role.ANALYST, "analyst@api.example.org")
    r = client.post(f"{V}/alerts", json=fields(tlp="CLEAR"), headers=me)
    assert r.status_code == 201, r.text
    alert_id = r.json()["id"]
    assert client.get(f"{V}/alerts/{alert_id}/cap.xml", headers=me).status_code == 409
    r = client.post(f"{V}/alerts/{alert_id}/issue", json={"ack_minutes": 10}, headers=me)
    assert r.status_code == 200 and r.json()["timings"]["report_to_issue_s"] is None
    first = client.get(f"{V}/alerts/{alert_id}/cap.xml", headers=me)
    assert first.headers["content-type"] == "application/cap+xml"
    assert schema_errors(first.content) == []
    root = etree.fromstring(first.content)
    assert root.findtext("c:sender", namespaces=NS) == "tocsin@ews.example.org"
    assert root.findtext("c:info/c:web", namespaces=NS) == (
        f"https://ews.example.org/alerts/{alert_id}")
    r = client.post(f"{V}/alerts/{alert_id}/update", json={"severity": "extreme"}, headers=me)
    assert r.status_code == 200 and r.json()["version"] == 2
    newest = etree.fromstring(client.get(f"{V}/alerts/{alert_id}/cap.xml", headers=me).content)
    assert newest.findtext("c:msgType", namespaces=NS) == "Update"
    assert newest.findtext("c:identifier", namespaces=NS).endswith(":v2")
    as_json = client.get(f"{V}/alerts/{alert_id}/cap.json", headers=me).json()["alert"]
    assert as_json["identifier"] == newest.findtext("c:identifier", namespaces=NS)
    assert as_json["info"][0]["severity"] == "Extreme"
    r = client.post(f"{V}/alerts/{alert_id}/actions", json={"kind": "public_statement"},
                    headers=me)  # fmt: skip
    assert r.status_code == 201 and r.json()["timings"]["issue_to_action_s"] >= 0


def test_bad_input_names_the_field(client: TestClient, db: Database) -> None:
    me = sign_in(client, db, Role.ANALYST, "analyst@api.example.org")
    for body, field in (({**fields(), "severity": "apocalyptic"}, "severity"),
                        ({**fields(), "polygon": [[1, 2], [1, 2], [1, 2]]}, "polygon"),
                        ({**fields(), "links": {"event_ids": ["nope"]}}, "links.event_ids[0]"),
                        ({**fields(), "country": "Sudan"}, "country")):  # fmt: skip
        r = client.post(f"{V}/alerts", json=body, headers=me)
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == field
    r = client.post(f"{V}/alerts", json=fields(), headers=me)
    r = client.post(f"{V}/alerts/{r.json()['id']}/cancel", json={"reason": "x"}, headers=me)
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"


def test_the_feed_lists_only_what_the_reader_may_see(client: TestClient, db: Database) -> None:
    coordinator = sign_in(client, db, Role.COORDINATOR, "coord@api.example.org")
    partner = sign_in(client, db, Role.PARTNER_VIEWER, "partner@api.example.org")
    analyst = sign_in(client, db, Role.ANALYST, "analyst@api.example.org")
    named = add_user(db, Role.ANALYST, "named@api.example.org")
    made: dict[str, str] = {}
    for tlp in ("GREEN", "AMBER", "RED", "CLEAR"):
        body = fields(tlp=tlp, title=f"Alert at {tlp}",
                      recipients=[named.user_id] if tlp == "RED" else [])  # fmt: skip
        alert_id = client.post(f"{V}/alerts", json=body, headers=coordinator).json()["id"]
        assert client.post(f"{V}/alerts/{alert_id}/issue", json={},
                           headers=coordinator).status_code == 200  # fmt: skip
        made[tlp] = alert_id
    made["draft"] = client.post(f"{V}/alerts", json=fields(tlp="CLEAR", title="Still a draft"),
                                headers=coordinator).json()["id"]  # fmt: skip

    def feed(headers: dict[str, str]) -> list[str]:
        r = client.get(f"{V}/alerts/feed.atom", headers=headers)
        assert r.status_code == 200 and r.headers["content-type"] == "application/atom+xml"
        root = etree.fromstring(r.content)
        entries = root.findall("a:entry", ATOM)
        for entry in entries:
            link = entry.find("a:link[@rel='alternate']", ATOM)
            assert link is not None and link.get("type") == "application/cap+xml"
            assert client.get(link.get("href"), headers=headers).status_code == 200
        return [e.findtext("a:title", namespaces=ATOM) for e in entries]

    assert feed(partner) == ["Alert at CLEAR", "Alert at GREEN"]  # newest first
    assert feed(analyst) == ["Alert at CLEAR", "Alert at AMBER", "Alert at GREEN"]
    assert feed(coordinator) == ["Alert at CLEAR", "Alert at RED", "Alert at AMBER",
                                 "Alert at GREEN"]  # fmt: skip
    r = client.get(f"{V}/alerts/{made['RED']}/cap.xml", headers=analyst)
    assert r.status_code == 404 and "Alert at RED" not in r.text
    assert client.get(f"{V}/alerts/feed.atom").status_code == 401


def test_cap_import_by_body_and_by_upload(client: TestClient, db: Database) -> None:
    me = sign_in(client, db, Role.ANALYST, "analyst@api.example.org")
    r = client.post(f"{V}/alerts", json=fields(tlp="GREEN", admin_area="Kutum"), headers=me)
    client.post(f"{V}/alerts/{r.json()['id']}/issue", json={}, headers=me)
    document = client.get(f"{V}/alerts/{r.json()['id']}/cap.xml", headers=me).content
    r = client.post(f"{V}/alerts/cap", content=document,
                    headers={**me, "Content-Type": "application/cap+xml"})  # fmt: skip
    assert r.status_code == 201, r.text
    assert (r.json()["state"], r.json()["admin_area"], r.json()["tlp"]) == ("draft", "Kutum",
                                                                            "GREEN")  # fmt: skip
    r = client.post(f"{V}/alerts/cap", files={"file": ("a.xml", document, "text/xml")},
                    headers=me)  # fmt: skip
    assert r.status_code == 201 and r.json()["source"] == "cap_import"
    evil = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>'
    r = client.post(f"{V}/alerts/cap", content=evil,
                    headers={**me, "Content-Type": "application/xml"})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "alert"
    viewer = sign_in(client, db, Role.PARTNER_VIEWER, "viewer@api.example.org")
    r = client.post(f"{V}/alerts/cap", content=document,
                    headers={**viewer, "Content-Type": "application/cap+xml"})  # fmt: skip
    assert r.status_code == 403
