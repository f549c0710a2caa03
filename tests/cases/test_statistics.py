"""Dashboard figures against a plain recount of the same records, on both backends."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from seeding import Seeder, add_user
from tocsin.cases import events, statistics
from tocsin.cases.models import Act, Event
from tocsin.cases.schemas import StatusChangeIn
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.roles import Role

LEVELS = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]
TYPES = ["killing", "torture", "arbitrary_detention"]


@pytest.fixture
def owner(db: Database) -> Iterator[Actor]:
    statistics.clear_cache()
    yield add_user(db, Role.ADMIN, "owner@stats.example.org")
    statistics.clear_cache()


def recount(db: Database, actor: Actor) -> dict[str, object]:
    """The figures the slow, obvious way: load everything, filter in Python."""
    with db.session() as s:
        events = [e for e in s.scalars(select(Event)) if actor.may_see(e.tlp, e.created_by)]
        ids = {e.id for e in events}
        acts = [a for a in s.scalars(select(Act))
                if a.event_id in ids and actor.may_see(a.tlp, a.created_by)]
    types: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for t in {a.act_type for a in acts}:
        mine = [a for a in acts if a.act_type == t]
        types[t] = [len({a.event_id for a in mine}), sum(a.victim_count for a in mine)]
    months = Counter(e.start_date.replace(day=1) for e in events if e.start_date)
    return {
        "events": len(events),
        "victims": sum(a.victim_count for a in acts),
        "types": dict(types),
        "months": {m: n for m, n in months.items() if n},
        "countries": Counter(e.country for e in events),
        "waiting": sum(e.status in statistics.NEEDS_VERIFICATION for e in events),
    }


def test_figures_match_a_plain_recount(db: Database, owner: Actor) -> None:
    rng = random.Random(7)
    documenter = add_user(db, Role.DOCUMENTER, "doc@stats.example.org")
    seeders = [Seeder(db, owner), Seeder(db, documenter)]
    for i in range(14):
        seed = rng.choice(seeders)
        level = rng.choice(LEVELS[:4] if seed.actor is documenter else LEVELS)
        ev = seed.event(tlp=level, start=f"2023-{1 + i % 6:02d}-1{i % 9}",
                        place={"country": rng.choice(["IQ", "SY", None])})
        for _ in range(rng.randrange(0, 3)):
            act_level = rng.choice(LEVELS[:4] if seed.actor is documenter else LEVELS)
            seed.act(event_id=ev.id, act_type=rng.choice(TYPES),
                     victim_count=rng.randrange(1, 9), tlp=act_level)
    viewers = [owner, documenter, add_user(db, Role.PARTNER_VIEWER, "p@stats.example.org"),
               add_user(db, Role.ANALYST, "a@stats.example.org")]
    for viewer in viewers:
        want = recount(db, viewer)
        with db.session() as s:
            got = statistics.compute(s, viewer, today=date(2024, 1, 1))
        assert got.events == want["events"], viewer.role
        assert got.victims == want["victims"]
        assert got.needing_verification == want["waiting"]
        assert {t.key: [t.events, t.victims] for t in got.by_act_type} == want["types"]
        assert {t.key: t.events for t in got.by_month if t.events} == want["months"]
        assert {t.key: t.events for t in got.by_country} == {
            k: n for k, n in want["countries"].items() if n}


def test_latest_awaiting_verification_and_the_cache(db: Database, owner: Actor) -> None:
    seed = Seeder(db, owner)
    first, second = seed.event(tlp="GREEN").id, seed.event(tlp="RED").id
    partner = add_user(db, Role.PARTNER_VIEWER, "p@stats.example.org")
    with db.session() as s:
        assert [e.id for e in statistics.dashboard(s, owner).latest] == [second, first]
        assert [e.id for e in statistics.dashboard(s, partner).latest] == [first]
    with db.session() as s:
        for status in ("under_verification", "verified"):
            events.change_status(s, owner, first, StatusChangeIn(status=status, reason="checked"))
    with db.session() as s:  # the status change is seen at once, cache or not
        assert [e.id for e in statistics.dashboard(s, owner).latest] == [second]
        assert statistics.dashboard(s, partner).needing_verification == 0
