"""Everything the event page shows about one event, read through the same services and views
as the API, so clearance, consent redaction and the audit of protected reads are the same.

The API answers an event with ids (victims, perpetrators, sources, interventions); a page has
to name them. Each related record is loaded only within the reader's clearance and its read is
audited like a list read of that kind; a record above clearance is absent from the maps, and
the page says it is withheld instead of naming it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tocsin.cases import acts, consent, events, views
from tocsin.cases.models import Intervention, Organisation, Person, Record, Source
from tocsin.cases.records import audit_listed, visible_query
from tocsin.cases.schemas import (
    ActPublic,
    EventPublic,
    InterventionPublic,
    OrganisationPublic,
    PersonPublic,
    SourcePublic,
)
from tocsin.core.access import Actor
from tocsin.core.models import User
from tocsin.core.roles import Permission

R = TypeVar("R", bound=Record)

# A perpetrator select lists organisations by name; past this many a team should be typing
# an id (or the organisation pages' search) rather than scrolling.
ORGANISATION_CHOICES = 500


@dataclass
class SourceOnEvent:
    """A source behind the event or one of its acts, with what it stands behind."""

    source: SourcePublic
    on_event: bool
    act_ids: list[str]


@dataclass
class Dossier:
    event: EventPublic
    persons: dict[str, PersonPublic] = field(default_factory=dict)
    organisations: dict[str, OrganisationPublic] = field(default_factory=dict)
    sources: list[SourceOnEvent] = field(default_factory=list)
    interventions: list[InterventionPublic] = field(default_factory=list)
    editors: dict[str, str] = field(default_factory=dict)  # user id -> name, for the history

    def person(self, person_id: str | None) -> PersonPublic | None:
        return self.persons.get(person_id) if person_id else None


def _visible(
    session: Session, actor: Actor, model: type[R], kind: str, ids: Iterable[str], *opts: Any
) -> list[R]:
    wanted = sorted({i for i in ids if i})
    rows: list[R] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = visible_query(model, actor).where(model.id.in_(chunk))
        rows.extend(session.scalars(query.options(*opts)))
    audit_listed(session, actor, kind, rows)
    return rows


def persons_by_id(session: Session, actor: Actor, ids: Iterable[str]) -> dict[str, PersonPublic]:
    """Persons as the API's person list shows them: consent withdrawn means a withheld name."""
    rows = _visible(session, actor, Person, "person", ids, selectinload(Person.names))
    states = consent.states(session, [p.id for p in rows])
    return {
        p.id: views.person_public(session, actor, p, with_appearances=False, state=states.get(p.id))
        for p in rows
    }


def _organisations(
    session: Session, actor: Actor, ids: Iterable[str]
) -> dict[str, OrganisationPublic]:
    rows = _visible(session, actor, Organisation, "organisation", ids)
    return {o.id: views.organisation_public(o) for o in rows}


def _sources(session: Session, actor: Actor, event: EventPublic) -> list[SourceOnEvent]:
    behind: dict[str, SourceOnEvent] = {}
    wanted = set(event.source_ids) | {s for a in event.acts for s in a.source_ids}
    rows = sorted(
        _visible(session, actor, Source, "source", wanted),
        key=lambda s: (s.reliability, s.credibility, s.title),
    )
    for row in rows:
        behind[row.id] = SourceOnEvent(
            views.source_public(session, actor, row), row.id in event.source_ids, []
        )
    for act in event.acts:
        for source_id in act.source_ids:
            if source_id in behind:
                behind[source_id].act_ids.append(act.id)
    return list(behind.values())


def _editors(session: Session, actor: Actor, ids: Iterable[str]) -> dict[str, str]:
    """Who changed the status, for team members; a partner sees only that the team did."""
    wanted = sorted({i for i in ids if i})
    if not wanted or not actor.can(Permission.WRITE):
        return {}
    rows = session.execute(
        select(User.id, User.display_name, User.email).where(User.id.in_(wanted))
    )
    return {uid: name or email for uid, name, email in rows}


def dossier(session: Session, actor: Actor, event_id: str) -> Dossier:
    """The event as the API returns it, and the records it names. Raises NotFound above the
    reader's clearance, exactly as GET /events/{id} does."""
    event = events.get(session, actor, event_id)
    person_ids = [a.victim_person_id for a in event.acts if a.victim_person_id]
    person_ids += [p.person_id for a in event.acts for p in a.perpetrators if p.person_id]
    org_ids = [p.organisation_id for a in event.acts for p in a.perpetrators if p.organisation_id]
    items = _visible(session, actor, Intervention, "intervention", event.intervention_ids)
    person_ids += [i.person_id for i in items if i.person_id]
    return Dossier(
        event=event,
        persons=persons_by_id(session, actor, person_ids),
        organisations=_organisations(session, actor, org_ids),
        sources=_sources(session, actor, event),
        interventions=sorted(
            (views.intervention_public(i) for i in items),
            key=lambda i: (i.on_date is None, i.on_date, i.created_at),
        ),
        editors=_editors(session, actor, [h.changed_by or "" for h in event.status_history]),
    )


def organisation_choices(
    session: Session, actor: Actor, keep: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """(id, name) of the organisations a perpetrator can be chosen from, by name; ``keep``
    (those already on the act) stay listed even past the cut-off."""
    rows = list(
        session.scalars(
            visible_query(Organisation, actor)
            .order_by(Organisation.name, Organisation.id)
            .limit(ORGANISATION_CHOICES)
        )
    )
    listed = {o.id for o in rows}
    rows += _visible(session, actor, Organisation, "organisation", set(keep) - listed)
    audit_listed(session, actor, "organisation", [o for o in rows if o.id in listed])
    return [(o.id, o.name) for o in rows]


def victims(session: Session, actor: Actor, event: EventPublic) -> dict[str, PersonPublic]:
    """The persons the event's acts name as victims, as far as the reader may see them."""
    return persons_by_id(session, actor, [a.victim_person_id or "" for a in event.acts])


def act_in_event(session: Session, actor: Actor, act_id: str) -> tuple[ActPublic, EventPublic]:
    """An act and its event, both read as the API reads them (each audited if protected)."""
    act = acts.get(session, actor, act_id)
    return act, events.get(session, actor, act.event_id)

