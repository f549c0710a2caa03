"""Incident linking and independent corroboration, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from tests.conftest import MakeActor
from tests.seeding import Seeder
from typer.testing import CliRunner

from tocsin.cases import sources
from tocsin.cases.schemas import SourceLinkIn, SourceUpdate
from tocsin.cli import app
from tocsin.core.db import Database
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Role
from tocsin.core.settings import Settings
from tocsin.crosscheck import corroboration, incidents, review
from tocsin.crosscheck.incidents import Report, compare, span
from tocsin.crosscheck.models import MatchCandidate

MARKET = {"lat": 36.20, "lon": 37.15, "country": "SY"}
NEARBY = {"lat": 36.23, "lon": 37.16, "country": "SY"}  # about 3.4 km north
FAR = {"lat": 35.0, "lon": 38.0, "country": "SY"}


def report(rid: str, first: date, last: date, **kw: Any) -> Report:
    base: dict[str, Any] = {"lat": None, "lon": None, "country": "SY", "area": None,
                            "acts": frozenset(), "victims": frozenset()}  # fmt: skip
    return Report(rid, first, last, **{**base, **kw})


def test_span_follows_precision() -> None:
    assert span(date(2024, 3, 1), "month", None, None) == (date(2024, 3, 1), date(2024, 3, 31))
    assert span(date(2024, 3, 1), "approx_month", None, None) == (
        date(2024, 2, 15), date(2024, 4, 15))  # fmt: skip
    assert span(date(2024, 3, 5), "day", date(2024, 3, 7), "day") == (
        date(2024, 3, 5), date(2024, 3, 7))  # fmt: skip
    assert span(date(2023, 1, 1), "year", None, None)[1] == date(2023, 12, 31)


def test_compare_weighs_place_time_acts_and_victims() -> None:
    day = date(2024, 3, 5)
    a = report("a", day, day, lat=36.2, lon=37.15, acts=frozenset({"killing", "shelling"}),
               victims=frozenset({"p1", "p2"}))  # fmt: skip
    twin = report("b", day, day, lat=36.2, lon=37.15, acts=frozenset({"killing", "shelling"}),
                  victims=frozenset({"p1", "p2"}))  # fmt: skip
    other = report("c", day, day, lat=36.25, lon=37.15, acts=frozenset({"looting"}),
                   victims=frozenset({"p9"}))  # fmt: skip
    best, features = compare(a, twin, 10) or (0.0, [])
    worse, _ = compare(a, other, 10) or (0.0, [])
    assert best == 1.0 and 0 < worse < 0.5
    assert [f["field"] for f in features] == ["place", "time", "acts", "victims"]
    assert compare(a, report("d", day, day, lat=35.0, lon=38.0), 10) is None  # far apart
    later = date(2024, 4, 9)
    assert compare(a, report("e", later, later, lat=36.2, lon=37.15), 10) is None
    # No coordinates: the same country and area may be the same place; another area is not.
    x = report("x", day, day, area="Idlib")
    assert compare(x, report("y", day, day, area="Idlib"), 10) is not None
    assert compare(x, report("z", day, day, area="Hama"), 10) is None


def test_reports_of_one_incident_are_proposed_then_corroborate_together(
    db: Database, make_actor: MakeActor
) -> None:
    analyst = make_actor(Role.ANALYST)
    seed = Seeder(db, analyst)
    victim = seed.person("AMBER").id
    one = seed.event("AMBER", start="2024-03-05", place=MARKET).id
    two = seed.event("AMBER", start="~2024-03", place=NEARBY).id
    far = seed.event("AMBER", start="2024-03-05", place=FAR).id
    seed.act("AMBER", event_id=one, victim_person_id=victim)
    seed.act("AMBER", event_id=two, victim_person_id=victim)
    seed.act("AMBER", event_id=far)
    report_ = seed.source("AMBER").id
    article = seed.source("AMBER", repeats_id=report_).id
    witness = seed.source("AMBER").id
    coordinator = make_actor(Role.COORDINATOR)
    hidden = Seeder(db, coordinator).source("RED").id
    with db.session() as s:
        for src, target in ((report_, one), (article, two), (witness, two), (hidden, two)):
            sources.link(s, coordinator, src, SourceLinkIn(target_type="event", target_id=target))
        made = incidents.link_incidents(s)
    assert made.new == 1
    with db.session() as s:
        pair = s.scalars(select(MatchCandidate)).one()
        assert {pair.left_id, pair.right_id} == {one, two} and pair.kind == "event"
        assert {f["field"] for f in pair.features} == {"place", "time", "acts", "victims"}
        before = corroboration.for_event(s, analyst, one)
        assert (before.independent, before.sources) == (1, 1)
        review.accept(s, analyst, pair.id, "same market shelling")
    with db.session() as s:
        after = corroboration.for_event(s, analyst, one)
        # report + article quoting it count once; the witness is a second; the RED source is a
        # third, counted but not named to an analyst.
        assert (after.independent, after.sources, after.hidden_sources) == (3, 4, 1)
        assert sorted(after.events) == sorted([one, two])
        assert hidden not in after.originals and report_ in after.originals
        assert article not in after.originals
        # A second run proposes nothing new: the pair is decided.
        assert incidents.link_incidents(s).new == 0


def test_a_source_cannot_repeat_itself_in_a_loop(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    seed = Seeder(db, analyst)
    first = seed.source("AMBER").id
    second = seed.source("AMBER", repeats_id=first).id
    with db.session() as s, pytest.raises(ValidationFailed) as loop:
        sources.update(s, analyst, first, SourceUpdate(repeats_id=second))
    assert loop.value.errors[0].field == "repeats_id"


def test_the_command_line_proposes_incidents(
    cli_env: Settings, db: Database, make_actor: MakeActor
) -> None:
    seed = Seeder(db, make_actor(Role.ANALYST))
    seed.event("AMBER", start="2024-03-05", place=MARKET)
    seed.event("AMBER", start="2024-03-05", place=NEARBY)
    runner = CliRunner()
    bad = runner.invoke(app, ["crosscheck", "incidents", "--max-km", "0"])
    assert bad.exit_code == 2 and "--max-km" in bad.output
    done = runner.invoke(app, ["crosscheck", "incidents", "--max-km", "5"])
    assert done.exit_code == 0, done.output
    assert "1 new pairs proposed" in done.output
    with db.session() as s:
        assert s.scalars(select(MatchCandidate.kind)).all() == ["event"]
