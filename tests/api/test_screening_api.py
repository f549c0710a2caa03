"""The match API and watchlist upload over HTTP: a RED perpetrator never reaches an analyst,
a list uploaded replaces the previous one, and a bad file is refused with the place named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tocsin.core.access import Actor
from tocsin.core.roles import Role

V = "/api/v1"
DATA = Path(__file__).parents[1] / "crosscheck" / "data"


def upload(client: TestClient, headers: dict[str, str], name: str, fmt: str,
           content: bytes) -> Any:  # fmt: skip
    return client.post(f"{V}/watchlists/{name}", data={"format": fmt},
                       files={"file": ("list", content, "application/octet-stream")},
                       headers=headers)  # fmt: skip


def test_match_never_returns_a_record_above_clearance(
    client: TestClient, team: Any, seed: Any, owner: Actor
) -> None:
    coordinator = seed.as_(team[Role.COORDINATOR].actor)
    red = coordinator.person("RED", names=[{"value": "Jamal Tariq Haddad"}], roles=["perpetrator"])
    amber = coordinator.person("AMBER", names=[{"value": "جمال طارق حداد"}],
                               roles=["perpetrator"])  # fmt: skip
    body = {"name": "Jamal Tarek Hadad", "nationality": "Iraq", "limit": 5}
    r = client.post(f"{V}/match", json=body, headers=team(Role.ANALYST))
    assert r.status_code == 200, r.text
    found = {h["record_id"] for h in r.json()["results"]}
    assert amber.id in found and red.id not in found
    assert "Jamal Tariq Haddad" not in r.text
    assert r.json()["query"]["nationality"] == "IQ"
    hit = r.json()["results"][0]
    assert hit["schema"] == "person" and hit["source"] == "project"
    assert {f["field"] for f in hit["features"]} >= {"name", "birth_date"}
    r = client.post(f"{V}/match", json=body, headers=team(Role.COORDINATOR))
    assert {red.id, amber.id} <= {h["record_id"] for h in r.json()["results"]}


def test_match_refuses_bad_queries(client: TestClient, team: Any) -> None:
    headers = team(Role.ANALYST)
    r = client.post(f"{V}/match", json={"name": "Ali", "limit": 51}, headers=headers)
    assert r.status_code == 422
    r = client.post(f"{V}/match", json={"name": "Ali", "nationality": "Atlantis"},
                    headers=headers)  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "nationality"


def test_upload_list_then_screen_against_it(client: TestClient, team: Any) -> None:
    headers = team(Role.DOCUMENTER)
    r = upload(client, headers, "un-sc", "un", (DATA / "consolidated.xml").read_bytes())
    assert r.status_code == 200, r.text
    assert (r.json()["added"], r.json()["removed"]) == (3, 0)
    r = client.post(f"{V}/match", json={"name": "Husayn Abd al-Rahman al-Jabouri",
                                        "identifiers": [{"type": "passport",
                                                         "number": "g-1234567"}]},
                    headers=team(Role.PARTNER_VIEWER))  # fmt: skip
    top = r.json()["results"][0]
    assert (top["collection"], top["external_id"]) == ("un-sc", "900001")
    assert any(f["field"] == "identifiers" and f["level"] == "match" for f in top["features"])
    lists = client.get(f"{V}/watchlists", headers=headers).json()
    assert [(x["list_name"], x["entries"], x["organisations"]) for x in lists] == [
        ("un-sc", 3, 1)]
    bad = upload(client, headers, "un-sc", "csv", b"id,name\nq1,Ali Omar\nq1,Omar Ali\n")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "line 3"
    assert client.get(f"{V}/watchlists", headers=headers).json()[0]["entries"] == 3
    assert upload(client, team(Role.ANALYST), "x", "csv", b"id,name\n").status_code == 403
