"""Review and approval on SQLite and PostgreSQL: draft -> in review -> approved or back to draft,
who may do what, and a history that the database itself keeps append-only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from tests.conftest import MakeActor
from tests.seeding import cheap_hashing

from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.errors import Conflict, Forbidden, ValidationFailed
from tocsin.core.roles import Role
from tocsin.risk.assessments import (
    approve,
    create_assessment,
    return_to_draft,
    revise,
    submit_for_review,
    update_assessment,
)
from tocsin.risk.assessments.schemas import AssessmentCreate, AssessmentUpdate, RatingIn
from tocsin.risk.framework import ensure_framework


@pytest.fixture(autouse=True)
def _framework(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    with db.session() as s:
        ensure_framework(s)


def submitted(db: Database, author: Actor) -> str:
    with db.session() as s:
        serious = RatingIn(indicator="RF9.1", rating="serious", confidence="high")
        made = create_assessment(
            s, author, AssessmentCreate(country="MM", as_of=date(2024, 2, 1), ratings=[serious])
        )
        submit_for_review(s, author, made.id)
        return made.id


def test_draft_review_return_and_approval_are_kept_with_who_and_why(
    db: Database, make_actor: MakeActor
) -> None:
    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    aid = submitted(db, analyst)
    with db.session() as s:
        back = return_to_draft(s, coordinator, aid, "  Cite the events behind RF9.1.  ")
    assert back.status == "draft"
    with db.session() as s:
        update_assessment(s, analyst, aid, AssessmentUpdate(summary="Events now cited."))
        submit_for_review(s, analyst, aid)
        done = approve(s, coordinator, aid)
    assert done.status == "approved"
    assert (done.approved_by, done.approved_at is not None) == (coordinator.user_id, True)
    steps = [(t.from_status, t.to_status, t.by, t.reason) for t in done.history]
    assert steps == [
        (None, "draft", analyst.user_id, None),
        ("draft", "in_review", analyst.user_id, None),
        ("in_review", "draft", coordinator.user_id, "Cite the events behind RF9.1."),
        ("draft", "in_review", analyst.user_id, None),
        ("in_review", "approved", coordinator.user_id, None),
    ]
    assert [t.at for t in done.history] == sorted(t.at for t in done.history)


def test_refusals(db: Database, make_actor: MakeActor) -> None:
    analyst, other_analyst = make_actor(Role.ANALYST), make_actor(Role.ANALYST)
    coordinator, admin = make_actor(Role.COORDINATOR), make_actor(Role.ADMIN)
    aid = submitted(db, analyst)
    with db.session() as s, pytest.raises(Forbidden):
        approve(s, other_analyst, aid)  # analysts do not approve
    with db.session() as s, pytest.raises(Forbidden):
        return_to_draft(s, analyst, aid, "no")
    with db.session() as s, pytest.raises(Conflict):  # no edits once submitted
        update_assessment(s, analyst, aid, AssessmentUpdate(summary="late change"))
    with db.session() as s, pytest.raises(ValidationFailed) as err:
        return_to_draft(s, coordinator, aid, "   ")
    assert err.value.errors[0].field == "reason"
    # A coordinator's own assessment needs another approver.
    own = submitted(db, coordinator)
    with db.session() as s, pytest.raises(Forbidden):
        approve(s, coordinator, own)
    with db.session() as s:
        approve(s, admin, own)
        approve(s, coordinator, aid)
    with db.session() as s, pytest.raises(Conflict):
        update_assessment(s, analyst, aid, AssessmentUpdate(summary="after approval"))
    with db.session() as s, pytest.raises(Conflict):
        update_assessment(s, analyst, aid, AssessmentUpdate(
            ratings=[RatingIn(indicator="RF9.1", rating="absent")]))  # fmt: skip
    for move in (lambda s: approve(s, admin, aid), lambda s: submit_for_review(s, analyst, aid),
                 lambda s: return_to_draft(s, admin, aid, "reopen")):  # fmt: skip
        with db.session() as s, pytest.raises(Conflict):
            move(s)


def test_an_empty_draft_cannot_go_to_review(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    with db.session() as s:
        made = create_assessment(s, analyst, AssessmentCreate(country="MM", as_of=date(2024, 1, 1)))
    with db.session() as s, pytest.raises(ValidationFailed) as err:
        submit_for_review(s, analyst, made.id)
    assert err.value.errors[0].field == "ratings"


def test_an_approved_assessment_is_revised_as_a_new_draft(
    db: Database, make_actor: MakeActor
) -> None:
    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    aid = submitted(db, analyst)
    with db.session() as s:
        approve(s, coordinator, aid)
        new = revise(s, analyst, aid, date(2024, 8, 1))
    assert (new.status, new.as_of, new.country) == ("draft", date(2024, 8, 1), "MM")
    assert [(r.indicator, r.rating) for r in new.ratings] == [("RF9.1", "serious")]
    assert new.overall_level == "high" and new.id != aid


def test_the_history_cannot_be_rewritten(db: Database, make_actor: MakeActor) -> None:
    aid = submitted(db, make_actor(Role.ANALYST))
    for statement in ("UPDATE risk_assessment_transitions SET reason = 'forged'",
                      "DELETE FROM risk_assessment_transitions"):  # fmt: skip
        with pytest.raises(DBAPIError), db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM risk_assessment_transitions "
                                 "WHERE assessment_id = :a"), {"a": aid}).scalar()  # fmt: skip
    assert rows == 2
