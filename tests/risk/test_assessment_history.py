"""A country's or area's assessments over time, and two of them side by side, on SQLite and
PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from tests.conftest import MakeActor
from tests.seeding import cheap_hashing

from tocsin.core.db import Database
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Role
from tocsin.risk.assessments import compare, create_assessment, history, list_assessments
from tocsin.risk.assessments.schemas import AssessmentCreate, RatingIn
from tocsin.risk.framework import ensure_framework, load_spec


@pytest.fixture(autouse=True)
def _framework(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    with db.session() as s:
        ensure_framework(s)


def r(indicator: str, rating: str, confidence: str | None = None) -> RatingIn:
    return RatingIn(indicator=indicator, rating=rating, confidence=confidence)


def made(db: Database, actor: Any, **kw: Any) -> str:
    data = AssessmentCreate(**{"country": "SD", "as_of": date(2024, 1, 1), **kw})
    with db.session() as s:
        return create_assessment(s, actor, data).id


def test_history_per_country_and_area(db: Database, make_actor: MakeActor) -> None:
    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    later = made(db, analyst, as_of=date(2024, 6, 1))
    earlier = made(db, analyst, as_of=date(2023, 6, 1))
    area = made(db, analyst, as_of=date(2024, 3, 1), admin_area="West Darfur")
    secret = made(db, coordinator, as_of=date(2024, 2, 1), tlp="RED")
    made(db, analyst, country="ML")
    with db.session() as s:
        assert [a.id for a in history(s, analyst, "SD")] == [earlier, later]
        assert [a.id for a in history(s, coordinator, "sdn")] == [earlier, secret, later]
        assert [a.id for a in history(s, analyst, "SDN", "West  Darfur")] == [area]
        page = list_assessments(s, analyst, country="SD")
        assert [a.id for a in page.items] == [later, area, earlier] and page.total == 3
        assert list_assessments(s, analyst, status="approved").items == []
        with pytest.raises(ValidationFailed) as err:
            list_assessments(s, analyst, status="done")
        assert err.value.errors[0].field == "status"


def test_comparison_reports_what_changed(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    old = made(db, analyst, ratings=[
        r("RF1.1", "present", "high"), r("RF1.2", "serious", "high"),  # RF1: 3 -> high
        r("RF7.1", "present", "medium")])  # RF7: 0.75 -> low  # fmt: skip
    new = made(db, analyst, as_of=date(2024, 7, 1), ratings=[
        r("RF1.1", "present", "low"), r("RF1.2", "absent"),  # RF1: 0.5 -> low
        r("RF7.1", "present", "medium"), r("RF8.1", "present", "high")])  # RF8: 1 -> moderate
    with db.session() as s:
        diff = compare(s, analyst, old, new)
    assert (diff.old.id, diff.new.id) == (old, new)
    assert (diff.old.overall_level, diff.new.overall_level, diff.overall_change) == (
        "moderate", "low", -1)  # fmt: skip
    changed = {i.indicator: (i.old_rating, i.old_confidence, i.new_rating, i.new_confidence)
               for i in diff.changed_indicators}  # fmt: skip
    assert changed == {
        "RF1.1": ("present", "high", "present", "low"),
        "RF1.2": ("serious", "high", "absent", None),
        "RF8.1": ("not_assessed", None, "present", "high"),
    }
    assert len(diff.indicators) == sum(len(f.indicators) for f in load_spec().factors)
    factors = {f.code: (f.old_level, f.new_level, f.change) for f in diff.factors if f.changed}
    assert factors == {"RF1": ("high", "low", -2), "RF8": (None, "moderate", 0)}


def test_comparison_across_framework_versions(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    old = made(db, analyst, ratings=[r("RF1.11", "serious", "high")])
    spec = load_spec()
    rf1 = spec.factors[0]
    renumbered = dataclasses.replace(rf1, indicators=(
        *rf1.indicators[:-1], dataclasses.replace(rf1.indicators[-1], code="RF1.12")))  # fmt: skip
    with db.session() as s:
        ensure_framework(s, dataclasses.replace(spec, version="2-test",
                                                factors=(renumbered, *spec.factors[1:])))
    new = made(db, analyst, ratings=[r("RF1.12", "present", "high")])
    with db.session() as s:
        diff = compare(s, analyst, old, new)
    by_code = {i.indicator: (i.old_rating, i.new_rating) for i in diff.indicators}
    assert by_code["RF1.11"] == ("serious", None) and by_code["RF1.12"] == (None, "present")
    assert (diff.old.framework_version, diff.new.framework_version) == (spec.version, "2-test")
