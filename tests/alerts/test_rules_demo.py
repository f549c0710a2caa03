"""The issue's check: a rule dry-run on the demo data returns the alerts it would have raised.

The demo generator's records are loaded through the importer (200 events, as a small demo), the
demo rules are made, and each is replayed over the demo's seven years. The weekly killings rule
is then checked against a plain recount from the generator's own records, and a run of the rules
in one of the windows found raises the alert the dry run described."""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from rules_kit import NO_EVENT_DATA, dry, noon
from sqlalchemy import select
from tests.conftest import MakeActor

from seeding import cheap_hashing
from tocsin.alerts.models import Alert
from tocsin.alerts.rules import service
from tocsin.alerts.rules.demo import load_demo_rules
from tocsin.alerts.rules.runner import run_rules
from tocsin.cases.demo import write_demo
from tocsin.cases.importer import import_cases
from tocsin.core.db import Database
from tocsin.core.roles import Role

DAY = re.compile(r"^~?(\d{4}-\d{2}-\d{2})$")
EPOCH = date(1970, 1, 5)
COUNTED = ("CLEAR", "GREEN", "AMBER")  # the demo rules are AMBER


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


def under(root: str) -> set[str]:
    """The act types at or below ``root``, read straight from the vocabulary file."""
    text = resources.files("tocsin.cases").joinpath("vocabularies.toml").read_bytes()
    terms = tomllib.loads(text.decode())["act_type"]["terms"]
    parents = {t["code"]: t.get("parent") for t in terms}
    found = set()
    for code in parents:
        walk: str | None = code
        while walk is not None:
            if walk == root:
                found.add(code)
            walk = parents.get(walk)
    return found


def weekly_killings(records: list[dict[str, Any]], threshold: int) -> dict[tuple[str, date], int]:
    """Acts of violence against life by province and week, recounted the plain way."""
    killing = under("violence_against_life")
    counts: Counter[tuple[str, date]] = Counter()
    for event in (r for r in records if r["type"] == "event"):
        day = DAY.match(event["start"])
        if not day or event["status"] == "rejected" or event["tlp"] not in COUNTED:
            continue
        when = date.fromisoformat(day.group(1))
        monday = when - timedelta(days=(when - EPOCH).days % 7)
        for act in event["acts"]:
            if act["act_type"] in killing and act.get("tlp", event["tlp"]) in COUNTED:
                counts[(event["place"]["admin_area"], monday)] += 1
    return {k: n for k, n in counts.items() if n >= threshold}


def test_a_dry_run_on_the_demo_data_returns_the_alerts_it_would_raise(
    db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    admin, coordinator = make_actor(Role.ADMIN), make_actor(Role.COORDINATOR)
    path = tmp_path / "demo.jsonl"
    write_demo(path, seed=7, events=200)
    assert import_cases(db, admin, path).events == 200
    with db.session() as s:
        assert load_demo_rules(s, coordinator) == 3
        rules = {r.name: r for r in service.list_rules(s, coordinator)}
    found = {name: dry(db, coordinator, r.id, date(2019, 1, 1), date(2025, 12, 31))
             for name, r in rules.items()}  # fmt: skip
    every = [f for fs in found.values() for f in fs]
    assert len(every) >= 2, {n: len(fs) for n, fs in found.items()}
    for f in every:
        assert f.country == "XQ" and f.admin_area and f.events >= 1 and f.event_ids
        assert f.count >= (f.threshold or 1) and f.tlp == "AMBER" and not f.already_fired
        assert f.title and f.description and f.admin_area in f.title

    killings = found["Qaranthia: killings in a province this week"]
    records = [json.loads(line) for line in path.read_text().splitlines()]
    threshold = rules["Qaranthia: killings in a province this week"].params["threshold"]
    expected = weekly_killings(records, threshold)
    assert expected, "the demo has no week for the reference to find"
    assert {(f.admin_area, f.window_start): f.count for f in killings} == expected

    first = every[0]
    with db.session() as s:
        raised = run_rules(s, noon(first.window_end), NO_EVENT_DATA)
        titles = set(s.scalars(select(Alert.title).where(Alert.source == "rule")))
    assert raised >= 1 and first.title in titles
