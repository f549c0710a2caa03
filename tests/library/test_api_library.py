"""The library API on SQLite and PostgreSQL: a seed uploaded is listed, shown as a tree and
found; an analyst's correction is kept; links are made, listed and rejected; suggestions are
stable across reads; bad input names its field; the wrong role gets 403 and writes nothing.
(Every route against every role and sharing level: tests/api/test_authorisation_matrix.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import PASSWORD, MakeActor
from tests.library.seeds_kit import PARIS_COMMITMENTS, SEEDS, needs_seeds, parsed
from tests.seeding import cheap_hashing

from tocsin.api.app import create_app
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

L = "/api/v1/library"
PLAN = b"Plan of action\n\n1. States should protect defenders.\n2. Courts should try the accused.\n"
OTHER = b"Commitments\n\n1. We commit to protect human rights defenders at risk.\n"


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")  # the rule layer; embeddings have their test


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db)) as c:
        yield c


@pytest.fixture
def signed_in(client: TestClient, make_actor: MakeActor) -> Any:
    def sign_in(role: Role) -> dict[str, str]:
        email = make_actor(role).email
        r = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    return sign_in


def upload(client: TestClient, headers: dict[str, str], content: bytes, name: str,
           **fields: str) -> Any:  # fmt: skip
    files = {"file": (name, content, "text/plain")}
    return client.post(f"{L}/documents", files=files, data=fields, headers=headers)


@needs_seeds
def test_a_seed_uploaded_is_listed_shown_and_found(client: TestClient, signed_in: Any) -> None:
    analyst, viewer = signed_in(Role.ANALYST), signed_in(Role.PARTNER_VIEWER)
    seed = parsed(PARIS_COMMITMENTS)
    slug, items = seed.document.slug, len(list(seed.document.items()))

    r = upload(client, analyst, (SEEDS / PARIS_COMMITMENTS).read_bytes(), PARIS_COMMITMENTS)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["created"] and made["document"]["items"] == items
    assert f"{slug}/-/-/6" in made["added"] and made["classified"] == items
    assert made["report"]["counts"] == dict(seed.report.counts)
    assert [e["kind"] for e in made["report"]["entries"]] == [
        e.kind.value for e in seed.report.entries]  # fmt: skip

    again = upload(client, analyst, (SEEDS / PARIS_COMMITMENTS).read_bytes(), PARIS_COMMITMENTS)
    assert again.status_code == 200 and again.json()["same_file"] and not again.json()["added"]

    listed = client.get(f"{L}/documents", headers=viewer).json()
    assert [(d["slug"], d["items"]) for d in listed] == [(slug, items)]
    tree = client.get(f"{L}/documents/{slug}", headers=viewer).json()
    refs = [i["reference"] for p in tree["parts"] for s in p["sections"] for i in s["items"]]
    assert refs == [i.reference for i in seed.document.items()]

    found = client.get(f"{L}/search", params={"q": "impunity", "document": slug},
                       headers=viewer).json()  # fmt: skip
    assert found["hits"][0]["node"]["reference"] == f"{slug}/-/-/6"
    theme = found["hits"][0]["node"]["labels"]["theme"][0]["label"]
    for code, present in ((theme, True), ("cultural_heritage", False)):
        narrowed = client.get(f"{L}/search", params={"q": "impunity", "theme": code},
                              headers=viewer).json()  # fmt: skip
        assert (f"{slug}/-/-/6" in [h["node"]["reference"] for h in narrowed["hits"]]) is present
    node = client.get(f"{L}/nodes", params={"reference": f"{slug}/-/-/6"}, headers=viewer)
    assert node.status_code == 200 and "impunity" in node.json()["text"]
    same = client.get(f"{L}/nodes/{node.json()['id']}", headers=viewer).json()
    assert same["reference"] == f"{slug}/-/-/6" and same["labels"]["actor"]


def test_a_correction_is_kept_and_links_are_decided(client: TestClient, signed_in: Any) -> None:
    analyst, viewer = signed_in(Role.ANALYST), signed_in(Role.PARTNER_VIEWER)
    assert upload(client, analyst, PLAN, "plan.txt").status_code == 201
    assert upload(client, analyst, OTHER, "other.txt", slug="pledges").status_code == 201
    first = client.get(f"{L}/nodes", params={"reference": "plan/-/-/1"}, headers=viewer).json()

    put = client.put(f"{L}/nodes/{first['id']}/labels/actor", headers=analyst,
                     json={"labels": ["civil_society", "state"], "note": "both named"})
    assert put.status_code == 200, put.text
    kept = client.get(f"{L}/nodes/{first['id']}", headers=viewer).json()
    assert [x["label"] for x in kept["labels"]["actor"]] == ["civil_society", "state"]
    assert {x["source"] for x in kept["labels"]["actor"]} == {"analyst"}
    assert [(c["dimension"], c["labels"], c["note"]) for c in kept["corrections"]] == [
        ("actor", ["civil_society", "state"], "both named")]  # fmt: skip
    # a re-import of the same text keeps the analyst's labels
    assert upload(client, analyst, PLAN + b"3. New.\n", "plan.txt").status_code == 200
    after = client.get(f"{L}/nodes/{first['id']}", headers=viewer).json()
    assert [x["label"] for x in after["labels"]["actor"]] == ["civil_society", "state"]

    suggested = client.post(f"{L}/nodes/{first['id']}/suggestions", headers=analyst)
    assert suggested.status_code == 200, suggested.text
    assert [x["to_node"]["reference"] for x in suggested.json()] == ["pledges/-/-/1"]
    again = client.post(f"{L}/nodes/{first['id']}/suggestions", headers=analyst).json()
    assert [x["id"] for x in again] == [x["id"] for x in suggested.json()]  # not made twice

    made = client.post(f"{L}/nodes/{first['id']}/links", headers=analyst,
                       json={"to_node": "pledges/-/-/1", "kind": "implements"})  # fmt: skip
    assert made.status_code == 201, made.text
    assert made.json()["id"] == again[0]["id"]  # the suggestion, confirmed
    listed = client.get(f"{L}/nodes/{first['id']}/links", headers=viewer).json()
    assert [(x["to_node"]["reference"], x["status"], x["kind"]) for x in listed] == [
        ("pledges/-/-/1", "confirmed", "implements")]  # fmt: skip
    rejected = client.post(f"{L}/links/{made.json()['id']}/reject", headers=analyst,
                           json={"note": "different defenders"})  # fmt: skip
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    gone = client.post(f"{L}/nodes/{first['id']}/suggestions", headers=analyst).json()
    assert "pledges/-/-/1" not in [x["to_node"]["reference"] for x in gone]


def test_bad_input_names_its_field(client: TestClient, signed_in: Any) -> None:
    analyst = signed_in(Role.ANALYST)
    assert upload(client, analyst, PLAN, "plan.txt").status_code == 201
    node = client.get(f"{L}/nodes", params={"reference": "plan/-/-/1"}, headers=analyst).json()
    at = f"{L}/nodes/{node['id']}"

    r = client.post(f"{L}/documents", data={"slug": "x"}, headers=analyst)
    assert r.status_code == 422 and "file" in r.text
    r = upload(client, analyst, PLAN, "plan2.txt", format="docx")
    assert r.status_code == 422 and "format" in r.text
    r = upload(client, analyst, b"\x00\x01\x02binary" * 200, "blob.bin")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "file", r.text
    r = upload(client, analyst, PLAN, "plan3.txt", slug="Bad Slug!")
    assert r.status_code == 422 and "slug" in r.text
    r = client.put(f"{at}/labels/mood", headers=analyst, json={"labels": ["state"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "dimension"
    r = client.put(f"{at}/labels/actor", headers=analyst, json={"labels": ["wizards"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "labels"
    assert "wizards" in r.text
    r = client.put(f"{at}/labels/sphere", headers=analyst, json={"labels": []})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "labels"
    r = client.get(f"{L}/search", params={"q": "defenders", "actor": "wizards"}, headers=analyst)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "filters.actor"
    r = client.get(f"{L}/search", params={"q": "defenders", "document": "nope"}, headers=analyst)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "filters.document"
    r = client.post(f"{at}/links", headers=analyst, json={"to_node": "plan/-/-/9"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "to_node"
    r = client.post(f"{at}/links", headers=analyst, json={"to_node": "plan/-/-/2", "kind": "x"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "kind"
    assert client.get(f"{L}/nodes/nope", headers=analyst).status_code == 404
    listed = client.get(f"{L}/documents", headers=analyst).json()
    assert [d["slug"] for d in listed] == ["plan"]  # nothing half-written by the refusals


def test_wrong_role_is_refused_and_nothing_written(client: TestClient, signed_in: Any) -> None:
    analyst = signed_in(Role.ANALYST)
    for role in (Role.PARTNER_VIEWER, Role.DOCUMENTER):
        r = upload(client, signed_in(role), PLAN, "plan.txt")
        assert r.status_code == 403, r.text
    assert client.get(f"{L}/documents", headers=analyst).json() == []
    assert upload(client, analyst, PLAN, "plan.txt").status_code == 201
    node = client.get(f"{L}/nodes", params={"reference": "plan/-/-/1"}, headers=analyst).json()
    viewer = signed_in(Role.PARTNER_VIEWER)
    r = client.put(f"{L}/nodes/{node['id']}/labels/actor", headers=viewer,
                   json={"labels": ["un_body"]})  # fmt: skip
    assert r.status_code == 403
    assert client.post(f"{L}/nodes/{node['id']}/suggestions", headers=viewer).status_code == 403
    kept = client.get(f"{L}/nodes/{node['id']}", headers=analyst).json()
    assert kept["corrections"] == [] and client.get(f"{L}/documents").status_code == 401
