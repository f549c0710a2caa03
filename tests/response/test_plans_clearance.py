"""A plan and the sharing levels of the paragraphs it holds: it is shared no wider than they
are, and a reader who may not see an item's document (it was narrowed after the plan was kept)
learns nothing of it beyond the plan's own fields; an item out of sight is as missing as one
that never was."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.conftest import MakeActor
from tests.response.plans_kit import PLAN, labelled_library, ref
from tests.seeding import cheap_hashing

from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.library import parse_text
from tocsin.library.store import import_document
from tocsin.response.plans import (
    Explanation,
    FactorIn,
    PlanCreate,
    PlanItemIn,
    PlanItemUpdate,
    PlanUpdate,
    SituationIn,
    create_plan,
    get_plan,
    remove_item,
    update_item,
    update_plan,
)

NO_SUCH_ID = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


def by_hand(tlp: str, *references: str) -> PlanCreate:
    """A plan of a situation named by hand (its own level: CLEAR) holding ``references``."""
    return PlanCreate(title="Answer the messages", actor="state", tlp=tlp,
                      situation=SituationIn(factors=[FactorIn(code="RF7")]),
                      items=[PlanItemIn(node=r) for r in references])  # fmt: skip


def reimport(db: Database, curator: Actor, tlp: str) -> None:
    """The same document imported again, shared as ``tlp`` from now on."""
    with db.session() as s:
        import_document(s, curator, parse_text(PLAN, "plan.txt"), tlp=tlp, embed=False)


def test_a_plan_is_not_lowered_below_its_items(db: Database, make_actor: MakeActor) -> None:
    curator, analyst = make_actor(Role.ADMIN), make_actor(Role.ANALYST)
    labelled_library(db, curator, tlp="AMBER")
    with db.session() as s:
        pid = create_plan(s, analyst, by_hand("AMBER", ref(1))).id
    with pytest.raises(ValidationFailed) as refused, db.session() as s:
        update_plan(s, analyst, pid, PlanUpdate(tlp="GREEN"))
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("tlp", "the plan's actions come from TLP:AMBER documents; "
                "share the plan as TLP:AMBER or narrower"),
    ]  # fmt: skip
    with db.session() as s:
        assert get_plan(s, analyst, pid).tlp == "AMBER"
        assert update_plan(s, analyst, pid, PlanUpdate(title="Renamed")).title == "Renamed"


def test_items_of_a_document_narrowed_later_are_withheld(
    db: Database, make_actor: MakeActor
) -> None:
    curator, analyst = make_actor(Role.ADMIN), make_actor(Role.ANALYST)
    partner = make_actor(Role.PARTNER_VIEWER)
    labelled_library(db, curator, tlp="GREEN")
    with db.session() as s:
        kept = create_plan(s, analyst, by_hand("GREEN", ref(1), ref(2)))
        remove_item(s, analyst, kept.items[1].id)
    reimport(db, curator, "AMBER")
    with db.session() as s:
        seen, mine = get_plan(s, partner, kept.id), get_plan(s, analyst, kept.id)
    item = seen.items[0]
    assert (item.id, item.hidden, item.reference, item.node_id, item.text) == (
        kept.items[0].id, True, "", "", "")  # fmt: skip
    assert item.explanation == Explanation() and item.status == "planned"
    shown = seen.model_dump_json()
    assert "plan/-/-/" not in shown and kept.items[0].node_id not in shown
    assert [c.action for c in seen.history] == [
        "created", "item_added", "item_added", "item_removed"]  # fmt: skip
    # The team still sees everything, and the plan cannot be lowered further.
    assert (mine.items[0].hidden, mine.items[0].reference) == (False, ref(1))
    assert mine.history[-1].detail["reference"] == ref(2)
    assert [f.code for f in mine.items[0].explanation.factors] == ["RF7"]
    with pytest.raises(ValidationFailed) as refused, db.session() as s:
        update_plan(s, analyst, kept.id, PlanUpdate(tlp="CLEAR"))
    assert "TLP:AMBER" in refused.value.errors[0].message
    reimport(db, curator, "RED")
    with pytest.raises(ValidationFailed) as refused, db.session() as s:
        update_plan(s, analyst, kept.id, PlanUpdate(tlp="CLEAR"))
    assert refused.value.errors[0].field == "tlp"
    assert "RED" not in refused.value.errors[0].message  # a level above theirs is not named


def test_an_item_out_of_sight_is_as_missing_as_one_that_never_was(
    db: Database, make_actor: MakeActor
) -> None:
    coordinator, analyst = make_actor(Role.COORDINATOR), make_actor(Role.ANALYST)
    labelled_library(db, coordinator)
    with db.session() as s:
        red_item = create_plan(s, coordinator, by_hand("RED", ref(1))).items[0].id
    answers = []
    for item_id in (red_item, NO_SUCH_ID):
        with pytest.raises(NotFound) as changed, db.session() as s:
            update_item(s, analyst, item_id, PlanItemUpdate(rationale="mine"))
        with pytest.raises(NotFound) as removed, db.session() as s:
            remove_item(s, analyst, item_id)
        answers += [changed.value.detail, removed.value.detail]
    assert answers == ["no such plan item"] * 4


def test_reading_a_plan_reads_its_protected_paragraphs(db: Database, make_actor: MakeActor) -> None:
    curator, analyst = make_actor(Role.ADMIN), make_actor(Role.ANALYST)
    labelled_library(db, curator, tlp="AMBER")
    with db.session() as s:
        pid = create_plan(s, analyst, by_hand("AMBER", ref(1), ref(2))).id
        shown = {i.reference: i.node_id for i in get_plan(s, analyst, pid).items}
    with db.session() as s:
        rows = s.execute(select(AuditEntry.entity_id, AuditEntry.detail).where(
            AuditEntry.action == "read", AuditEntry.entity_type == "library_node",
            AuditEntry.user_id == analyst.user_id)).all()  # fmt: skip
    read = [(node, detail) for node, detail in rows if detail == {"via": "plan"}]
    # once when the plan was made (the answer shows it), once when it was read
    assert sorted(read) == sorted([(n, {"via": "plan"}) for n in shown.values()] * 2)
