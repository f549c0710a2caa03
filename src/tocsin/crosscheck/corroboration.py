"""How many independent sources support an event or an act.

The sources counted are those linked to the record itself and, for an event, to its acts and to
every event decided to report the same incident (its cluster), with their acts. A source that
repeats another (``Source.repeats_id``: an article quoting a report) is not independent of it:
sources are counted by the original they go back to, so a report and three articles quoting it
count once. Only sources the reader may see are named; the others are counted apart, so the
figure does not mislead while nothing above the reader's clearance is revealed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.models import Act, Event, Source, SourceLink
from tocsin.core.access import Actor, ensure_visible
from tocsin.core.roles import Permission
from tocsin.crosscheck.models import ClusterMember
from tocsin.crosscheck.review import cluster_id_of


@dataclass
class Corroboration:
    independent: int  # distinct originals behind the record
    sources: int  # sources linked, repeats included
    events: list[str] = field(default_factory=list)  # the events counted (the cluster)
    originals: list[str] = field(default_factory=list)  # visible originals' ids
    hidden_sources: int = 0  # linked sources above the reader's clearance


def _roots(session: Session, source_ids: set[str]) -> dict[str, str]:
    """Each source's original: follow ``repeats_id`` up, stopping at a loop."""
    parent: dict[str, str | None] = {}
    frontier = set(source_ids)
    while frontier:
        rows = session.execute(select(Source.id, Source.repeats_id).where(
            Source.id.in_(sorted(frontier)))).all()  # fmt: skip
        parent.update(rows)
        frontier = {p for _, p in rows if p and p not in parent}
    out = {}
    for sid in source_ids:
        seen, at = {sid}, sid
        while (up := parent.get(at)) and up not in seen:
            seen.add(up)
            at = up
        out[sid] = at
    return out


def _count(session: Session, actor: Actor, targets: list[tuple[str, str]],
           events: list[str]) -> Corroboration:  # fmt: skip
    ids: set[str] = set()
    for kind, record_ids in _by_kind(targets).items():
        ids.update(session.scalars(select(SourceLink.source_id).where(
            SourceLink.target_type == kind, SourceLink.target_id.in_(record_ids))))  # fmt: skip
    roots = _roots(session, ids)
    seen = {s.id: s for s in session.scalars(select(Source).where(Source.id.in_(ids)))
            if actor.may_see(s.tlp, s.created_by)}  # fmt: skip
    originals = sorted({roots[i] for i in ids})
    return Corroboration(
        independent=len(originals), sources=len(ids), events=events,
        originals=[o for o in originals if o in seen or _visible(session, actor, o)],
        hidden_sources=len(ids) - len(seen),
    )  # fmt: skip


def _visible(session: Session, actor: Actor, source_id: str) -> bool:
    s = session.get(Source, source_id)
    return s is not None and actor.may_see(s.tlp, s.created_by)


def _by_kind(targets: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for kind, rid in targets:
        out.setdefault(kind, []).append(rid)
    return out


def for_event(session: Session, actor: Actor, event_id: str) -> Corroboration:
    actor.require(Permission.READ)
    ensure_visible(session.get(Event, event_id), actor)
    cluster = cluster_id_of(session, "event", event_id)
    events = [event_id]
    if cluster is not None:
        events = sorted(session.scalars(select(ClusterMember.record_id).where(
            ClusterMember.kind == "event", ClusterMember.cluster_id == cluster)))  # fmt: skip
    acts = session.scalars(select(Act.id).where(Act.event_id.in_(events))).all()
    targets = [("event", e) for e in events] + [("act", a) for a in acts]
    return _count(session, actor, targets, events)


def for_act(session: Session, actor: Actor, act_id: str) -> Corroboration:
    actor.require(Permission.READ)
    act = session.get(Act, act_id)
    ensure_visible(act, actor)
    assert act is not None
    return _count(session, actor, [("act", act_id)], [act.event_id])
