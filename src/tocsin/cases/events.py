"""Events (incidents): create, edit, move through verification, and find them again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from tocsin.cases import views
from tocsin.cases.dates import parse_span
from tocsin.cases.models import Act, ActPerpetrator, Event, EventStatusChange, Organisation
from tocsin.cases.records import (
    changed_tlp,
    contains,
    fetch,
    page_of,
    tlp_rank,
    visible_query,
    written,
)
from tocsin.cases.schemas import (
    EventCreate,
    EventPublic,
    EventSummary,
    EventUpdate,
    Page,
    PlaceIn,
    StatusChangeIn,
)
from tocsin.cases.search import event_text_matches
from tocsin.cases.workflow import Status, allowed_next
from tocsin.core import audit
from tocsin.core.access import Actor, visible
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission


def place_columns(place: PlaceIn) -> dict[str, Any]:
    return {
        "place_name": place.name,
        "country": place.country,
        "admin_area": place.admin_area,
        "latitude": place.lat,
        "longitude": place.lon,
    }


def span_columns(start: str, end: str | None, prefix: str = "") -> dict[str, Any]:
    span = parse_span(start, end, prefix)
    return {
        "start_date": span.start,
        "start_precision": span.start_precision.value,
        "end_date": span.end,
        "end_precision": span.end_precision.value,
    }


def _check_status(value: str, field: str = "status") -> Status:
    try:
        return Status(value)
    except ValueError:
        choices = ", ".join(s.value for s in Status)
        raise ValidationFailed.on(
            field, f"unknown status {value!r}; use one of {choices}"
        ) from None


def create(session: Session, actor: Actor, data: EventCreate) -> Event:
    actor.require(Permission.WRITE)
    status = _check_status(data.status)
    if status is not Status.REPORTED:
        actor.require(Permission.CHANGE_STATUS)
    event = Event(
        title=data.title,
        description=data.description,
        status=status.value,
        tlp=tlp_rank(data.tlp),
        created_by=actor.user_id,
        updated_by=actor.user_id,
        **span_columns(data.start, data.end),
        **place_columns(data.place),
    )
    session.add(event)
    session.flush()
    session.add(
        EventStatusChange(
            event_id=event.id,
            from_status=None,
            to_status=status.value,
            reason="recorded",
            changed_by=actor.user_id,
        )
    )
    written(session, actor, audit.Action.CREATE, "event", event.id)
    return event


def update(session: Session, actor: Actor, event_id: str, data: EventUpdate) -> Event:
    actor.require(Permission.WRITE)
    event = fetch(session, Event, event_id, actor, "event")
    changes: dict[str, Any] = {}
    given = data.model_fields_set
    for key in ("title", "description"):
        if key in given and getattr(data, key) is not None:
            changes[key] = getattr(data, key)
    if "start" in given or "end" in given:
        start = data.start or views.date_text(event.start_date, event.start_precision)
        end = data.end if "end" in given else views.date_text(event.end_date, event.end_precision)
        if start is None:
            raise ValidationFailed.on("start", "is required")
        changes.update(span_columns(start, end))
    if data.place is not None:
        changes.update(place_columns(data.place))
    if data.tlp is not None:
        changes["tlp"] = changed_tlp(actor, event, data.tlp)
    changed = [k for k, v in changes.items() if getattr(event, k) != v]
    for key in changed:
        setattr(event, key, changes[key])
    if changed:
        event.updated_by = actor.user_id
        written(session, actor, audit.Action.UPDATE, "event", event.id, changed)
    session.flush()
    return event


def change_status(session: Session, actor: Actor, event_id: str, data: StatusChangeIn) -> Event:
    actor.require(Permission.CHANGE_STATUS)
    event = fetch(session, Event, event_id, actor, "event")
    target = _check_status(data.status)
    if target not in allowed_next(event.status):
        nexts = ", ".join(sorted(s.value for s in allowed_next(event.status))) or "none"
        raise ValidationFailed.on(
            "status", f"cannot go from {event.status} to {target.value}; allowed next: {nexts}"
        )
    session.add(
        EventStatusChange(
            event_id=event.id,
            from_status=event.status,
            to_status=target.value,
            reason=data.reason,
            changed_by=actor.user_id,
        )
    )
    audit.record(
        session,
        actor,
        audit.Action.STATUS,
        "event",
        event.id,
        {"from": event.status, "to": target.value},
    )
    event.status = target.value
    event.updated_by = actor.user_id
    session.flush()
    return event


@dataclass
class EventFilters:
    date_from: date | None = None
    date_to: date | None = None
    country: str | None = None
    admin_area: str | None = None
    place: str | None = None
    act_type: str | None = None
    status: str | None = None
    perpetrator_org: str | None = None
    victim_group: str | None = None
    q: str | None = None
    tlp: str | None = None
    sort: str = "-start"


SORTS: dict[str, tuple[Any, Any]] = {
    "start": (Event.start_date.asc(), Event.id.asc()),
    "-start": (Event.start_date.desc(), Event.id.desc()),
    "title": (Event.title.asc(), Event.id.asc()),
    "-title": (Event.title.desc(), Event.id.desc()),
    "created": (Event.created_at.asc(), Event.id.asc()),
    "-created": (Event.created_at.desc(), Event.id.desc()),
    "status": (Event.status.asc(), Event.id.asc()),
}


def _org_and_units(session: Session, org_id: str) -> list[str]:
    """An organisation and every unit under it: acts of a brigade count against its army."""
    ids, frontier = [org_id], [org_id]
    while frontier:
        frontier = list(
            session.scalars(select(Organisation.id).where(Organisation.parent_id.in_(frontier)))
        )
        frontier = [f for f in frontier if f not in ids]
        ids.extend(frontier)
    return ids


def filtered(
    session: Session, actor: Actor, f: EventFilters, counting: bool = False
) -> Select[Any]:
    """Events matching ``f`` that the actor may see, in the asked order.

    ``counting`` shapes act conditions for counting rather than paging: a page walks events in
    order and probes each for a matching act (EXISTS), a count starts from the matching acts (IN).
    SQLite's planner would otherwise sort every match to show fifty of them.
    """
    q = visible_query(Event, actor)
    if f.date_from:
        q = q.where(Event.end_date >= f.date_from)
    if f.date_to:
        q = q.where(Event.start_date <= f.date_to)
    if f.country:
        q = q.where(Event.country == f.country.upper())
    if f.admin_area:
        # The area's name in its usual capitalisations: an index answers an IN list, where
        # folding the column's case would read every row.
        a = f.admin_area.strip()
        q = q.where(Event.admin_area.in_({a, a.lower(), a.upper(), a.title(), a.capitalize()}))
    if f.place:
        q = q.where(or_(contains(Event.place_name, f.place), contains(Event.admin_area, f.place)))
    if f.status:
        q = q.where(Event.status == _check_status(f.status).value)
    if f.tlp:
        q = q.where(Event.tlp == tlp_rank(f.tlp))
    act_conds = []
    if f.act_type:
        act_conds.append(Act.act_type == f.act_type)
    if f.victim_group:
        act_conds.append(contains(Act.victim_group, f.victim_group))
    if f.perpetrator_org:
        orgs = _org_and_units(session, f.perpetrator_org)
        act_conds.append(
            Act.id.in_(
                select(ActPerpetrator.act_id).where(ActPerpetrator.organisation_id.in_(orgs))
            )
        )
    if act_conds:
        # IN over the acts index (act_type, event_id) beats a correlated EXISTS per event.
        acts = select(Act.event_id).where(visible(Act, actor), *act_conds)
        if counting:
            q = q.where(Event.id.in_(acts))
        else:
            q = q.where(exists(acts.where(Act.event_id == Event.id)))
    if f.q:
        matches = event_text_matches(session.get_bind().dialect.name, f.q)
        if matches is None:  # nothing word-like to look up: a literal substring search
            matches = or_(contains(Event.title, f.q), contains(Event.description, f.q))
        q = q.where(matches)
    if f.sort not in SORTS:
        raise ValidationFailed.on("sort", f"unknown sort {f.sort!r}; use one of {', '.join(SORTS)}")
    return q.order_by(*SORTS[f.sort])


def list_events(
    session: Session, actor: Actor, f: EventFilters, page: int, page_size: int
) -> Page[EventSummary]:
    def summaries(rows: list[Event]) -> list[EventSummary]:
        stats = act_stats(session, actor, [e.id for e in rows])
        return [views.event_summary(e, *stats.get(e.id, ([], 0))) for e in rows]

    return page_of(
        session,
        actor,
        "event",
        filtered(session, actor, f),
        page,
        page_size,
        summaries,
        count_query=filtered(session, actor, f, counting=True),
    )


def act_stats(
    session: Session, actor: Actor, event_ids: list[str]
) -> dict[str, tuple[list[str], int]]:
    if not event_ids:
        return {}
    out: dict[str, tuple[list[str], int]] = {}
    rows = session.execute(
        select(Act.event_id, Act.act_type, func.sum(Act.victim_count))
        .where(Act.event_id.in_(event_ids), visible(Act, actor))
        .group_by(Act.event_id, Act.act_type)
    )
    for event_id, act_type, victims in rows:
        types, count = out.get(event_id, ([], 0))
        out[event_id] = ([*types, act_type], count + int(victims or 0))
    return out


def get(session: Session, actor: Actor, event_id: str) -> EventPublic:
    event = fetch(session, Event, event_id, actor, "event")
    return views.event_public(session, actor, event)
