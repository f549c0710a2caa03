"""The review of proposed matches: engines propose, people decide.

``propose`` files what an engine or rule found; nothing is merged unless an admin has set an
auto-accept threshold for that kind and the score reaches it. ``accept`` merges the two records'
clusters, ``reject`` remembers the pair so it never comes back, ``split`` takes a record out of a
wrong cluster (and rejects the accepted pairs that had put it there). Records are never changed
or deleted by any of this: a cluster is a set of record ids (see ``models``).

Both records of a pair must be within the actor's clearance to see or decide it; a pair with a
record above it is invisible, as the record is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, delete, select, update
from sqlalchemy.orm import Session, aliased

from tocsin.cases.models import Event, Organisation, Person
from tocsin.cases.records import paginate
from tocsin.core import audit
from tocsin.core.access import Actor, ensure_visible, visible
from tocsin.core.clock import utcnow
from tocsin.core.errors import Conflict, NotFound, ValidationFailed
from tocsin.core.ids import new_id
from tocsin.core.roles import Permission
from tocsin.crosscheck.models import ClusterChange, ClusterMember, EngineSetting, MatchCandidate

KINDS: dict[str, Any] = {"person": Person, "organisation": Organisation, "event": Event}
# Feature keys that would quote a record's values. A person's names and birth date are stored
# encrypted; a proposal must not keep a copy of them in clear, so these keys are dropped.
QUOTING = frozenset({"left", "right", "value", "values", "left_value", "right_value"})
PROPOSED, ACCEPTED, REJECTED = "proposed", "accepted", "rejected"
STATUSES = (PROPOSED, ACCEPTED, REJECTED)


@dataclass(frozen=True)
class Proposal:
    left_id: str
    right_id: str
    score: float
    features: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ProposeReport:
    new: int = 0
    updated: int = 0
    already_decided: int = 0
    already_together: int = 0
    auto_accepted: int = 0


def model_of(kind: str) -> Any:
    if kind not in KINDS:
        raise ValidationFailed.on("kind", f"unknown {kind!r}; use one of {', '.join(KINDS)}")
    return KINDS[kind]


def auto_accept_threshold(session: Session, kind: str) -> float | None:
    row = session.get(EngineSetting, f"auto_accept.{kind}")
    return None if row is None or row.value is None else float(row.value)


def set_auto_accept(session: Session, actor: Actor, kind: str, threshold: float | None) -> None:
    """Let pairs scoring at least ``threshold`` merge without review (None: always review)."""
    actor.require(Permission.CONFIGURE)
    model_of(kind)
    if threshold is not None and not 0.5 <= threshold <= 1.0:
        raise ValidationFailed.on("auto_accept", "must be between 0.5 and 1, or null")
    key = f"auto_accept.{kind}"
    row = session.get(EngineSetting, key) or EngineSetting(key=key)
    row.value, row.changed_by, row.changed_at = threshold, actor.user_id, utcnow()
    session.add(row)
    audit.record(session, actor, audit.Action.UPDATE, "crosscheck_settings", key,
                 {"auto_accept": threshold})  # fmt: skip


def cluster_id_of(session: Session, kind: str, record_id: str) -> str | None:
    return session.scalar(
        select(ClusterMember.cluster_id).where(
            ClusterMember.kind == kind, ClusterMember.record_id == record_id
        )
    )


def stored_features(kind: str, features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if kind != "person":
        return features
    return [{k: v for k, v in f.items() if k not in QUOTING} for f in features]


BATCH = 1000  # proposals looked up together: one query per batch, not three per proposal


def propose(
    session: Session, kind: str, proposals: Iterable[Proposal], engine: str
) -> ProposeReport:
    """File an engine's proposals. A pair already decided is left as decided; a pair already in
    one cluster is not proposed; a pending one gets the new score. Features that quote a
    person's values are not kept (see ``QUOTING``)."""
    model_of(kind)
    threshold = auto_accept_threshold(session, kind)
    report = ProposeReport()
    batch: list[tuple[str, str, Proposal]] = []
    for p in proposals:
        left, right = sorted((p.left_id, p.right_id))
        if left != right:
            batch.append((left, right, p))
        if len(batch) >= BATCH:
            _file(session, kind, batch, engine, threshold, report)
            batch = []
    if batch:
        _file(session, kind, batch, engine, threshold, report)
    return report


def _file(
    session: Session,
    kind: str,
    batch: list[tuple[str, str, Proposal]],
    engine: str,
    threshold: float | None,
    report: ProposeReport,
) -> None:
    ids = sorted({i for left, right, _ in batch for i in (left, right)})
    clusters: dict[str, str] = dict(session.execute(
        select(ClusterMember.record_id, ClusterMember.cluster_id).where(
            ClusterMember.kind == kind, ClusterMember.record_id.in_(ids))).all())  # fmt: skip
    existing = {(c.left_id, c.right_id): c for c in session.scalars(select(MatchCandidate).where(
        MatchCandidate.kind == kind,
        MatchCandidate.left_id.in_(sorted({left for left, _, _ in batch}))))}  # fmt: skip
    for left, right, p in batch:
        row = existing.get((left, right))
        if row is not None and row.status != PROPOSED:
            report.already_decided += 1
            continue
        together = clusters.get(left)
        if together is not None and together == clusters.get(right):
            report.already_together += 1
            continue
        if row is None:
            row = MatchCandidate(kind=kind, left_id=left, right_id=right, score=p.score,
                                 features=stored_features(kind, p.features), engine=engine,
                                 status=PROPOSED)  # fmt: skip
            session.add(row)
            existing[left, right] = row
            report.new += 1
        else:
            row.score, row.features = p.score, stored_features(kind, p.features)
            row.engine = engine
            row.proposed_at = utcnow()
            report.updated += 1
        if threshold is not None and p.score >= threshold:
            session.flush()  # the candidate's id, which the merge records
            _accept(session, None, row, f"score {p.score:.4f} >= auto-accept {threshold}")
            report.auto_accepted += 1
            # The merge joined two clusters: every record of the batch in either is now in it.
            merged = {clusters.get(left), clusters.get(right)} - {None}
            target = cluster_id_of(session, kind, left)
            assert target is not None
            for record_id, cluster in list(clusters.items()):
                if cluster in merged:
                    clusters[record_id] = target
            clusters[left] = clusters[right] = target
    session.flush()


def _pair_visible(query: Select[Any], kind: str, actor: Actor) -> Select[Any]:
    model = model_of(kind)
    left, right = aliased(model), aliased(model)
    return (
        query.join(left, left.id == MatchCandidate.left_id)
        .join(right, right.id == MatchCandidate.right_id)
        .where(visible(left, actor), visible(right, actor))
    )


def queue(
    session: Session, actor: Actor, kind: str, status: str, page: int, page_size: int
) -> tuple[list[MatchCandidate], int, bool]:
    """Pairs of ``kind`` with ``status`` the actor may see both sides of, best score first."""
    actor.require(Permission.READ)
    if status not in STATUSES:
        raise ValidationFailed.on("status", f"use one of {', '.join(STATUSES)}")
    q = select(MatchCandidate).where(MatchCandidate.kind == kind, MatchCandidate.status == status)
    q = _pair_visible(q, kind, actor).order_by(MatchCandidate.score.desc(), MatchCandidate.id)
    return paginate(session, q, page, page_size)


def get(session: Session, actor: Actor, candidate_id: str) -> MatchCandidate:
    actor.require(Permission.READ)
    row = session.get(MatchCandidate, candidate_id)
    if row is None:
        raise NotFound("no such record")
    model = model_of(row.kind)
    for record_id in (row.left_id, row.right_id):
        ensure_visible(session.get(model, record_id), actor)
    return row


def accept(session: Session, actor: Actor, candidate_id: str, reason: str | None) -> MatchCandidate:
    """The two records are the same: their clusters become one."""
    actor.require(Permission.RESOLVE)
    row = get(session, actor, candidate_id)
    if row.status != PROPOSED:
        raise Conflict(f"this pair was already {row.status}")
    _accept(session, actor, row, reason)
    return row


def _accept(session: Session, actor: Actor | None, row: MatchCandidate, reason: str | None) -> None:
    row.status, row.decided_at, row.reason = ACCEPTED, utcnow(), reason
    row.decided_by = actor.user_id if actor else None
    left = cluster_id_of(session, row.kind, row.left_id)
    right = cluster_id_of(session, row.kind, row.right_id)
    target = left or right or new_id()
    moved = [rid for rid, cid in ((row.left_id, left), (row.right_id, right)) if cid is None]
    for record_id in moved:
        session.add(ClusterMember(kind=row.kind, record_id=record_id, cluster_id=target))
    if left and right and left != right:
        members = session.scalars(select(ClusterMember.record_id).where(
            ClusterMember.kind == row.kind, ClusterMember.cluster_id == right)).all()  # fmt: skip
        session.execute(update(ClusterMember).where(
            ClusterMember.kind == row.kind, ClusterMember.cluster_id == right,
        ).values(cluster_id=target))  # fmt: skip
        moved.extend(members)
    session.add(ClusterChange(kind=row.kind, action="merge", cluster_id=target,
                              record_ids=sorted({row.left_id, row.right_id, *moved}),
                              candidate_id=row.id, decided_by=row.decided_by,
                              automatic=actor is None, reason=reason))  # fmt: skip
    audit.record(session, actor, "merge", row.kind, row.left_id,
                 {"with": row.right_id, "candidate": row.id, "cluster": target,
                  "score": row.score, "automatic": actor is None})  # fmt: skip
    session.flush()


def reject(session: Session, actor: Actor, candidate_id: str, reason: str | None) -> MatchCandidate:
    """Not the same: remembered, so no run proposes this pair again."""
    actor.require(Permission.RESOLVE)
    row = get(session, actor, candidate_id)
    if row.status != PROPOSED:
        raise Conflict(f"this pair was already {row.status}")
    row.status, row.decided_at, row.reason = REJECTED, utcnow(), reason
    row.decided_by = actor.user_id
    audit.record(session, actor, "reject_match", row.kind, row.left_id,
                 {"with": row.right_id, "candidate": row.id})  # fmt: skip
    session.flush()
    return row


def split(session: Session, actor: Actor, kind: str, record_id: str, reason: str | None) -> str:
    """Take ``record_id`` out of its cluster (a merge that was wrong); returns the cluster id it
    left. The accepted pairs joining it to the others are turned into rejections."""
    actor.require(Permission.RESOLVE)
    model = model_of(kind)
    ensure_visible(session.get(model, record_id), actor)
    cluster = cluster_id_of(session, kind, record_id)
    if cluster is None:
        raise Conflict("this record is not merged with any other")
    others = session.scalars(select(ClusterMember.record_id).where(
        ClusterMember.kind == kind, ClusterMember.cluster_id == cluster,
        ClusterMember.record_id != record_id)).all()  # fmt: skip
    session.execute(delete(ClusterMember).where(
        ClusterMember.kind == kind, ClusterMember.record_id == record_id))  # fmt: skip
    if len(others) == 1:  # a cluster of one is no cluster
        session.execute(delete(ClusterMember).where(
            ClusterMember.kind == kind, ClusterMember.record_id == others[0]))  # fmt: skip
    now = utcnow()
    session.execute(update(MatchCandidate).where(
        MatchCandidate.kind == kind, MatchCandidate.status == ACCEPTED,
        and_(MatchCandidate.left_id.in_([record_id, *others]),
             MatchCandidate.right_id.in_([record_id, *others])),
        (MatchCandidate.left_id == record_id) | (MatchCandidate.right_id == record_id),
    ).values(status=REJECTED, decided_by=actor.user_id, decided_at=now,
             reason=f"split: {reason or 'merge undone'}"))  # fmt: skip
    session.add(ClusterChange(kind=kind, action="split", cluster_id=cluster,
                              record_ids=[record_id], decided_by=actor.user_id,
                              reason=reason))  # fmt: skip
    audit.record(session, actor, "split", kind, record_id, {"cluster": cluster})
    session.flush()
    return cluster


@dataclass
class ClusterView:
    cluster_id: str | None
    members: list[str]  # ids the actor may see, the record itself first
    hidden: int  # members above the actor's clearance: counted, never named
    history: list[ClusterChange]


def cluster_of(session: Session, actor: Actor, kind: str, record_id: str) -> ClusterView:
    actor.require(Permission.READ)
    model = model_of(kind)
    ensure_visible(session.get(model, record_id), actor)
    cluster = cluster_id_of(session, kind, record_id)
    if cluster is None:
        return ClusterView(None, [record_id], 0, [])
    ids = session.scalars(select(ClusterMember.record_id).where(
        ClusterMember.kind == kind, ClusterMember.cluster_id == cluster)).all()  # fmt: skip
    seen = set(session.scalars(select(model.id).where(model.id.in_(ids), visible(model, actor))))
    history = session.scalars(select(ClusterChange).where(ClusterChange.cluster_id == cluster)
                              .order_by(ClusterChange.at, ClusterChange.id)).all()  # fmt: skip
    members = [record_id, *sorted(i for i in seen if i != record_id)]
    return ClusterView(cluster, members, len(ids) - len(seen), list(history))
