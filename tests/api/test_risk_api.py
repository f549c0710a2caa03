"""The risk API over HTTP: an assessment from draft to approval and comparison, a bad rating
refused with its field named, a forecast made and ranked, event data uploaded and counted within
the reader's clearance."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.risk.test_events import acled, acled_csv

from tocsin.core.roles import Role

V = "/api/v1"


def test_an_assessment_goes_from_draft_to_approval_and_compares(
    client: TestClient, team: Any
) -> None:
    analyst, coordinator = team(Role.ANALYST), team(Role.COORDINATOR)
    body = {"country": "SDN", "as_of": "2025-03-31", "tlp": "GREEN",
            "ratings": [{"indicator": "RF1.1", "rating": "serious", "confidence": "high"}]}
    r = client.post(f"{V}/risk/assessments", json=body, headers=analyst)
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["country"] == "SD" and first["status"] == "draft"
    assert {f["code"]: f["level"] for f in first["factors"]}["RF1"] == "high"

    bad = {"ratings": [{"indicator": "RF99.1", "rating": "present"}]}
    r = client.patch(f"{V}/risk/assessments/{first['id']}", json=bad, headers=analyst)
    assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith("ratings")

    assert client.post(f"{V}/risk/assessments/{first['id']}/submit",
                       headers=analyst).status_code == 200  # fmt: skip
    r = client.post(f"{V}/risk/assessments/{first['id']}/approve", json={}, headers=analyst)
    assert r.status_code == 403
    r = client.post(f"{V}/risk/assessments/{first['id']}/approve", json={"reason": "checked"},
                    headers=coordinator)  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "approved"

    r = client.post(f"{V}/risk/assessments/{first['id']}/revise", json={"as_of": "2025-09-30"},
                    headers=analyst)  # fmt: skip
    second = r.json()
    r = client.patch(f"{V}/risk/assessments/{second['id']}", headers=analyst,
                     json={"ratings": [{"indicator": "RF1.1", "rating": "absent"}]})  # fmt: skip
    assert r.status_code == 200, r.text
    r = client.get(f"{V}/risk/assessments/compare",
                   params={"old": first["id"], "new": second["id"]}, headers=analyst)  # fmt: skip
    changes = {c["code"]: c for c in r.json()["factors"]}
    assert changes["RF1"]["old_level"] == "high" and changes["RF1"]["change"] < 0
    r = client.get(f"{V}/risk/assessments/history", params={"country": "SD"}, headers=analyst)
    assert [a["id"] for a in r.json()] == [first["id"], second["id"]]
    r = client.get(f"{V}/risk/assessments/{first['id']}/pdf", headers=analyst)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_a_forecast_is_made_and_ranked(client: TestClient, team: Any, seed: Any) -> None:
    model = seed.risk_model()
    r = client.post(f"{V}/risk/forecasts", json={"year": 1994, "model_id": model.id},
                    headers=team(Role.COORDINATOR))  # fmt: skip
    assert r.status_code == 201, r.text
    r = client.post(f"{V}/risk/forecasts", json={"year": 1995}, headers=team(Role.COORDINATOR))
    assert r.status_code == 201, r.text
    latest = client.get(f"{V}/risk/forecasts/latest", headers=team(Role.PARTNER_VIEWER)).json()
    assert latest["year"] == 1995 and latest["previous_run_id"]
    rows = latest["rows"]
    assert [row["rank"] for row in rows] == sorted(row["rank"] for row in rows)
    assert all(row["previous_rank"] is not None for row in rows)
    assert rows[0]["explanation"]
    first = client.get(f"{V}/risk/forecasts/{latest['id']}", params={"top": 3},
                       headers=team(Role.ANALYST)).json()  # fmt: skip
    assert [row["rank"] for row in first["rows"]] == [row["rank"] for row in rows[:3]]
    r = client.post(f"{V}/risk/forecasts", json={"year": 2031, "model_id": model.id},
                    headers=team(Role.COORDINATOR))  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] in {"year", "data"}
    cards = client.get(f"{V}/risk/models", headers=team(Role.ANALYST)).json()
    assert cards[0]["card"]["period"]["forecasts_from"] == 1994


def test_event_data_is_uploaded_and_counted_within_clearance(
    client: TestClient, team: Any
) -> None:
    rows = [acled(n, f"2024-{1 + n % 12:02d}-10") for n in range(1, 25)]
    files = {"file": ("acled.csv", acled_csv(rows), "text/csv")}
    r = client.post(f"{V}/risk/events/import", files=files, data={"tlp": "AMBER"},
                    headers=team(Role.ANALYST))  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["added"] == 24
    params = {"level": "country", "country": "SD"}
    seen = client.get(f"{V}/risk/events/indicators", params=params, headers=team(Role.ANALYST))
    assert seen.json()[0]["period"]["total"]["events"] == 24
    hidden = client.get(f"{V}/risk/events/indicators", params=params,
                        headers=team(Role.PARTNER_VIEWER))  # fmt: skip
    assert hidden.json() == []
    broken = {"file": ("acled.csv", b"event_id_cnty,event_date\nX1,not a date\n", "text/csv")}
    r = client.post(f"{V}/risk/events/import", files=broken, headers=team(Role.ANALYST))
    assert r.status_code == 422 and r.json()["errors"][0]["field"]
