"""What the review pages show of the records behind a pair or a cluster.

The records are read through the case services' own visibility filter and audited like any other
read of a protected record; a record above the reader's clearance is simply absent. Nothing here
decides anything: decisions go through ``review``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases import event_dossier, events, record_titles, views
from tocsin.cases.models import Act, Event, Organisation
from tocsin.cases.records import audit_listed, visible_query
from tocsin.cases.schemas import EventSummary, OrganisationPublic, PersonPublic
from tocsin.core.access import Actor, visible
from tocsin.core.models import User
from tocsin.core.roles import Permission
from tocsin.crosscheck import corroboration, review
from tocsin.crosscheck.corroboration import Corroboration
from tocsin.crosscheck.models import ClusterChange, MatchCandidate

# Feature keys that quote a record's own values (a name, a birth date): withheld when a person's
# identity is withheld, as the person's page withholds them.
_QUOTING = review.QUOTING


def _events(session: Session, actor: Actor, ids: list[str]) -> dict[str, EventSummary]:
    rows = list(session.scalars(visible_query(Event, actor).where(Event.id.in_(ids))))
    audit_listed(session, actor, "event", rows)
    stats = events.act_stats(session, actor, [e.id for e in rows])
    return {e.id: views.event_summary(e, *stats.get(e.id, ([], 0))) for e in rows}


def _organisations(session: Session, actor: Actor, ids: list[str]) -> dict[str, OrganisationPublic]:
    query = visible_query(Organisation, actor).where(Organisation.id.in_(ids))
    rows = list(session.scalars(query))
    audit_listed(session, actor, "organisation", rows)
    return {o.id: views.organisation_public(o) for o in rows}


def records(session: Session, actor: Actor, kind: str, ids: Iterable[str]) -> dict[str, Any]:
    """The public shape of each record of ``kind`` the actor may see, by id."""
    review.model_of(kind)
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    if kind == "person":
        return dict(event_dossier.persons_by_id(session, actor, wanted))
    if kind == "event":
        return dict(_events(session, actor, wanted))
    return dict(_organisations(session, actor, wanted))


def deciders(session: Session, actor: Actor, ids: Iterable[str | None]) -> dict[str, str]:
    """Names of the team members who decided; readers outside the team see none."""
    wanted = sorted({i for i in ids if i})
    if not wanted or not actor.can(Permission.WRITE):
        return {}
    rows = session.execute(
        select(User.id, User.display_name, User.email).where(User.id.in_(wanted))
    )
    return {uid: name or email for uid, name, email in rows}


def shown_features(features: list[dict[str, Any]], withheld: bool) -> list[dict[str, Any]]:
    """The features as stored, less the quoted values when an identity is withheld."""
    if not withheld:
        return [dict(f) for f in features]
    return [{k: v for k, v in f.items() if k not in _QUOTING} for f in features]


def _withheld(record: Any) -> bool:
    return isinstance(record, PersonPublic) and record.redacted


@dataclass
class PairView:
    candidate: MatchCandidate
    left: Any  # PersonPublic, EventSummary or OrganisationPublic
    right: Any
    features: list[dict[str, Any]]


def pairs(session: Session, actor: Actor, kind: str, rows: list[MatchCandidate]) -> list[PairView]:
    """The queue's rows with both records (``review.queue`` already kept only visible pairs)."""
    found = records(session, actor, kind, [i for r in rows for i in (r.left_id, r.right_id)])
    out = []
    for r in rows:
        left, right = found.get(r.left_id), found.get(r.right_id)
        if left is None or right is None:  # changed level since the queue was read
            continue
        withheld = _withheld(left) or _withheld(right)
        out.append(PairView(r, left, right, shown_features(r.features or [], withheld)))
    return out


@dataclass
class ChangeView:
    change: ClusterChange
    record_ids: list[str]  # only those the reader may see
    who: str | None


@dataclass
class ClusterPage:
    kind: str
    record_id: str
    cluster_id: str | None
    members: dict[str, Any]  # id -> public record, the record itself first
    hidden: int
    history: list[ChangeView] = field(default_factory=list)


def cluster_page(session: Session, actor: Actor, kind: str, record_id: str) -> ClusterPage:
    view = review.cluster_of(session, actor, kind, record_id)
    found = records(session, actor, kind, view.members)
    members = {m: found[m] for m in view.members if m in found}
    names = deciders(session, actor, (h.decided_by for h in view.history))
    history = [
        ChangeView(h, [r for r in h.record_ids if r in members], names.get(h.decided_by or ""))
        for h in view.history
    ]
    return ClusterPage(kind, record_id, view.cluster_id, members, view.hidden, history)


@dataclass
class SameAs:
    """The other records in a record's cluster, for its page."""

    others: dict[str, Any]  # id -> public record (persons) or title (events)
    hidden: int


def same_person(session: Session, actor: Actor, person_id: str) -> SameAs:
    view = review.cluster_of(session, actor, "person", person_id)
    others = [m for m in view.members if m != person_id]
    found = event_dossier.persons_by_id(session, actor, others)
    return SameAs({m: found[m] for m in others if m in found}, view.hidden)


@dataclass
class EventCrosscheck:
    corroboration: Corroboration
    same: SameAs
    acts: dict[str, int] = field(default_factory=dict)  # independent sources per act


def event_crosscheck(session: Session, actor: Actor, event_id: str) -> EventCrosscheck:
    found = corroboration.for_event(session, actor, event_id)
    view = review.cluster_of(session, actor, "event", event_id)
    others = [m for m in view.members if m != event_id]
    titles = record_titles.event_titles(session, actor, others)
    same = SameAs({m: titles[m] for m in others if m in titles}, view.hidden)
    acts = session.scalars(select(Act).where(Act.event_id == event_id, visible(Act, actor)))
    per_act = {a.id: corroboration.for_act(session, actor, a.id).independent for a in acts}
    return EventCrosscheck(found, same, per_act)
