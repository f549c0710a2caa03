"""Response plans kept: created from chosen proposals with the situation as it was, edited,
items added by hand, changed, moved and removed, every change in the plan's history; who may
write, who may read."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from tests.conftest import MakeActor
from tests.response.plans_kit import approved_assessment, labelled_library, ref
from tests.seeding import cheap_hashing

from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, NotFound, ValidationFailed
from tocsin.core.roles import Role
from tocsin.response.plans import (
    PlanCreate,
    PlanItemIn,
    PlanItemUpdate,
    PlanUpdate,
    SituationIn,
    add_item,
    create_plan,
    get_plan,
    list_plans,
    remove_item,
    update_item,
    update_plan,
)


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


def planned(db: Database, analyst: Actor, coordinator: Actor, tlp: str = "AMBER") -> str:
    labelled_library(db, analyst)
    aid = approved_assessment(db, analyst, coordinator, tlp="AMBER")
    data = PlanCreate(
        title="Answer the rise in hateful messages", situation=SituationIn(assessment_id=aid),
        actor="state", sphere="domestic", tlp=tlp,
        items=[PlanItemIn(node=ref(1), rationale="first", responsible="Ministry"),
               PlanItemIn(node=ref(2), due_date=date(2026, 6, 1))],
    )  # fmt: skip
    with db.session() as s:
        return create_plan(s, analyst, data).id


def test_a_plan_keeps_its_situation_and_explained_items(
    db: Database, make_actor: MakeActor
) -> None:
    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    pid = planned(db, analyst, coordinator)
    with db.session() as s:
        plan = get_plan(s, analyst, pid)
    assert (plan.country, plan.actor, plan.sphere, plan.phase, plan.status, plan.tlp) == (
        "XQ",
        "state",
        "domestic",
        "prevention",
        "draft",
        "AMBER",
    )
    assert plan.owner_id == analyst.user_id and plan.assessment_id is not None
    assert {f.code: f.level for f in plan.situation.worked} == {"RF7": "high", "RF9": "moderate"}
    assert [(i.reference, i.score, i.position, i.by_hand) for i in plan.items] == [
        (ref(1), 5.5, 1, False),
        (ref(2), 3.0, 2, False),
    ]
    assert [f.code for f in plan.items[1].explanation.factors] == ["RF7", "RF9"]
    assert plan.items[0].responsible == "Ministry" and "hateful" in plan.items[0].text
    assert (plan.items_total, plan.items_done) == (2, 0)
    assert [c.action for c in plan.history] == ["created", "item_added", "item_added"]


def test_edits_items_by_hand_and_the_history(db: Database, make_actor: MakeActor) -> None:
    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    pid = planned(db, analyst, coordinator)
    with db.session() as s:
        plan = add_item(s, coordinator, pid, PlanItemIn(node=ref(5), rationale="reporting"))
    by_hand = plan.items[-1]
    assert (by_hand.reference, by_hand.by_hand, by_hand.score, by_hand.position) == (
        ref(5),
        True,
        3.5,
        3,
    )  # actor, sphere and phase match; no factor: explained all the same
    first = plan.items[0].id
    with db.session() as s:
        update_item(s, coordinator, by_hand.id, PlanItemUpdate(status="done", position=1))
        update_item(s, analyst, first, PlanItemUpdate(due_date=None, responsible="Police"))
        update_plan(s, coordinator, pid, PlanUpdate(status="active", title="Renamed"))
        plan = remove_item(s, analyst, plan.items[1].id)
    assert [(i.reference, i.position, i.status) for i in plan.items] == [
        (ref(5), 1, "done"),
        (ref(1), 2, "planned"),
    ]
    assert (plan.title, plan.status, plan.items_done) == ("Renamed", "active", 1)
    steps = [(c.action, c.fields) for c in plan.history]
    assert steps[3:] == [
        ("item_added", ["by_hand", "reference"]),
        ("item_updated", ["position", "status"]),
        ("item_updated", ["responsible"]),
        ("updated", ["status", "title"]),
        ("item_removed", ["reference", "status"]),
    ]
    assert plan.history[6].detail["status"] == {"from": "draft", "to": "active"}
    with db.session() as s:
        assert [p.id for p in list_plans(s, analyst, status="active").items] == [pid]
        assert list_plans(s, analyst, status="closed").items == []
    with pytest.raises(DBAPIError), db.session() as s:  # append-only, whoever writes SQL
        s.execute(text("UPDATE response_plan_changes SET action = 'x'"))


def test_refusals_name_the_field_and_write_nothing(db: Database, make_actor: MakeActor) -> None:
    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    pid = planned(db, analyst, coordinator)
    cases = [
        (lambda s: add_item(s, analyst, pid, PlanItemIn(node=ref(1))), "node"),
        (lambda s: add_item(s, analyst, pid, PlanItemIn(node="plan/-/-/99")), "node"),
        (lambda s: add_item(s, analyst, pid, PlanItemIn(node=ref(3), status="maybe")), "status"),
        (lambda s: update_plan(s, analyst, pid, PlanUpdate(tlp="GREEN")), "tlp"),
        (lambda s: update_plan(s, analyst, pid, PlanUpdate(owner_id="nobody")), "owner_id"),
    ]
    for action, field in cases:
        with pytest.raises(ValidationFailed) as refused, db.session() as s:
            action(s)
        assert [e.field for e in refused.value.errors] == [field]
    bad = PlanCreate(
        title="x",
        situation=SituationIn(country="XQ"),
        actor="state",
        tlp="AMBER",
        items=[PlanItemIn(node=ref(3)), PlanItemIn(node=ref(3))],
    )
    with pytest.raises(ValidationFailed) as refused, db.session() as s:
        create_plan(s, analyst, bad)
    assert refused.value.errors[0].field == "items[1].node"
    with db.session() as s:
        assert len(get_plan(s, analyst, pid).items) == 2
        assert list_plans(s, analyst).total == 1


def test_roles_and_clearance(db: Database, make_actor: MakeActor) -> None:
    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    documenter, partner = make_actor(Role.DOCUMENTER), make_actor(Role.PARTNER_VIEWER)
    pid = planned(db, analyst, coordinator)
    with pytest.raises(Forbidden), db.session() as s:
        update_plan(s, documenter, pid, PlanUpdate(title="mine"))
    with pytest.raises(Forbidden), db.session() as s:
        create_plan(s, documenter, PlanCreate(title="x", situation=SituationIn(
            factors=[{"code": "RF7"}]), actor="state"))  # fmt: skip
    with db.session() as s:
        assert get_plan(s, documenter, pid).title  # reading needs READ only
        with pytest.raises(NotFound):
            get_plan(s, partner, pid)  # an AMBER plan does not exist for a GREEN reader
        assert list_plans(s, partner).items == []
