"""Organisation resolution on SQLite and PostgreSQL: the same group under names in two scripts
and an alias is proposed; a namesake in another country scores lower."""

from __future__ import annotations

from sqlalchemy import select
from tests.conftest import MakeActor
from tests.seeding import Seeder

from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.crosscheck.models import MatchCandidate
from tocsin.crosscheck.organisation_resolution import resolve_organisations


def test_one_group_under_several_names(db: Database, make_actor: MakeActor) -> None:
    seed = Seeder(db, make_actor(Role.ANALYST))
    brigade = seed.organisation("GREEN", name="Liwa al-Fajr", country="SY").id
    arabic = seed.organisation("GREEN", name="لواء الفجر", country="SY").id
    alias = seed.organisation("GREEN", name="Dawn Brigade", aliases=["Liwa Al Fadjr"],
                              country="SY").id  # fmt: skip
    abroad = seed.organisation("GREEN", name="Liwa al-Fajr", country="LY").id
    other = seed.organisation("GREEN", name="Liwa al-Nasr", country="SY").id
    with db.session() as s:
        report = resolve_organisations(s)
    with db.session() as s:
        found = {frozenset((c.left_id, c.right_id)): c for c in s.scalars(select(MatchCandidate))}
    assert report.new == len(found) and report.auto_accepted == 0
    for pair in ((brigade, arabic), (brigade, alias), (arabic, alias)):
        assert frozenset(pair) in found, pair
        assert found[frozenset(pair)].kind == "organisation"
    assert not any(other in pair for pair in found)
    # The namesake abroad is not proposed at the default threshold: the country disagrees.
    assert frozenset((brigade, abroad)) not in found
    fields = [f["field"] for f in found[frozenset((brigade, arabic))].features]
    assert fields == ["name", "country", "kind"]
