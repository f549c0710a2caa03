"""Analysts' corrections of labels: in force at once, kept through re-imports (even when the
paragraph's text changes), kept for ever (the database refuses to change them), and taught to
later classifications: the same text elsewhere gets the corrected labels."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from tests.conftest import MakeActor
from tests.seeding import cheap_hashing

from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, NotFound, ValidationFailed
from tocsin.core.roles import Role
from tocsin.library import parse_text
from tocsin.library.store import correct_labels, correction_examples, get_node, import_document

PARA = "States should train police officers to protect civilians during elections."
PLAN = f"Plan\n\n1. {PARA}\n2. Courts should try those accused of atrocity crimes.\n"


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


def codes(node_labels: dict[str, list[object]], dimension: str) -> list[str]:
    return sorted(label.label for label in node_labels.get(dimension, []))  # type: ignore[attr-defined]


def test_a_correction_is_in_force_and_survives_re_import(
    db: Database, make_actor: MakeActor
) -> None:
    analyst = make_actor(Role.ANALYST)
    with db.session() as s:
        import_document(s, analyst, parse_text(PLAN, "plan.txt"))
        before = get_node(s, analyst, "plan/-/-/1")
        corrected = correct_labels(s, analyst, "plan/-/-/1", "actor", ["media", "civil_society"],
                                   note="addressed to journalists' unions")  # fmt: skip
    assert codes(before.labels, "actor") != ["civil_society", "media"]
    assert codes(corrected.labels, "actor") == ["civil_society", "media"]
    assert {x.source for x in corrected.labels["actor"]} == {"analyst"}
    assert [(c.dimension, c.labels, c.by) for c in corrected.corrections] == [
        ("actor", ["media", "civil_society"], analyst.user_id)
    ]

    reworded = PLAN.replace("during elections", "before and during elections")
    with db.session() as s:
        again = import_document(s, analyst, parse_text(reworded, "plan.txt"))
        after = get_node(s, analyst, "plan/-/-/1")
    assert again.updated == ["plan/-/-/1"] and again.classified == 1
    assert after.id == before.id and "before and during" in after.text
    assert codes(after.labels, "actor") == ["civil_society", "media"]  # the analyst's, kept
    assert {x.source for x in after.labels["theme"]} == {"auto"}  # the others recomputed
    assert len(after.corrections) == 1


def test_a_correction_teaches_later_classifications(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    with db.session() as s:
        import_document(s, analyst, parse_text(PLAN, "plan.txt"))
        correct_labels(s, analyst, "plan/-/-/1", "actor", ["media"])
        correct_labels(s, analyst, "plan/-/-/1", "sphere", ["regional"])
        examples = correction_examples(s)
    assert [(e.text, e.actors, e.sphere, e.themes) for e in examples] == [
        (PARA, ("media",), "regional", None)  # dimensions not corrected stay unknown
    ]
    later = f"Another plan\n\n- Something else entirely about schools.\n- {PARA}\n"
    with db.session() as s:
        import_document(s, analyst, parse_text(later, "later.txt"))
        same_text = get_node(s, analyst, "later/-/-/b2")
        other = get_node(s, analyst, "later/-/-/b1")
    assert codes(same_text.labels, "actor") == ["media"]
    assert codes(same_text.labels, "sphere") == ["regional"]
    assert {(x.source, x.method, x.confidence) for x in same_text.labels["actor"]} == {
        ("auto", "correction", 1.0)
    }
    assert not same_text.corrections  # a lesson learned, not a correction of this paragraph
    assert {x.method for x in other.labels["actor"]} != {"correction"}


def test_corrections_cannot_be_changed_or_deleted(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    with db.session() as s:
        import_document(s, analyst, parse_text(PLAN, "plan.txt"))
        correct_labels(s, analyst, "plan/-/-/1", "theme", [])
    for statement in ("UPDATE library_label_corrections SET labels = '[]'",
                      "DELETE FROM library_label_corrections"):  # fmt: skip
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))


@pytest.mark.parametrize(
    ("node", "dimension", "labels", "field"),
    [
        ("plan/-/-/1", "mood", ["state"], "dimension"),
        ("plan/-/-/1", "actor", ["state", "aliens"], "labels"),
        ("plan/-/-/1", "sphere", ["domestic", "regional"], "labels"),
        ("plan/-/-/1", "situation", [], "labels"),
        ("plan/-/-/1", "actor", "state", "labels"),
        ("plan/-/-", "actor", ["state"], "node"),
    ],
)
def test_bad_corrections_are_named(
    db: Database, make_actor: MakeActor, node: str, dimension: str, labels: list[str], field: str
) -> None:
    analyst = make_actor(Role.ANALYST)
    with db.session() as s:
        import_document(s, analyst, parse_text(PLAN, "plan.txt"))
    with db.session() as s, pytest.raises(ValidationFailed) as refused:
        correct_labels(s, analyst, node, dimension, labels)
    assert refused.value.errors[0].field == field


def test_only_curators_correct(db: Database, make_actor: MakeActor) -> None:
    with db.session() as s:
        import_document(s, make_actor(Role.ANALYST), parse_text(PLAN, "plan.txt"))
    for role in (Role.DOCUMENTER, Role.PARTNER_VIEWER):
        with db.session() as s, pytest.raises(Forbidden):
            correct_labels(s, make_actor(role), "plan/-/-/1", "actor", ["state"])
    with db.session() as s, pytest.raises(NotFound):
        correct_labels(s, make_actor(Role.ANALYST), "plan/-/-/9", "actor", ["state"])
