"""Response plans through the API and the command line: proposals ranked with their
explanations, problems named by field, a plan created from proposals and its items changed
and removed. (Every route against every role and sharing level is in
tests/api/test_authorisation_matrix.py.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.conftest import PASSWORD, MakeActor
from tests.response.plans_kit import approved_assessment, labelled_library, ref
from tests.seeding import cheap_hashing
from typer.testing import CliRunner

from tocsin.api.app import create_app
from tocsin.cli import app as cli
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

V = "/api/v1/response"


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db)) as c:
        yield c


def token(client: TestClient, actor: Actor) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": actor.email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_proposals_and_a_plan_through_the_api(
    client: TestClient, db: Database, make_actor: MakeActor
) -> None:
    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    labelled_library(db, analyst)
    aid = approved_assessment(db, analyst, coordinator)
    me = token(client, analyst)
    ask = {"situation": {"country": "XQ"}, "actor": "state", "sphere": "domestic"}
    r = client.post(f"{V}/proposals", json=ask, headers=me)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["situation"]["assessment_id"] == aid and body["phase"] == "prevention"
    assert [(p["reference"], p["score"]) for p in body["proposals"]] == [
        (ref(1), 5.5),
        (ref(2), 3.0),
    ]
    assert body["proposals"][0]["explanation"]["factors"][0] == {
        "code": "RF7", "name": "Enabling circumstances or preparatory action", "level": "high",
        "weight": 2, "confidence": 1.0, "points": 2.0,
    }  # fmt: skip

    bad = {"situation": {"factors": [{"code": "RF7", "level": "dire"}]}, "actor": "state"}
    r = client.post(f"{V}/proposals", json=bad, headers=me)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["situation.factors[0].level"]

    plan = {"title": "Plan", "situation": {"country": "XQ"}, "actor": "state", "tlp": "GREEN",
            "items": [{"node": p["node_id"]} for p in body["proposals"]]}  # fmt: skip
    r = client.post(f"{V}/plans", json=plan, headers=me)
    assert r.status_code == 201, r.text
    made = r.json()
    assert [(i["reference"], i["position"]) for i in made["items"]] == [(ref(1), 1), (ref(2), 2)]
    second = made["items"][1]["id"]
    r = client.patch(f"{V}/plans/items/{second}", json={"position": 1, "status": "done"},
                     headers=me)  # fmt: skip
    assert r.status_code == 200, r.text
    assert [(i["reference"], i["status"]) for i in r.json()["items"]] == [
        (ref(2), "done"),
        (ref(1), "planned"),
    ]
    r = client.delete(f"{V}/plans/items/{second}", headers=me)
    assert r.status_code == 200 and [i["reference"] for i in r.json()["items"]] == [ref(1)]
    r = client.get(f"{V}/plans", params={"country": "XQ"}, headers=me)
    assert [(p["id"], p["items_total"]) for p in r.json()["items"]] == [(made["id"], 1)]
    viewer = token(client, make_actor(Role.PARTNER_VIEWER))
    assert client.get(f"{V}/plans/{made['id']}", headers=viewer).status_code == 200  # GREEN
    r = client.post(f"{V}/plans/{made['id']}/items", json={"node": ref(4)}, headers=viewer)
    assert r.status_code == 403


def plans(user: Actor, *args: str) -> tuple[int, str]:
    done = CliRunner().invoke(cli, ["response", "plans", *args, "--user", user.email],
                              env={"COLUMNS": "250"})  # fmt: skip
    return done.exit_code, done.output


def test_the_command_line_proposes_and_keeps_a_plan(
    cli_env: Settings, db: Database, make_actor: MakeActor
) -> None:
    analyst = make_actor(Role.ANALYST, "planner@example.org")
    labelled_library(db, analyst)
    code, out = plans(analyst, "propose", "--factors", "RF7,RF9:low", "--actor", "un_body")
    assert code == 0, out
    assert out.index(ref(2)) < out.index(ref(1))  # un_body's item first
    assert "RF7 (high); for un_body" in out and "2 of 2 paragraphs" in out
    code, out = plans(analyst, "propose", "--factors", "RF99", "--actor", "state")
    assert code != 0 and "situation.factors[0].code" in out
    code, out = plans(analyst, "create", "--title", "From the CLI", "--factors", "RF7",
                      "--actor", "state", "--top", "1", "--node", ref(5))  # fmt: skip
    assert code == 0, out
    assert ref(1) in out and ref(5) in out and ref(2) not in out
    code, out = plans(analyst, "list")
    assert code == 0 and "From the CLI" in out and "0/2" in out


@pytest.mark.parametrize(("args", "named"), [
    (["propose", "--actor", "state", "--factors", "RF7", "--limit", "0"], "--limit"),
    (["propose", "--actor", "state", "--factors", "RF7toolongcode"], "--factors"),
    (["propose", "--actor", "state", "--alert", "x" * 40], "--alert"),
    (["create", "--title", "", "--actor", "state", "--factors", "RF7"], "--title"),
    (["create", "--title", "x", "--actor", "state", "--factors", "RF7", "--tlp", "PINK"],
     "--tlp"),
    (["create", "--title", "x", "--actor", "state", "--factors", "RF7", "--node", "x" * 600],
     "--node"),
])  # fmt: skip
def test_a_bad_option_is_named_not_a_traceback(
    cli_env: Settings, make_actor: MakeActor, args: list[str], named: str
) -> None:
    code, out = plans(make_actor(Role.ANALYST), *args)
    assert code != 0 and named in out and "Traceback" not in out, out
