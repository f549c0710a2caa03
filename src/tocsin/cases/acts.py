"""Acts: one violation inside an event, its victim and the perpetrators with their involvement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session, selectinload

from tocsin.cases import views
from tocsin.cases.events import place_columns, span_columns
from tocsin.cases.models import Act, ActPerpetrator, Event, Organisation, Person
from tocsin.cases.records import (
    contains,
    fetch,
    finish_update,
    page_of,
    reference,
    set_fields,
    tlp_rank,
    visible_query,
    written,
)
from tocsin.cases.schemas import ActCreate, ActPublic, ActUpdate, Page, PerpetratorIn
from tocsin.cases.vocabulary import Vocabularies
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.roles import Permission


def _perpetrators(
    session: Session,
    actor: Actor,
    vocab: Vocabularies,
    items: list[PerpetratorIn],
    on_file: frozenset[tuple[str | None, str | None, str]] = frozenset(),
) -> list[ActPerpetrator]:
    """Rows for the act. A perpetrator already on file is kept as it is, even one above the
    editor's clearance or with a since-retired involvement: an edit must not force anyone to
    drop what they cannot see; only new or changed entries are checked."""
    rows = []
    for i, p in enumerate(items):
        if (p.organisation_id, p.person_id, p.involvement) in on_file:
            rows.append(
                ActPerpetrator(
                    organisation_id=p.organisation_id,
                    person_id=p.person_id,
                    involvement=p.involvement,
                )
            )
            continue
        vocab.check("involvement", p.involvement, f"perpetrators[{i}].involvement")
        reference(
            session, Organisation, p.organisation_id, actor, f"perpetrators[{i}].organisation_id"
        )
        reference(session, Person, p.person_id, actor, f"perpetrators[{i}].person_id")
        rows.append(
            ActPerpetrator(
                organisation_id=p.organisation_id, person_id=p.person_id, involvement=p.involvement
            )
        )
    return rows


def create(session: Session, actor: Actor, event_id: str, data: ActCreate) -> Act:
    actor.require(Permission.WRITE)
    event = fetch(session, Event, event_id, actor, "event")
    vocab = Vocabularies.load(session)
    vocab.check("act_type", data.act_type, "act_type")
    reference(session, Person, data.victim_person_id, actor, "victim_person_id")
    if data.start:
        span = span_columns(data.start, data.end)
    else:
        span = {
            "start_date": event.start_date,
            "start_precision": event.start_precision,
            "end_date": event.end_date,
            "end_precision": event.end_precision,
        }
    place = (
        place_columns(data.place)
        if data.place
        else {
            "place_name": event.place_name,
            "country": event.country,
            "admin_area": event.admin_area,
            "latitude": event.latitude,
            "longitude": event.longitude,
        }
    )
    act = Act(
        event_id=event.id,
        act_type=data.act_type,
        victim_person_id=data.victim_person_id,
        victim_group=data.victim_group,
        victim_count=data.victim_count,
        description=data.description,
        tlp=tlp_rank(data.tlp) if data.tlp else event.tlp,
        created_by=actor.user_id,
        updated_by=actor.user_id,
        **span,
        **place,
    )
    act.perpetrators = _perpetrators(session, actor, vocab, data.perpetrators)
    session.add(act)
    session.flush()
    written(session, actor, audit.Action.CREATE, "act", act.id)
    return act


def update(session: Session, actor: Actor, act_id: str, data: ActUpdate) -> Act:
    actor.require(Permission.WRITE)
    act = fetch(session, Act, act_id, actor, "act")
    vocab = Vocabularies.load(session)
    given = data.model_fields_set
    changed: list[str] = []
    if data.act_type is not None and data.act_type != act.act_type:
        act.act_type = vocab.check("act_type", data.act_type, "act_type")
        changed.append("act_type")
    if data.start is not None:
        for k, v in span_columns(data.start, data.end).items():
            setattr(act, k, v)
        changed.append("dates")
    if data.place is not None:
        for k, v in place_columns(data.place).items():
            setattr(act, k, v)
        changed.append("place")
    if "victim_person_id" in given and data.victim_person_id != act.victim_person_id:
        reference(session, Person, data.victim_person_id, actor, "victim_person_id")
        act.victim_person_id = data.victim_person_id
        changed.append("victim_person_id")
    changed += set_fields(
        act,
        data,
        ("victim_group", "victim_count", "description"),
        nullable=frozenset({"victim_group"}),
    )
    if data.perpetrators is not None:
        on_file = frozenset(
            (p.organisation_id, p.person_id, p.involvement) for p in act.perpetrators
        )
        act.perpetrators = _perpetrators(session, actor, vocab, data.perpetrators, on_file)
        changed.append("perpetrators")
    finish_update(session, actor, act, "act", changed, data.tlp)
    return act


@dataclass
class ActFilters:
    event_id: str | None = None
    act_type: str | None = None
    victim_group: str | None = None
    victim_person_id: str | None = None
    perpetrator_org: str | None = None


def filtered(actor: Actor, f: ActFilters) -> Select[Any]:
    q = visible_query(Act, actor).options(selectinload(Act.perpetrators))
    if f.event_id:
        q = q.where(Act.event_id == f.event_id)
    if f.act_type:
        q = q.where(Act.act_type == f.act_type)
    if f.victim_group:
        q = q.where(contains(Act.victim_group, f.victim_group))
    if f.victim_person_id:
        q = q.where(Act.victim_person_id == f.victim_person_id)
    if f.perpetrator_org:
        q = q.where(Act.perpetrators.any(ActPerpetrator.organisation_id == f.perpetrator_org))
    return q.order_by(Act.start_date.desc(), Act.id.desc())


def list_acts(
    session: Session, actor: Actor, f: ActFilters, page: int, page_size: int
) -> Page[ActPublic]:
    return page_of(
        session,
        actor,
        "act",
        filtered(actor, f),
        page,
        page_size,
        lambda rows: [views.act_public(session, actor, a) for a in rows],
    )


def get(session: Session, actor: Actor, act_id: str) -> ActPublic:
    return views.act_public(session, actor, fetch(session, Act, act_id, actor, "act"))
