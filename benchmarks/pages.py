"""Server time of the busiest pages at 100,000 events, beside the API list in the same run.

Builds a store as benchmarks/ingest.py does (same generator, same import), moves part of it
along the verification workflow, then times over N requests each, interleaved:
the dashboard, the events list page with a realistic filter (a country, an act type, a year),
its map points (/events/map.json), and GET /api/v1/events with the same filter. The dashboard is
also timed cold (its cache emptied before each request), so the cache's share is visible.
Figures go to benchmarks/results/pages.json (PostgreSQL ones with a ``pg_`` prefix).

    python benchmarks/pages.py [--events N] [--requests N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from rich.console import Console
from rich.table import Table
from sqlalchemy import text

from ingest import _percentiles, drop_pg, fresh_schema, pg_database, write_file
from tocsin.api.app import create_app
from tocsin.cases import statistics
from tocsin.cases.importer import import_cases
from tocsin.core.auth import actor_for, create_user
from tocsin.core.crypto import KeyRing, install_keyring
from tocsin.core.db import Database
from tocsin.core.registry import load_models
from tocsin.core.roles import Role
from tocsin.core.settings import load_settings

RESULTS = Path(__file__).parent / "results" / "pages.json"
EMAIL, PASSWORD = "bench@example.org", "bench-password-1"
FILTER = "country=XQ&act_type=killing&date_from=2019-01-01&date_to=2019-12-31"
TARGET_MS = 150.0
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def build(url: str, jsonl: Path) -> None:
    db = fresh_schema(url)
    with db.session() as s:
        actor = actor_for(create_user(s, EMAIL, PASSWORD, Role.ADMIN))
    import_cases(db, actor, jsonl)
    # Imports file everything as "reported"; spread the events over the workflow by the last
    # (random) hex digit of their id, so the dashboard has every status to count.
    with db.engine.begin() as c:
        c.execute(
            text(
                "UPDATE events SET status = CASE "
                "WHEN substr(id, 36, 1) IN ('0','1','2','3','4','5') THEN 'verified' "
                "WHEN substr(id, 36, 1) IN ('6','7','8') THEN 'under_verification' "
                "WHEN substr(id, 36, 1) IN ('9','a') THEN 'unverified' "
                "WHEN substr(id, 36, 1) = 'b' THEN 'rejected' ELSE status END"
            )
        )
    db.refresh_statistics()
    db.dispose()


def client_for(url: str, data_dir: Path) -> tuple[TestClient, dict[str, str]]:
    settings = replace(load_settings(), data_dir=data_dir, database_url=url)
    client = TestClient(create_app(settings, Database(url)))
    form = client.get("/login")
    token = CSRF.search(form.text)
    assert token, "the sign-in form carries a CSRF token"
    done = client.post(
        "/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf": token.group(1)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    tok = client.post("/api/v1/auth/token", data={"username": EMAIL, "password": PASSWORD})
    return client, {"Authorization": f"Bearer {tok.json()['access_token']}"}


def measure(url: str, data_dir: Path, requests: int, console: Console) -> dict[str, float]:
    client, bearer = client_for(url, data_dir)

    def cold_dashboard() -> Any:
        statistics.clear_cache()
        return client.get("/")

    probes: dict[str, Callable[[], Any]] = {
        "dashboard": lambda: client.get("/"),
        "events_list": lambda: client.get(f"/events?{FILTER}"),
        "map_json": lambda: client.get(f"/events/map.json?{FILTER}"),
        "api_list": lambda: client.get(f"/api/v1/events?{FILTER}", headers=bearer),
        "dashboard_cold": cold_dashboard,
    }
    for probe in probes.values():  # warm-up: first connections, template compilation
        r = probe()
        assert r.status_code == 200, r.text[:500]
    times: dict[str, list[float]] = {name: [] for name in probes}
    for i in range(requests):
        for name, probe in probes.items():
            if name == "dashboard_cold" and i % 5:
                continue  # a cold count is slow; a fifth as many samples is enough
            t0 = time.perf_counter()
            r = probe()
            times[name].append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text[:500]
    api = client.get(f"/api/v1/events?{FILTER}", headers=bearer).json()
    figures: dict[str, float] = {"filtered_events": api["total"]}
    for name, samples in times.items():
        p50, p95 = _percentiles(samples)
        figures[f"{name}_p50_ms"] = round(p50, 2)
        figures[f"{name}_p95_ms"] = round(p95, 2)
        figures[f"{name}_requests"] = len(samples)
    client.close()
    return figures


def show(console: Console, label: str, figures: dict[str, float]) -> None:
    table = Table(title=f"{label}: server time, filter {FILTER} ({figures['filtered_events']:.0f} "
                  "matching events)")
    table.add_column("page")
    table.add_column("requests", justify="right")
    table.add_column("p50 ms", justify="right")
    table.add_column("p95 ms", justify="right")
    table.add_column(f"p95 < {TARGET_MS:.0f} ms")
    for name in ("dashboard", "dashboard_cold", "events_list", "map_json", "api_list"):
        p95 = figures[f"{name}_p95_ms"]
        table.add_row(
            name,
            f"{figures[f'{name}_requests']:.0f}",
            f"{figures[f'{name}_p50_ms']:.1f}",
            f"{p95:.1f}",
            "yes" if p95 < TARGET_MS else "NO",
        )
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="build the SQLite store here, or reuse it")
    args = parser.parse_args()
    console = Console()
    load_models()
    results: dict[str, Any] = {"events": args.events, "requests": args.requests,
                               "filter": FILTER, "backend": "sqlite"}
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        keys, store = work / "bench.keys", work / "bench.sqlite3"
        reuse = store.exists() and keys.exists()
        ring = KeyRing.load(keys) if reuse else KeyRing.generate()
        install_keyring(ring)
        jsonl = Path(tmp) / "events.jsonl"
        write_file(jsonl, args.events)
        sqlite_url = f"sqlite:///{store}"
        if not reuse:
            started = time.perf_counter()
            build(sqlite_url, jsonl)
            ring.save(keys)
            took = time.perf_counter() - started
            console.print(f"sqlite: built {args.events} events in {took:.0f} s")
        figures = measure(sqlite_url, work, args.requests, console)
        show(console, "SQLite", figures)
        results |= figures
        pg_admin = os.environ.get("TOCSIN_TEST_POSTGRES_URL")
        if pg_admin:
            url = pg_database(pg_admin)
            try:
                build(url, jsonl)
                pg = measure(url, Path(tmp), args.requests, console)
                show(console, "PostgreSQL", pg)
                results |= {f"pg_{k}": v for k, v in pg.items()}
            finally:
                drop_pg(pg_admin, url)
        else:
            console.print("postgres: skipped (TOCSIN_TEST_POSTGRES_URL not set)")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    console.print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
