"""Commitments and the judgements of their progress, on SQLite and PostgreSQL: the source
paragraph fills the document and action; judgements are append-only in the database; the current
status is the latest judgement by as-of date (ties: recorded last); bad input names its field;
roles and sharing levels are enforced, and protected reads are audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from tests.conftest import MakeActor
from tests.response.commitments_kit import commit, library_plan
from tests.seeding import Seeder, cheap_hashing

from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, NotFound, ValidationFailed
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.response.commitments import (
    CommitmentFilters,
    CommitmentUpdate,
    JudgementCreate,
    dashboard,
    get_commitment,
    list_commitments,
    record_judgement,
    update_commitment,
)
from tocsin.response.commitments.models import CommitmentJudgement


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


def judge(db: Database, actor: object, cid: str, status: str, as_of: date, **kw: object) -> str:
    data = {"status": status, "as_of": as_of, "source": "national report",
            "source_kind": "self_report", **kw}  # fmt: skip
    with db.session() as s:
        return record_judgement(s, actor, cid, JudgementCreate(**data)).id  # type: ignore[arg-type]


def test_a_paragraph_gives_the_document_and_the_action(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    nodes = library_plan(db, analyst)
    made = commit(db, analyst, node_id=nodes["2"], action="", document_title="ignored",
                  indicators=["Trials held", " Trials  held", "Recruiters convicted"])  # fmt: skip
    assert made.action == "States should try the recruiters of children."
    assert made.document_title == "Plan of protection" and made.document_key == "plan-of-protection"
    assert made.source is not None and made.source.reference.endswith("/2")
    assert made.indicators == ["Trials held", "Recruiters convicted"]
    assert made.status is None and made.judgements == []
    # The same paragraph named by its reference works too.
    again = commit(db, analyst, node_id=made.source.reference)
    assert again.node_id == made.node_id


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"actor_kind": "pirates"}, "actor_kind"),
        ({"made_on": date(2024, 1, 1), "due_on": date(2023, 1, 1)}, "due_on"),
        ({"node_id": "no-such/-/-/9"}, "node_id"),
        ({"country": "AB"}, "country"),
        ({"action": "", "node_id": None}, "action"),
        ({"actor_name": "   "}, "actor_name"),
    ],
)
def test_bad_commitments_name_their_field(
    db: Database, make_actor: MakeActor, given: dict[str, object], field: str
) -> None:
    analyst = make_actor(Role.ANALYST)
    with pytest.raises(ValidationFailed) as refused:
        commit(db, analyst, **given)
    assert refused.value.errors[0].field == field
    with db.session() as s:  # nothing half-written
        assert list_commitments(s, analyst, CommitmentFilters())[1] == 0


def test_judgements_are_append_only_in_the_database(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    c = commit(db, analyst)
    jid = judge(db, analyst, c.id, "in_progress", date(2024, 1, 1))
    for statement in ("UPDATE response_judgements SET status = 'implemented' WHERE id = :id",
                      "DELETE FROM response_judgements WHERE id = :id"):  # fmt: skip
        with pytest.raises(DBAPIError, match="append-only"), db.session() as s:
            s.execute(text(statement), {"id": jid})
    with db.session() as s:
        assert s.scalar(select(CommitmentJudgement.status)) == "in_progress"


def test_the_current_status_is_the_latest_by_as_of_date(
    db: Database, make_actor: MakeActor
) -> None:
    analyst = make_actor(Role.ANALYST)
    c = commit(db, analyst, made_on=date(2020, 1, 1))
    judge(db, analyst, c.id, "in_progress", date(2023, 6, 1))
    # Recorded later but about an earlier date: history, not the current status.
    judge(db, analyst, c.id, "not_started", date(2021, 1, 1), source="shadow report",
          source_kind="independent")  # fmt: skip
    with db.session() as s:
        got = get_commitment(s, analyst, c.id)
    assert (got.status, got.status_as_of) == ("in_progress", date(2023, 6, 1))
    assert [j.as_of for j in got.judgements] == [date(2023, 6, 1), date(2021, 1, 1)]
    # A correction on the same date: the one recorded last is current.
    correction = judge(db, analyst, c.id, "implemented", date(2023, 6, 1), note="misread")
    with db.session() as s:
        got = get_commitment(s, analyst, c.id)
    assert got.status == "implemented" and got.last_judgement is not None
    assert got.last_judgement.id == correction and len(got.judgements) == 3


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"status": "done"}, "status"),
        ({"source_kind": "rumour"}, "source_kind"),
        ({"as_of": date.today() + timedelta(days=2)}, "as_of"),
        ({"as_of": date(2019, 1, 1)}, "as_of"),  # before the commitment was made
        ({"urls": ["https://ok.example.org", "javascript:alert(1)"]}, "urls[1]"),
        ({"indicators": ["Something else"]}, "indicators"),
        ({"source": "  "}, "source"),
        ({"event_ids": ["no-such-event"]}, "event_ids"),
    ],
)
def test_bad_judgements_name_their_field(
    db: Database, make_actor: MakeActor, given: dict[str, object], field: str
) -> None:
    analyst = make_actor(Role.ANALYST)
    c = commit(db, analyst, made_on=date(2020, 1, 1), indicators=["Law passed"])
    data = {"status": "in_progress", "as_of": date(2024, 1, 1), "source": "report",
            "source_kind": "independent", **given}  # fmt: skip
    with pytest.raises(ValidationFailed) as refused, db.session() as s:
        record_judgement(s, analyst, c.id, JudgementCreate(**data))  # type: ignore[arg-type]
    assert refused.value.errors[0].field == field
    with db.session() as s:
        assert s.scalar(select(CommitmentJudgement.id)) is None


def test_evidence_beyond_clearance_is_refused_and_hidden(
    db: Database, make_actor: MakeActor
) -> None:
    admin, analyst = make_actor(Role.ADMIN), make_actor(Role.ANALYST)
    partner = make_actor(Role.PARTNER_VIEWER)
    seed = Seeder(db, admin)
    red, amber = seed.event(tlp="RED"), seed.event(tlp="AMBER")
    c = commit(db, analyst)
    with pytest.raises(ValidationFailed) as refused:
        judge(db, analyst, c.id, "in_progress", date(2024, 1, 1), event_ids=[red.id])
    assert refused.value.errors[0].field == "event_ids"
    assert red.id in refused.value.errors[0].message and red.secret not in str(refused.value)
    judge(db, admin, c.id, "in_progress", date(2024, 1, 1), event_ids=[red.id, amber.id])
    with db.session() as s:
        seen_by_analyst = get_commitment(s, analyst, c.id).judgements[0]
        seen_by_partner = get_commitment(s, partner, c.id).judgements[0]
    assert (seen_by_analyst.event_ids, seen_by_analyst.hidden_records) == ([amber.id], 1)
    assert (seen_by_partner.event_ids, seen_by_partner.hidden_records) == ([], 2)


def test_roles_and_sharing_levels(db: Database, make_actor: MakeActor) -> None:
    analyst, documenter = make_actor(Role.ANALYST), make_actor(Role.DOCUMENTER)
    partner = make_actor(Role.PARTNER_VIEWER)
    with pytest.raises(Forbidden):
        commit(db, documenter)
    with pytest.raises(Forbidden):
        commit(db, partner)
    amber = commit(db, analyst, tlp="AMBER", actor_name="Amberland")
    green = commit(db, analyst, tlp="GREEN")
    with pytest.raises(Forbidden):
        judge(db, documenter, green.id, "implemented", date(2024, 1, 1))
    with db.session() as s:
        with pytest.raises(NotFound):
            get_commitment(s, partner, amber.id)
        listed, total = list_commitments(s, partner, CommitmentFilters())
        board = dashboard(s, partner, CommitmentFilters())
    assert [c.id for c in listed] == [green.id] and total == 1
    assert board.total.total == 1 and "Amberland" not in {r.key for r in board.by_actor}
    with db.session() as s:
        get_commitment(s, analyst, amber.id)
        get_commitment(s, analyst, green.id)
        reads = s.scalars(select(AuditEntry.entity_id).where(
            AuditEntry.action == "read", AuditEntry.entity_type == "commitment")).all()  # fmt: skip
    assert amber.id in reads and green.id not in reads


def test_edits_are_audited_and_checked(db: Database, make_actor: MakeActor) -> None:
    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    c = commit(db, analyst, made_on=date(2020, 1, 1))
    with db.session() as s:
        edited = update_commitment(s, coordinator, c.id, CommitmentUpdate(
            due_on=date(2022, 1, 1), country="fr", indicators=["Law passed"]))  # fmt: skip
    assert (edited.due_on, edited.country, edited.indicators) == (
        date(2022, 1, 1), "FR", ["Law passed"])  # fmt: skip
    with pytest.raises(ValidationFailed) as refused, db.session() as s:
        update_commitment(s, analyst, c.id, CommitmentUpdate(due_on=date(2019, 1, 1)))
    assert refused.value.errors[0].field == "due_on"
    with db.session() as s:
        entry = s.scalars(select(AuditEntry).where(
            AuditEntry.action == "update", AuditEntry.entity_id == c.id)).one()  # fmt: skip
        assert entry.detail == {"fields": ["country", "due_on", "indicators"]}
        assert entry.user_id == coordinator.user_id


def test_dashboard_counts_per_actor_and_document(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    past = date.today() - timedelta(days=30)
    a = commit(db, analyst, made_on=date(2020, 1, 1), due_on=past)  # overdue, in progress
    b = commit(db, analyst, made_on=date(2020, 1, 1), due_on=past)  # implemented: not overdue
    commit(db, analyst)  # never judged
    commit(db, analyst, actor_name="UNICEF", actor_kind="un_body", document_title="Other")
    judge(db, analyst, a.id, "in_progress", date(2021, 1, 1))
    judge(db, analyst, b.id, "implemented", date(2021, 1, 1))
    with db.session() as s:
        board = dashboard(s, analyst, CommitmentFilters())
        only = dashboard(s, analyst, CommitmentFilters(status="overdue"))
    testland = next(r for r in board.by_actor if r.key == "Republic of Testland")
    assert testland.total == 3 and testland.overdue == 1 and testland.no_judgement == 1
    assert testland.counts["implemented"] == 1 and testland.counts["in_progress"] == 1
    assert testland.implemented_share == pytest.approx(1 / 3)
    assert {r.key: r.total for r in board.by_document} == {"Testland pledge": 3, "Other": 1}
    assert board.total.total == 4 and [c.id for c in only.commitments] == [a.id]
