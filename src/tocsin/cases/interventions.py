"""Interventions: what was done about an event or for a person (referral, appeal, relocation...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from tocsin.cases import views
from tocsin.cases.models import Event, Intervention, Person
from tocsin.cases.records import (
    fetch,
    finish_update,
    page_of,
    reference,
    set_fields,
    tlp_rank,
    visible_query,
    written,
)
from tocsin.cases.schemas import (
    InterventionCreate,
    InterventionPublic,
    InterventionUpdate,
    Page,
)
from tocsin.cases.vocabulary import Vocabularies
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.roles import Permission


def create(session: Session, actor: Actor, data: InterventionCreate) -> Intervention:
    actor.require(Permission.WRITE)
    vocab = Vocabularies.load(session)
    vocab.check("intervention_type", data.intervention_type, "intervention_type")
    vocab.check("intervention_status", data.status, "status")
    reference(session, Event, data.event_id, actor, "event_id")
    reference(session, Person, data.person_id, actor, "person_id")
    item = Intervention(
        event_id=data.event_id,
        person_id=data.person_id,
        intervention_type=data.intervention_type,
        status=data.status,
        on_date=data.on_date,
        actor=data.actor,
        description=data.description,
        outcome=data.outcome,
        tlp=tlp_rank(data.tlp),
        created_by=actor.user_id,
        updated_by=actor.user_id,
    )
    session.add(item)
    session.flush()
    written(session, actor, audit.Action.CREATE, "intervention", item.id)
    return item


def update(session: Session, actor: Actor, item_id: str, data: InterventionUpdate) -> Intervention:
    actor.require(Permission.WRITE)
    item = fetch(session, Intervention, item_id, actor, "intervention")
    vocab = Vocabularies.load(session)
    if data.intervention_type is not None:
        vocab.check("intervention_type", data.intervention_type, "intervention_type")
    if data.status is not None:
        vocab.check("intervention_status", data.status, "status")
    changed = set_fields(
        item,
        data,
        ("intervention_type", "status", "on_date", "actor", "description", "outcome"),
        nullable=frozenset({"on_date"}),
    )
    finish_update(session, actor, item, "intervention", changed, data.tlp)
    return item


@dataclass
class InterventionFilters:
    event_id: str | None = None
    person_id: str | None = None
    intervention_type: str | None = None
    status: str | None = None


def filtered(actor: Actor, f: InterventionFilters) -> Select[Any]:
    q = visible_query(Intervention, actor)
    if f.event_id:
        q = q.where(Intervention.event_id == f.event_id)
    if f.person_id:
        q = q.where(Intervention.person_id == f.person_id)
    if f.intervention_type:
        q = q.where(Intervention.intervention_type == f.intervention_type)
    if f.status:
        q = q.where(Intervention.status == f.status)
    return q.order_by(Intervention.created_at.desc(), Intervention.id.desc())


def list_interventions(
    session: Session, actor: Actor, f: InterventionFilters, page: int, page_size: int
) -> Page[InterventionPublic]:
    return page_of(
        session,
        actor,
        "intervention",
        filtered(actor, f),
        page,
        page_size,
        lambda rows: [views.intervention_public(i) for i in rows],
    )


def get(session: Session, actor: Actor, item_id: str) -> InterventionPublic:
    return views.intervention_public(fetch(session, Intervention, item_id, actor, "intervention"))
