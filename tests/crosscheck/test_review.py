"""Review of proposed matches on SQLite and PostgreSQL: merge and split keep every record and
their provenance, a rejected pair never comes back, and records above clearance stay unseen."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from tests.conftest import MakeActor
from tests.seeding import Seeder

from tocsin.cases.models import Person
from tocsin.core.db import Database
from tocsin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.crosscheck import review
from tocsin.crosscheck.models import ClusterChange, MatchCandidate
from tocsin.crosscheck.review import Proposal

FEATURE = [{"field": "name", "level": "key match", "weight": 4.2}]


def people(db: Database, seed: Seeder, n: int, tlp: str = "AMBER") -> list[str]:
    return [seed.person(tlp).id for _ in range(n)]


def candidate(db: Database, kind: str, a: str, b: str) -> str:
    left, right = sorted((a, b))
    with db.session() as s:
        return s.scalars(select(MatchCandidate.id).where(
            MatchCandidate.kind == kind, MatchCandidate.left_id == left,
            MatchCandidate.right_id == right)).one()  # fmt: skip


def test_merge_and_split_keep_records_and_provenance(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    seed = Seeder(db, analyst)
    a, b, c = people(db, seed, 3)
    with db.session() as s:
        report = review.propose(s, "person", [Proposal(a, b, 0.97, FEATURE),
                                              Proposal(c, b, 0.91, FEATURE)], "test")  # fmt: skip
    assert (report.new, report.auto_accepted) == (2, 0)  # nothing merges without a decision
    with db.session() as s:
        rows, total, _ = review.queue(s, analyst, "person", "proposed", 1, 10)
        assert total == 2 and [r.score for r in rows] == [0.97, 0.91]
        assert rows[0].features == FEATURE
        review.accept(s, analyst, candidate(db, "person", a, b), "same birth date and village")
        review.accept(s, analyst, candidate(db, "person", b, c), None)
        view = review.cluster_of(s, analyst, "person", b)
        assert sorted(view.members) == sorted([a, b, c]) and view.members[0] == b
        assert [h.action for h in view.history] == ["merge", "merge"]
        assert view.history[0].decided_by == analyst.user_id
        # The records themselves are untouched and still there.
        assert s.scalar(select(func.count()).select_from(Person)) == 3
    with db.session() as s:
        cluster = review.split(s, analyst, "person", c, "different father's name")
        assert review.cluster_of(s, analyst, "person", c).cluster_id is None
        assert sorted(review.cluster_of(s, analyst, "person", a).members) == sorted([a, b])
        status = s.scalar(select(MatchCandidate.status).where(
            MatchCandidate.id == candidate(db, "person", b, c)))  # fmt: skip
        assert status == "rejected"
        actions = s.scalars(select(ClusterChange.action).where(
            ClusterChange.cluster_id == cluster).order_by(ClusterChange.at)).all()  # fmt: skip
        assert actions == ["merge", "merge", "split"]
        audited = s.scalars(select(AuditEntry.action).where(
            AuditEntry.action.in_(["merge", "split"]))).all()  # fmt: skip
        assert sorted(audited) == ["merge", "merge", "split"]
    # The history of decisions cannot be rewritten in the database.
    with db.engine.connect() as conn, pytest.raises(DBAPIError):
        conn.execute(text("DELETE FROM cluster_changes"))
    with db.session() as s, pytest.raises(Conflict):
        review.split(s, analyst, "person", c, None)


def test_a_rejected_pair_is_never_proposed_again(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    a, b = people(db, Seeder(db, analyst), 2)
    with db.session() as s:
        review.propose(s, "person", [Proposal(a, b, 0.8)], "test")
    with db.session() as s:
        review.reject(s, analyst, candidate(db, "person", a, b), "siblings")
    with db.session() as s:
        again = review.propose(s, "person", [Proposal(b, a, 0.99)], "test-2")
        assert (again.new, again.updated, again.already_decided) == (0, 0, 1)
        assert review.queue(s, analyst, "person", "proposed", 1, 10)[1] == 0
        with pytest.raises(Conflict):
            review.accept(s, analyst, candidate(db, "person", a, b), None)


def test_auto_accept_only_when_an_admin_sets_it(db: Database, make_actor: MakeActor) -> None:
    admin, coordinator = make_actor(Role.ADMIN), make_actor(Role.COORDINATOR)
    a, b, c, d = people(db, Seeder(db, admin), 4)
    with db.session() as s, pytest.raises(Forbidden):
        review.set_auto_accept(s, coordinator, "person", 0.99)
    with db.session() as s, pytest.raises(ValidationFailed) as bad:
        review.set_auto_accept(s, admin, "person", 0.2)
    assert bad.value.errors[0].field == "auto_accept"
    with db.session() as s:
        review.set_auto_accept(s, admin, "person", 0.99)
    with db.session() as s:
        report = review.propose(s, "person", [Proposal(a, b, 0.995), Proposal(c, d, 0.98)], "t")
        assert report.auto_accepted == 1
        change = s.scalars(select(ClusterChange)).one()
        assert change.automatic and change.decided_by is None
        assert review.cluster_of(s, admin, "person", a).members == [a, b]
        again = review.propose(s, "person", [Proposal(a, b, 0.999)], "t")
        assert again.already_decided == 1


def test_wrong_role_and_clearance_are_refused(db: Database, make_actor: MakeActor) -> None:
    coordinator = make_actor(Role.COORDINATOR)
    documenter, analyst = make_actor(Role.DOCUMENTER), make_actor(Role.ANALYST)
    seed = Seeder(db, coordinator)
    a, b = people(db, seed, 2)
    red = seed.person("RED").id
    with db.session() as s:
        review.propose(s, "person", [Proposal(a, b, 0.9), Proposal(a, red, 0.95)], "t")
    with db.session() as s:
        with pytest.raises(Forbidden):
            review.accept(s, documenter, candidate(db, "person", a, b), None)
        # A pair with a RED record is invisible to an analyst: not listed, not found.
        assert [r.score for r in review.queue(s, analyst, "person", "proposed", 1, 10)[0]] == [0.9]
        with pytest.raises(NotFound):
            review.accept(s, analyst, candidate(db, "person", a, red), None)
        review.accept(s, coordinator, candidate(db, "person", a, red), None)
        view = review.cluster_of(s, analyst, "person", a)
        assert view.members == [a] and view.hidden == 1
        with pytest.raises(ValidationFailed):
            review.queue(s, analyst, "planet", "proposed", 1, 10)


def test_a_proposal_keeps_no_person_value_in_clear(db: Database, make_actor: MakeActor) -> None:
    """Names are encrypted in the person records; a proposal must not copy them out."""
    a, b = people(db, Seeder(db, make_actor(Role.ANALYST)), 2)
    quoted = [{"field": "name", "left": "Amal Example", "right": "Amel Exemple", "level": "fuzzy"}]
    with db.session() as s:
        review.propose(s, "person", [Proposal(a, b, 0.9, quoted)], "t")
    with db.session() as s:
        assert s.scalars(select(MatchCandidate.features)).one() == [
            {"field": "name", "level": "fuzzy"}
        ]
    with db.engine.connect() as conn:
        raw = conn.execute(text("SELECT features FROM match_candidates")).scalar_one()
    assert "Amal" not in str(raw)


def test_proposals_filed_in_batches_see_what_came_before(
    db: Database, make_actor: MakeActor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pairs are looked up a batch at a time; a pair met twice, across batches or within one,
    and merges made automatically earlier in the same call, are all taken into account."""
    monkeypatch.setattr(review, "BATCH", 2)
    admin = make_actor(Role.ADMIN)
    a, b, c, d, e = people(db, Seeder(db, admin), 5)
    with db.session() as s:
        review.set_auto_accept(s, admin, "person", 0.99)
    with db.session() as s:
        report = review.propose(s, "person", [
            Proposal(a, b, 0.995), Proposal(b, c, 0.995),  # merged: a, b and c in one cluster
            Proposal(a, c, 0.995),  # already together, in the next batch
            Proposal(d, e, 0.7), Proposal(e, d, 0.8),  # the same pair twice in one batch
            Proposal(c, a, 0.5),  # and again, after the batch that merged it
        ], "t")  # fmt: skip
    assert (report.new, report.updated, report.auto_accepted) == (3, 1, 2)
    assert report.already_together == 2
    with db.session() as s:
        assert sorted(review.cluster_of(s, admin, "person", a).members) == sorted([a, b, c])
        pending = s.scalars(select(MatchCandidate).where(MatchCandidate.status == "proposed"))
        assert [(r.score, {r.left_id, r.right_id}) for r in pending] == [(0.8, {d, e})]
