"""What a page shows for records it links to: event titles and source-link targets, within the
reader's clearance and audited like any other read of a protected record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.orm import Session

from tocsin.cases.models import Act, Event, Intervention, Organisation, Record
from tocsin.cases.records import audit_listed, visible_query
from tocsin.cases.schemas import SourceLinkPublic
from tocsin.core.access import Actor

R = TypeVar("R", bound=Record)


def event_titles(session: Session, actor: Actor, event_ids: Iterable[str]) -> dict[str, str]:
    """Titles of the events the actor may see; an event above clearance is simply absent."""
    ids = sorted(set(event_ids))
    titles: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        rows = list(
            session.scalars(
                visible_query(Event, actor).where(Event.id.in_(ids[start : start + 500]))
            )
        )
        audit_listed(session, actor, "event", rows)
        titles.update((e.id, e.title) for e in rows)
    return titles


@dataclass(frozen=True)
class LinkedRecord:
    """A record a source stands behind, as a page names it. ``event_id`` places acts and
    interventions in their event; a person is never named here (their page decides that)."""

    target_type: str
    target_id: str
    title: str
    event_id: str | None
    note: str


def _visible(session: Session, actor: Actor, model: type[R], kind: str, ids: list[str]) -> list[R]:
    if not ids:
        return []
    rows = list(session.scalars(visible_query(model, actor).where(model.id.in_(ids))))
    audit_listed(session, actor, kind, rows)
    return rows


def linked_records(
    session: Session, actor: Actor, links: list[SourceLinkPublic]
) -> list[LinkedRecord]:
    """The targets of a source's links (already limited to those the actor may see)."""
    wanted: dict[str, list[str]] = {}
    for link in links:
        wanted.setdefault(link.target_type, []).append(link.target_id)
    acts = {a.id: a for a in _visible(session, actor, Act, "act", wanted.get("act", []))}
    orgs = {
        o.id: o.name
        for o in _visible(
            session, actor, Organisation, "organisation", wanted.get("organisation", [])
        )
    }
    found = _visible(session, actor, Intervention, "intervention", wanted.get("intervention", []))
    helps = {i.id: i for i in found}
    events = event_titles(
        session,
        actor,
        [
            *wanted.get("event", []),
            *(a.event_id for a in acts.values()),
            *(i.event_id for i in helps.values() if i.event_id),
        ],
    )
    out: list[LinkedRecord] = []
    for link in links:
        kind, rid = link.target_type, link.target_id
        if kind == "event" and rid in events:
            out.append(LinkedRecord(kind, rid, events[rid], rid, link.note))
        elif kind == "act" and rid in acts:
            act = acts[rid]
            out.append(
                LinkedRecord(kind, rid, events.get(act.event_id, ""), act.event_id, link.note)
            )
        elif kind == "organisation" and rid in orgs:
            out.append(LinkedRecord(kind, rid, orgs[rid], None, link.note))
        elif kind == "intervention" and rid in helps:
            item = helps[rid]
            out.append(LinkedRecord(kind, rid, item.intervention_type, item.event_id, link.note))
        elif kind == "person":
            out.append(LinkedRecord(kind, rid, "", None, link.note))
    return out
