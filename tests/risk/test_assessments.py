"""Writing assessments on SQLite and PostgreSQL: what is stored, the levels kept with it, and
every bad input refused with the field it concerns; roles without the right are refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.conftest import MakeActor
from tests.seeding import Seeder, cheap_hashing

from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, NotFound, ValidationFailed
from tocsin.core.roles import Role
from tocsin.risk.assessments import create_assessment, get_assessment, update_assessment
from tocsin.risk.assessments.schemas import AssessmentCreate, AssessmentUpdate, RatingIn
from tocsin.risk.framework import ensure_framework
from tocsin.risk.models import RiskAssessment, RiskAssessmentLink
from tocsin.vault.blobs import BlobStore
from tocsin.vault.vault_key import VaultKey


@pytest.fixture(autouse=True)
def _framework(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    with db.session() as s:
        ensure_framework(s)


def draft(**kw: Any) -> AssessmentCreate:
    return AssessmentCreate(**{"country": "SD", "as_of": date(2024, 5, 1), **kw})


def rate(indicator: str = "RF1.1", **kw: Any) -> RatingIn:
    return RatingIn(**{"indicator": indicator, "rating": "present", "confidence": "high", **kw})


def test_an_assessment_is_stored_with_its_levels(
    db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    analyst = make_actor(Role.ANALYST)
    seed = Seeder(db, analyst, BlobStore(tmp_path / "blobs", VaultKey.generate()))
    event, source, evidence = seed.event("GREEN"), seed.source("AMBER"), seed.evidence("AMBER")
    with db.session() as s:
        made = create_assessment(s, analyst, draft(
            country="SDN", admin_area="  West   Darfur ", title="West Darfur, May 2024",
            ratings=[
                rate("RF7.10", rating="serious", narrative="Camps fenced; exits guarded.",
                     groups=[{"dimension": "Ethnicity", "group": "Masalit", "note": "urban"},
                             {"dimension": "gender", "group": "women and girls"}],
                     event_ids=[event.id, event.id], source_ids=[source.id],
                     evidence_ids=[evidence.id]),
                rate("RF7.3", confidence="medium"),
                rate("RF1.1", rating="absent", confidence=None),
            ]))  # fmt: skip
    assert (made.country, made.admin_area, made.status, made.tlp) == (
        "SD", "West Darfur", "draft", "AMBER")  # fmt: skip
    assert made.created_by == analyst.user_id
    # Ratings come back in framework order; the repeated event id is kept once.
    assert [r.indicator for r in made.ratings] == ["RF1.1", "RF7.3", "RF7.10"]
    camps = made.ratings[2]
    assert (camps.factor, camps.rating, camps.confidence) == ("RF7", "serious", "high")
    assert [g.model_dump() for g in camps.groups] == [
        {"dimension": "ethnicity", "group": "Masalit", "note": "urban"},
        {"dimension": "gender", "group": "women and girls", "note": ""}]  # fmt: skip
    assert (camps.event_ids, camps.source_ids, camps.evidence_ids) == (
        [event.id], [source.id], [evidence.id])  # fmt: skip
    # RF7: serious high 2 + present medium 0.75 = 2.75 -> moderate, lifted to high by the
    # serious, high-confidence rating; RF1 assessed, low. Overall: one step below RF7.
    levels = {f.code: (f.level, f.points) for f in made.factors}
    assert levels["RF7"] == ("high", 2.75) and levels["RF1"] == ("low", 0.0)
    assert levels["RF2"] == (None, 0.0)
    assert made.overall_level == "moderate"
    with db.session() as s:
        row = s.get(RiskAssessment, made.id)
        assert row is not None and row.overall_level == "moderate"
        assert row.factor_levels["RF7"] == "high" and row.factor_levels["RF2"] is None


def test_editing_replaces_the_ratings_given_and_rederives(
    db: Database, make_actor: MakeActor
) -> None:
    analyst = make_actor(Role.ANALYST)
    event = Seeder(db, analyst).event()
    with db.session() as s:
        made = create_assessment(s, analyst, draft(ratings=[
            rate("RF1.1", rating="serious", event_ids=[event.id]), rate("RF1.2")]))  # fmt: skip
    assert made.factors[0].level == "high"
    with db.session() as s:
        edited = update_assessment(s, analyst, made.id, AssessmentUpdate(
            summary="Calmer after the truce.", admin_area="Kassala", tlp="RED",
            ratings=[rate("RF1.1", rating="not_assessed"), rate("RF1.2", rating="absent")]))
    assert [r.indicator for r in edited.ratings] == ["RF1.2"]
    assert edited.factors[0].level == "low" and edited.overall_level == "low"
    assert (edited.summary, edited.admin_area, edited.tlp) == ("Calmer after the truce.",
                                                              "Kassala", "RED")  # fmt: skip
    with db.session() as s:  # the dropped rating's links went with it
        assert s.scalars(select(RiskAssessmentLink)).all() == []
    with db.session() as s:
        cleared = update_assessment(s, analyst, made.id, AssessmentUpdate(admin_area=None))
    assert cleared.admin_area is None and cleared.summary == "Calmer after the truce."


def test_an_edit_by_a_lower_clearance_keeps_the_records_it_cannot_see(
    db: Database, make_actor: MakeActor
) -> None:
    coordinator, analyst = make_actor(Role.COORDINATOR), make_actor(Role.ANALYST)
    seed = Seeder(db, coordinator)
    red, green = seed.event("RED"), seed.event("GREEN")
    with db.session() as s:
        made = create_assessment(s, coordinator, draft(tlp="GREEN", ratings=[
            rate("RF1.1", event_ids=[red.id, green.id])]))  # fmt: skip
    with db.session() as s:  # the analyst sees only the GREEN event and re-rates the indicator
        shown = get_assessment(s, analyst, made.id)
        assert shown.ratings[0].event_ids == [green.id] and shown.ratings[0].hidden_links == 1
        update_assessment(s, analyst, made.id, AssessmentUpdate(ratings=[
            rate("RF1.1", rating="serious", event_ids=[])]))  # fmt: skip
    with db.session() as s:
        after = get_assessment(s, coordinator, made.id).ratings[0]
    assert after.rating == "serious"
    assert after.event_ids == [red.id]  # kept; the GREEN one the analyst removed is gone


def test_bad_input_is_refused_naming_the_field(db: Database, make_actor: MakeActor) -> None:
    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    hidden = Seeder(db, coordinator).event("RED")  # above the analyst's clearance
    cases: list[tuple[AssessmentCreate, str]] = [
        (draft(country="ZZZ"), "country"),
        (draft(country="S1"), "country"),
        (draft(country=""), "country"),
        (draft(country="Sudan"), "country"),
        (draft(tlp="PURPLE"), "tlp"),
        (draft(ratings=[rate("RF1.99")]), "ratings[0].indicator"),
        (draft(ratings=[rate("RF1.1"), rate("RF15.1")]), "ratings[1].indicator"),
        (draft(ratings=[rate("RF1.1", rating="maybe")]), "ratings[RF1.1].rating"),
        (draft(ratings=[rate("RF1.1", confidence="sure")]), "ratings[RF1.1].confidence"),
        (draft(ratings=[rate("RF1.1", confidence=None)]), "ratings[RF1.1].confidence"),
        (draft(ratings=[rate("RF1.1"), rate("rf1.1")]), "ratings[RF1.1]"),
        (draft(ratings=[rate("RF2.1", groups=[{"dimension": "caste", "group": "x"}])]),
         "ratings[RF2.1].groups"),
        (draft(ratings=[rate("RF2.1", event_ids=["no-such-event"])]), "ratings[RF2.1].event_ids"),
        (draft(ratings=[rate("RF2.1", event_ids=[hidden.id])]), "ratings[RF2.1].event_ids"),
        (draft(ratings=[rate("RF2.1", source_ids=["nope"])]), "ratings[RF2.1].source_ids"),
        (draft(ratings=[rate("RF2.1", evidence_ids=["nope"])]), "ratings[RF2.1].evidence_ids"),
    ]
    for data, field in cases:
        with db.session() as s, pytest.raises(ValidationFailed) as err:
            create_assessment(s, analyst, data)
        assert err.value.errors[0].field == field, (data, err.value.detail)
    # A record above clearance is reported exactly as one that does not exist.
    with db.session() as s, pytest.raises(ValidationFailed) as err:
        create_assessment(s, analyst, draft(ratings=[rate("RF2.1", event_ids=[hidden.id])]))
    assert err.value.errors[0].message == f"no record with id {hidden.id!r}"
    with db.session() as s:  # nothing half-written
        assert s.scalars(select(RiskAssessment)).all() == []
        # The coordinator may cite it.
        create_assessment(s, coordinator, draft(ratings=[rate("RF2.1", event_ids=[hidden.id])]))


def test_roles_without_the_right_are_refused(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    with db.session() as s:
        made = create_assessment(s, analyst, draft(tlp="GREEN"))
    for role in (Role.DOCUMENTER, Role.PARTNER_VIEWER):
        other = make_actor(role)
        with db.session() as s, pytest.raises(Forbidden):
            create_assessment(s, other, draft())
        with db.session() as s, pytest.raises(Forbidden):
            update_assessment(s, other, made.id, AssessmentUpdate(summary="x"))
    with db.session() as s:  # reading is open to anyone cleared for it
        assert get_assessment(s, make_actor(Role.PARTNER_VIEWER), made.id).id == made.id


def test_an_assessment_above_clearance_is_not_found(db: Database, make_actor: MakeActor) -> None:
    coordinator, analyst = make_actor(Role.COORDINATOR), make_actor(Role.ANALYST)
    with db.session() as s:
        secret = create_assessment(s, coordinator, draft(tlp="RED"))
    with db.session() as s, pytest.raises(NotFound):
        get_assessment(s, analyst, secret.id)
    with db.session() as s, pytest.raises(NotFound):
        update_assessment(s, analyst, secret.id, AssessmentUpdate(summary="x"))
    with db.session() as s, pytest.raises(ValidationFailed) as err:  # nor raise a colleague's
        mine = create_assessment(s, coordinator, draft(tlp="AMBER"))
        update_assessment(s, analyst, mine.id, AssessmentUpdate(tlp="RED"))
    assert err.value.errors[0].field == "tlp"
