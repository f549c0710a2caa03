"""Import 100,000 events (with acts and persons) from JSONL into SQLite and PostgreSQL.

Prints Tocsin's import rate beside a baseline measured in the same run: a plain DB-API
``executemany`` of exactly the rows our import wrote, into a fresh copy of the same schema.
Then times the event list endpoint at that size. Figures go to benchmarks/results/ingest.json.

    python benchmarks/ingest.py [--events N]     # PostgreSQL from TOCSIN_TEST_POSTGRES_URL
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from tocsin.cases import vocabulary
from tocsin.cases.importer import import_cases
from tocsin.core import migrate
from tocsin.core.auth import actor_for, create_user
from tocsin.core.crypto import KeyRing, install_keyring
from tocsin.core.db import Database
from tocsin.core.registry import load_models
from tocsin.core.roles import Role

RESULTS = Path(__file__).parent / "results" / "ingest.json"
ACT_TYPES = [
    "killing",
    "torture",
    "arbitrary_detention",
    "forced_displacement",
    "pillage",
    "destruction_of_property",
    "abduction",
    "attack_on_civilians",
]
GIVEN = ["Layla", "Omar", "Nadia", "Karim", "Samir", "Huda", "Yusuf", "Mariam", "Tariq", "Rana"]
GIVEN_AR = ["ليلى", "عمر", "نادية", "كريم", "سمير", "هدى", "يوسف", "مريم", "طارق", "رنا"]
FAMILY = ["Haddad", "Khoury", "Mansour", "Saleh", "Darwish", "Nasser", "Aziz", "Hamdan"]
FAMILY_AR = ["حداد", "خوري", "منصور", "صالح", "درويش", "ناصر", "عزيز", "حمدان"]


def records(n: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    yield {"type": "organisation", "ref": "B-O1", "name": "First Brigade", "kind": "armed_group"}
    for i in range(n):
        g, f = rng.randrange(len(GIVEN)), rng.randrange(len(FAMILY))
        person_ref = f"B-P{i}"
        day = rng.randrange(1, 28)
        yield {
            "ref": f"B-E{i}",
            "title": f"Incident {i} in district {i % 97}",
            "description": "Reported by a field team; details under verification.",
            "start": f"{2015 + i % 10}-{1 + i % 12:02d}-{day:02d}",
            "place": {
                "name": f"Town {i % 500}",
                "country": "XQ",
                "admin_area": f"Province {i % 7}",
                "lat": 33 + rng.random() * 4,
                "lon": 40 + rng.random() * 6,
            },
            "tlp": rng.choice(["GREEN", "AMBER", "AMBER", "RED"]),
            "persons": [
                {
                    "ref": person_ref,
                    "names": [
                        {"value": f"{GIVEN[g]} {FAMILY[f]}", "script": "Latn"},
                        {"value": f"{GIVEN_AR[g]} {FAMILY_AR[f]}", "script": "Arab"},
                    ],
                    "sex": rng.choice(["female", "male"]),
                    "age": rng.randrange(5, 80),
                    "roles": ["victim"],
                    "tlp": "RED",
                }
            ],
            "acts": [
                {
                    "act_type": rng.choice(ACT_TYPES),
                    "victim": {"person": person_ref},
                    "perpetrators": [{"organisation": "B-O1", "involvement": "direct"}],
                },
                {
                    "act_type": rng.choice(ACT_TYPES),
                    "victim": {"group": "villagers", "count": rng.randrange(2, 60)},
                },
            ],
        }


def write_file(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for rec in records(n):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def fresh_schema(url: str) -> Database:
    db = Database(url)
    migrate.upgrade(db.engine)
    with db.session() as s:
        vocabulary.seed(s)
    return db


def pg_database(admin_url: str) -> str:
    name = f"tocsin_bench_{uuid.uuid4().hex[:8]}"
    eng = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    eng.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_pg(admin_url: str, url: str) -> None:
    eng = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    eng.dispose()


CASE_TABLES = [
    "organisations",
    "persons",
    "person_names",
    "events",
    "event_status_changes",
    "acts",
    "act_perpetrators",
]


def dump_rows(db: Database) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """The rows exactly as our import stored them (ciphertext included)."""
    out = {}
    with db.engine.connect() as c:
        for table in CASE_TABLES:
            res = c.execute(text(f"SELECT * FROM {table}"))
            # PostgreSQL hands JSON back as Python lists; the driver needs them as JSON text.
            out[table] = (list(res.keys()), [tuple(_plain(v) for v in r) for r in res])
    return out


def _plain(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, list | dict) else value


def baseline(db: Database, rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]]) -> float:
    """Plain executemany of the same rows, one transaction, through the raw DB-API."""
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        mark = "?" if db.dialect == "sqlite" else "%s"
        start = time.perf_counter()
        for table in CASE_TABLES:
            cols, data = rows[table]
            if not data:
                continue
            sql = (
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"
            )
            cur.executemany(sql, data)
        raw.commit()
        return time.perf_counter() - start
    finally:
        raw.close()


def run_backend(label: str, url: str, url_base: str, path: Path, n: int) -> dict[str, float]:
    db = fresh_schema(url)
    with db.session() as s:
        actor = actor_for(create_user(s, "bench@example.org", "bench-password-1", Role.ADMIN))
    start = time.perf_counter()
    import_cases(db, actor, path)
    ours = time.perf_counter() - start
    rows = dump_rows(db)
    db.dispose()
    base_db = fresh_schema(url_base)
    base = baseline(base_db, rows)
    base_db.dispose()
    print(
        f"{label:10s} tocsin import: {n / ours:9.0f} events/s ({ours:6.1f} s)   "
        f"baseline executemany: {n / base:9.0f} events/s ({base:6.1f} s)   "
        f"ratio {ours / base:4.2f}x"
    )
    return {
        f"{label}_events_per_s": round(n / ours, 1),
        f"{label}_baseline_events_per_s": round(n / base, 1),
    }


def list_latency(url: str, data_dir: Path, requests: int = 200) -> dict[str, float]:
    """Server time of GET /api/v1/events at full size, over a mix of common filters."""
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from tocsin.api.app import create_app
    from tocsin.core.settings import load_settings

    settings = replace(load_settings(), data_dir=data_dir, database_url=url)
    app = create_app(settings, Database(url))
    client = TestClient(app)
    tok = client.post(
        "/api/v1/auth/token", data={"username": "bench@example.org", "password": "bench-password-1"}
    )
    headers = {"Authorization": f"Bearer {tok.json()['access_token']}"}
    queries = [
        "",
        "?country=XQ",
        "?act_type=killing",
        "?status=reported&page=3",
        "?date_from=2018-01-01&date_to=2018-12-31",
        "?admin_area=Province%203",
        "?tlp=AMBER&sort=title",
    ]
    times = []
    for i in range(requests):
        q = queries[i % len(queries)]
        t0 = time.perf_counter()
        r = client.get(f"/api/v1/events{q}", headers=headers)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.text
    p50, p95 = _percentiles(times)
    print(f"list endpoint at size: p50 {p50:.1f} ms, p95 {p95:.1f} ms over {requests} requests")
    figures = {"list_p50_ms": round(p50, 2), "list_p95_ms": round(p95, 2)}
    # Text searches are reported on their own, not averaged into the structured filters: the
    # full-text index (q) and a substring scan of victim groups, which no index can serve.
    # This synthetic data is a worst case for both: every title holds "district", every
    # group act "villagers".
    for name, query in (("text_search", "q=district%205"), ("victim_group", "victim_group=villag")):
        slow = []
        for page in range(1, 21):
            t0 = time.perf_counter()
            r = client.get(f"/api/v1/events?{query}&page={page}", headers=headers)
            slow.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text
        _, slow_p95 = _percentiles(slow)
        print(f"  {name} filter ({query}): p95 {slow_p95:.1f} ms over {len(slow)} requests")
        figures[f"list_{name}_p95_ms"] = round(slow_p95, 2)
    return figures


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    n = args.events
    install_keyring(KeyRing.generate())
    load_models()
    results: dict[str, Any] = {"events": n}
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        path = tmpdir / "events.jsonl"
        write_file(path, n)
        sqlite_url = f"sqlite:///{tmpdir / 'ours.sqlite3'}"
        results |= run_backend(
            "sqlite", sqlite_url, f"sqlite:///{tmpdir / 'base.sqlite3'}", path, n
        )
        results |= list_latency(sqlite_url, tmpdir)
        pg_admin = os.environ.get("TOCSIN_TEST_POSTGRES_URL")
        if pg_admin:
            ours_url, base_url = pg_database(pg_admin), pg_database(pg_admin)
            try:
                results |= run_backend("postgres", ours_url, base_url, path, n)
            finally:
                drop_pg(pg_admin, ours_url)
                drop_pg(pg_admin, base_url)
        else:
            print("postgres: skipped (TOCSIN_TEST_POSTGRES_URL not set; `make bench` sets it)")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
