"""The evidence endpoints: upload, list, download, duplicates, refusals and custody."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from seeding import Seeder
from tocsin.core.roles import Role
from tocsin.vault import merkle, verify_bundle
from tocsin.vault.signing import TreeHead, verify_tree_head

V = "/api/v1/evidence"


def upload(client: TestClient, headers: dict[str, str], content: bytes, **fields: Any) -> Any:
    files = {"file": (fields.pop("name", "photo.jpg"), content, "image/jpeg")}
    return client.post(V, data={"kind": "photo", **fields}, files=files, headers=headers)


def test_upload_list_download_and_duplicate(client: TestClient, team: Any, seed: Seeder) -> None:
    ev = seed.event("AMBER").id
    content = os.urandom(3000)
    doc = team(Role.DOCUMENTER)
    statement = {"collected_by": "Team B", "collected_at": "2024-03-02T10:00:00Z",
                 "lat": "36.2", "lon": "37.1"}  # fmt: skip
    r = upload(client, doc, content, event_id=ev, name="roof é.jpg", **statement)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["size"] == 3000 and made["statement"]["collected_by"] == "Team B"
    assert made["statement"]["place"]["lat"] == 36.2 and not made["duplicate"]
    listed = client.get(V, params={"event_id": ev}, headers=doc).json()
    assert [e["id"] for e in listed["items"]] == [made["id"]]
    got = client.get(f"{V}/{made['id']}/content", headers=doc)
    assert got.status_code == 200 and got.content == content
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''roof%20%C3%A9.jpg" in got.headers["content-disposition"]
    again = upload(client, doc, content, event_id=ev)
    assert again.status_code == 200 and again.json()["duplicate"]
    assert again.json()["id"] == made["id"]


def test_custody_entries_are_appended_and_provable(
    client: TestClient, team: Any, seed: Seeder
) -> None:
    analyst = team(Role.ANALYST)
    made = upload(client, analyst, b"custody", event_id=seed.event("GREEN").id).json()
    client.get(f"{V}/{made['id']}/content", headers=analyst)
    body = client.get(f"{V}/{made['id']}/custody", headers=analyst).json()
    assert [e["kind"] for e in body["entries"]] == ["collected", "received", "accessed"]
    head = body["head"]
    signed = TreeHead(head["tree_size"], head["timestamp_ms"], bytes.fromhex(head["root_hash"]),
                      bytes.fromhex(head["signature"]), head["key_id"])  # fmt: skip
    assert verify_tree_head(bytes.fromhex(body["public_key"]), signed)
    for entry in body["entries"]:
        leaf = merkle.leaf_hash(entry["entry"].encode())
        path = [bytes.fromhex(h) for h in entry["proof"]["path"]]
        assert merkle.verify_inclusion(leaf, entry["index"], signed.tree_size, path,
                                       signed.root_hash)  # fmt: skip


def test_refusals(client: TestClient, team: Any, seed: Seeder) -> None:
    red = seed.evidence("RED")
    partner = team(Role.PARTNER_VIEWER)
    for suffix in ("", "/content", "/custody"):
        r = client.get(f"{V}/{red.id}{suffix}", headers=partner)
        assert r.status_code == 404 and red.secret not in r.text
    clear_event = seed.event("CLEAR").id
    assert upload(client, partner, b"no", event_id=clear_event).status_code == 403
    bad = upload(client, team(Role.DOCUMENTER), b"x", event_id=clear_event, collected_at="soon")
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["collected_at"]
    no_target = upload(client, team(Role.DOCUMENTER), b"x")
    assert no_target.status_code == 422 and "event_id" in no_target.text
    nul = upload(client, team(Role.DOCUMENTER), b"x", event_id=clear_event, notes="a\x00b")
    assert nul.status_code == 422 and nul.json()["errors"][0]["field"] == "notes"


def test_statement_and_bundle_endpoints(
    client: TestClient, team: Any, seed: Seeder, tmp_path: Path
) -> None:
    coordinator = team(Role.COORDINATOR)
    ev, witness = seed.event("AMBER").id, seed.person("AMBER").id
    body = {"event_id": ev, "witness_id": witness, "taken_at": "2024-03-02T09:00:00Z",
            "interviewer": "I. Two", "language": "fr", "informed_consent": True,
            "text": "Je les ai vus.", "agreement": "signed"}  # fmt: skip
    refused = client.post(f"{V}/statements", json={**body, "informed_consent": False},
                          headers=coordinator)  # fmt: skip
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["informed_consent"]
    made = client.post(f"{V}/statements", json=body, headers=coordinator)
    assert made.status_code == 201, made.text
    assert made.json()["kind"] == "witness_statement" and made.json()["tlp"] == "RED"
    read = client.get(f"{V}/{made.json()['id']}/statement", headers=coordinator)
    assert read.status_code == 200 and read.json()["text"] == "Je les ai vus."

    scene = upload(client, coordinator, os.urandom(500), event_id=ev).json()["id"]
    got = client.post(f"{V}/bundles", json={"event_id": ev, "recipient": "icc"},
                      headers=coordinator)  # fmt: skip
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "application/zip"
    # The statement's witness has no consent on file: the statement stays home.
    assert got.headers["x-tocsin-withheld"] == made.json()["id"]
    (tmp_path / "b.zip").write_bytes(got.content)
    report = verify_bundle.verify(str(tmp_path / "b.zip"), None)
    assert not report.problems, report.lines
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        meta = [json.loads(zf.read(n)) for n in zf.namelist() if n.startswith("metadata/")]
    assert [r["evidence_id"] for m in meta for r in m["metadata"]["records"]] == [scene]
    bad = client.post(f"{V}/bundles", json={"event_id": ev, "recipient": "nobody"},
                      headers=coordinator)  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "recipient"
    assert client.post(f"{V}/bundles", json={"event_id": ev, "recipient": "icc"},
                       headers=team(Role.DOCUMENTER)).status_code == 403  # fmt: skip
