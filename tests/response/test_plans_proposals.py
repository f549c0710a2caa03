"""Proposals: library items ranked for a situation, actor and sphere, with their explanations.
Expected scores are worked out by hand in plans_kit's docstring and the rule in
tocsin.response.plans.rules."""

from __future__ import annotations

import pytest
from tests.conftest import MakeActor
from tests.response.plans_kit import approved_assessment, labelled_library, ref
from tests.seeding import cheap_hashing

from tocsin.core.db import Database
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Role
from tocsin.response.plans import ProposalRequest, SituationIn, propose
from tocsin.response.plans.scoring import Candidate, Target, rank
from tocsin.risk.assessments.scale import Level


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


def test_a_country_is_planned_from_its_approved_assessment(
    db: Database, make_actor: MakeActor
) -> None:
    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    labelled_library(db, analyst)
    aid = approved_assessment(db, analyst, coordinator)
    ask = ProposalRequest(situation=SituationIn(country="xq"), actor="state", sphere="domestic")
    with db.session() as s:
        got = propose(s, analyst, ask)
    sit = got.situation
    assert (sit.basis, sit.assessment_id, sit.country, sit.level) == (
        "assessment",
        aid,
        "XQ",
        "moderate",
    )
    assert {f.code: (f.level, f.weight) for f in sit.factors if f.level} == {
        "RF1": ("low", 0),
        "RF7": ("high", 2),
        "RF9": ("moderate", 1),
    }
    assert (got.phase, sit.phase_reason) == ("prevention", "risk level moderate")
    assert [(p.reference, p.score) for p in got.proposals] == [(ref(1), 5.5), (ref(2), 3.0)]
    first, second = got.proposals
    why = first.explanation
    assert [(f.code, f.level, f.points) for f in why.factors] == [("RF7", "high", 2.0)]
    assert (
        why.actor and why.actor.code,
        why.sphere and why.sphere.code,
        why.phase and why.phase.code,
    ) == ("state", "domestic", "prevention")
    assert why.parts.model_dump() == {
        "factors": 2.0,
        "themes": 0.0,
        "actor": 1.5,
        "sphere": 1.0,
        "phase": 1.0,
        "total": 5.5,
    }
    assert [(f.code, f.level) for f in second.explanation.factors] == [
        ("RF7", "high"),
        ("RF9", "moderate"),
    ]
    assert second.explanation.actor is None and second.explanation.phase is None
    assert got.considered == 2  # item 3 addresses only RF1, assessed low: not worked on


def test_an_alert_adds_themes_from_its_category_and_moves_the_phase(
    db: Database, make_actor: MakeActor
) -> None:
    from tests.seeding import Seeder

    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    labelled_library(db, analyst)
    aid = approved_assessment(db, analyst, coordinator)
    alert = Seeder(db, coordinator).alert(
        "AMBER",
        country="XQ",
        category="incitement",
        severity="severe",
        links={"assessment_ids": [aid]},
    )
    ask = ProposalRequest(
        situation=SituationIn(alert_id=alert.id), actor="state", sphere="domestic"
    )
    with db.session() as s:
        got = propose(s, analyst, ask)
    sit = got.situation
    assert (sit.alert_id, sit.assessment_id, sit.themes, sit.tlp) == (
        alert.id,
        aid,
        ["hate_speech"],
        "AMBER",
    )
    assert (sit.phase, sit.phase_reason) == ("imminent_risk", "alert severity severe")
    assert [(p.reference, p.score) for p in got.proposals] == [
        (ref(1), 5.5),
        (ref(2), 4.0),
        (ref(4), 3.5),
    ]
    assert [t.code for t in got.proposals[2].explanation.themes] == ["hate_speech"]
    assert got.proposals[2].explanation.factors == []


def test_hand_factors_ties_go_by_reference_and_a_phase_can_be_chosen(
    db: Database, make_actor: MakeActor
) -> None:
    analyst = make_actor(Role.ANALYST)
    labelled_library(db, analyst)
    ask = ProposalRequest(
        situation=SituationIn(factors=[{"code": "RF7"}], phase="aftermath"), actor="civil_society"
    )
    with db.session() as s:
        got = propose(s, analyst, ask)
    assert (got.situation.basis, got.phase, got.situation.phase_chosen) == (
        "factors",
        "aftermath",
        True,
    )
    assert [(p.reference, p.score) for p in got.proposals] == [(ref(1), 2.0), (ref(2), 2.0)]


def test_labels_above_the_readers_clearance_are_not_proposed(
    db: Database, make_actor: MakeActor
) -> None:
    analyst, partner = make_actor(Role.ANALYST), make_actor(Role.PARTNER_VIEWER)
    labelled_library(db, analyst, tlp="AMBER")
    ask = ProposalRequest(situation=SituationIn(factors=[{"code": "RF7"}]), actor="state")
    with db.session() as s:
        assert len(propose(s, analyst, ask).proposals) == 2
        assert propose(s, partner, ask).proposals == []


@pytest.mark.parametrize(("situation", "actor", "sphere", "field"), [
    ({}, "state", None, "situation"),
    ({"country": "XQ", "alert_id": "a"}, "state", None, "situation"),
    ({"country": "ZZZ"}, "state", None, "situation.country"),
    ({"factors": [{"code": "RF99"}]}, "state", None, "situation.factors[0].code"),
    ({"factors": [{"code": "RF7", "level": "grave"}]}, "state", None,
     "situation.factors[0].level"),
    ({"themes": ["weather"]}, "state", None, "situation.themes[0]"),
    ({"themes": ["children"], "phase": "later"}, "state", None, "situation.phase"),
    ({"themes": ["children"]}, "king", None, "actor"),
    ({"themes": ["children"]}, "state", "galactic", "sphere"),
    ({"alert_id": "no-such-alert"}, "state", None, "situation.alert_id"),
    ({"assessment_id": "nope"}, "state", None, "situation.assessment_id"),
    ({"admin_area": "North"}, "state", None, "situation.admin_area"),
])  # fmt: skip
def test_bad_requests_name_the_field(
    sqlite_db: Database, make_actor: MakeActor, situation: dict[str, object], actor: str,
    sphere: str | None, field: str,
) -> None:  # fmt: skip
    analyst = make_actor(Role.ANALYST)
    ask = ProposalRequest(situation=SituationIn.model_validate(situation), actor=actor,
                          sphere=sphere)  # fmt: skip
    with pytest.raises(ValidationFailed) as refused, sqlite_db.session() as s:
        propose(s, analyst, ask)
    assert [e.field for e in refused.value.errors] == [field]


def test_an_alert_above_clearance_is_an_unknown_id(db: Database, make_actor: MakeActor) -> None:
    from tests.seeding import Seeder

    coordinator, partner = make_actor(Role.COORDINATOR), make_actor(Role.PARTNER_VIEWER)
    alert = Seeder(db, coordinator).alert("AMBER", country="XQ", category="incitement")
    ask = ProposalRequest(situation=SituationIn(alert_id=alert.id), actor="state")
    with pytest.raises(ValidationFailed) as refused, db.session() as s:
        propose(s, partner, ask)
    assert refused.value.errors[0].field == "situation.alert_id"
    assert alert.secret not in str(refused.value)


def test_the_engine_weighs_levels_and_confidence() -> None:
    """The pure ranking on made-up items: a serious factor at half confidence against a
    moderate one at full confidence, and an item matching only on actor (not proposed)."""

    def item(ref: str, **labels: dict[str, float]) -> Candidate:
        return Candidate(ref, ref, "d", "D", ref, "", "", labels)

    target = Target(factors={"RF1": Level.VERY_HIGH, "RF2": Level.MODERATE}, themes=(),
                    actor="state", sphere=None, phase="prevention")  # fmt: skip
    ranked = rank([
        item("c", risk_factor={"RF2": 1.0}),
        item("a", risk_factor={"RF1": 0.5}, actor={"state": 0.2}),
        item("b", actor={"state": 1.0}, situation={"prevention": 1.0}),
    ], target, limit=10)  # fmt: skip
    assert [(p.reference, p.score) for p in ranked] == [("a", 1.8), ("c", 1.0)]
    assert ranked[0].explanation.parts.actor == 0.3
