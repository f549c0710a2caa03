"""Organisations: armed forces and their units, armed groups, companies, NGOs, authorities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_
from sqlalchemy.orm import Session

from tocsin.cases import views
from tocsin.cases.models import Organisation
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
from tocsin.cases.schemas import OrganisationCreate, OrganisationPublic, OrganisationUpdate, Page
from tocsin.cases.vocabulary import Vocabularies
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission


def _check_parent(
    session: Session, actor: Actor, org_id: str | None, parent_id: str | None
) -> None:
    """A unit cannot sit under itself, directly or through its own sub-units."""
    seen = {org_id} if org_id else set()
    current = reference(session, Organisation, parent_id, actor, "parent_id")
    while current is not None:
        if current.id in seen:
            raise ValidationFailed.on("parent_id", "would make the hierarchy a loop")
        seen.add(current.id)
        current = session.get(Organisation, current.parent_id) if current.parent_id else None


def create(session: Session, actor: Actor, data: OrganisationCreate) -> Organisation:
    actor.require(Permission.WRITE)
    Vocabularies.load(session).check("organisation_kind", data.kind, "kind")
    _check_parent(session, actor, None, data.parent_id)
    org = Organisation(
        name=data.name,
        kind=data.kind,
        parent_id=data.parent_id,
        country=data.country,
        aliases=list(data.aliases),
        description=data.description,
        tlp=tlp_rank(data.tlp),
        created_by=actor.user_id,
        updated_by=actor.user_id,
    )
    session.add(org)
    session.flush()
    written(session, actor, audit.Action.CREATE, "organisation", org.id)
    return org


def update(session: Session, actor: Actor, org_id: str, data: OrganisationUpdate) -> Organisation:
    actor.require(Permission.WRITE)
    org = fetch(session, Organisation, org_id, actor, "organisation")
    given = data.model_fields_set
    if data.kind is not None:
        Vocabularies.load(session).check("organisation_kind", data.kind, "kind")
    if "parent_id" in given:
        _check_parent(session, actor, org.id, data.parent_id)
    changed = set_fields(
        org,
        data,
        ("name", "kind", "parent_id", "country", "aliases", "description"),
        nullable=frozenset({"parent_id", "country"}),
    )
    finish_update(session, actor, org, "organisation", changed, data.tlp)
    return org


@dataclass
class OrganisationFilters:
    q: str | None = None
    kind: str | None = None
    parent_id: str | None = None
    country: str | None = None


def filtered(actor: Actor, f: OrganisationFilters) -> Select[Any]:
    q = visible_query(Organisation, actor)
    if f.q:
        q = q.where(or_(contains(Organisation.name, f.q), contains(Organisation.description, f.q)))
    if f.kind:
        q = q.where(Organisation.kind == f.kind)
    if f.parent_id:
        q = q.where(Organisation.parent_id == f.parent_id)
    if f.country:
        q = q.where(Organisation.country == f.country.upper())
    return q.order_by(Organisation.name, Organisation.id)


def list_organisations(
    session: Session, actor: Actor, f: OrganisationFilters, page: int, page_size: int
) -> Page[OrganisationPublic]:
    return page_of(
        session,
        actor,
        "organisation",
        filtered(actor, f),
        page,
        page_size,
        lambda rows: [views.organisation_public(o) for o in rows],
    )


def get(session: Session, actor: Actor, org_id: str) -> OrganisationPublic:
    return views.organisation_public(fetch(session, Organisation, org_id, actor, "organisation"))
