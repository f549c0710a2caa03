"""Sources and their Admiralty grades, and the links from facts to the sources behind them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tocsin.cases import views
from tocsin.cases.models import (
    LINK_TARGETS,
    Person,
    Source,
    SourceLink,
)
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
from tocsin.cases.schemas import Page, SourceCreate, SourceLinkIn, SourcePublic, SourceUpdate
from tocsin.cases.vocabulary import Vocabularies
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.errors import Conflict, ValidationFailed
from tocsin.core.roles import Permission


def create(session: Session, actor: Actor, data: SourceCreate) -> Source:
    actor.require(Permission.WRITE)
    Vocabularies.load(session).check("source_type", data.source_type, "source_type")
    reference(session, Person, data.person_id, actor, "person_id")
    reference(session, Source, data.repeats_id, actor, "repeats_id")
    source = Source(
        title=data.title,
        source_type=data.source_type,
        reliability=data.reliability.upper(),
        credibility=data.credibility,
        description=data.description,
        url=data.url,
        obtained_on=data.obtained_on,
        person_id=data.person_id,
        repeats_id=data.repeats_id,
        tlp=tlp_rank(data.tlp),
        created_by=actor.user_id,
        updated_by=actor.user_id,
    )
    session.add(source)
    session.flush()
    written(session, actor, audit.Action.CREATE, "source", source.id)
    return source


def _check_repeats(session: Session, actor: Actor, source_id: str, repeats: str | None) -> None:
    """The source repeated must exist, be visible, and not lead back to this one."""
    at = reference(session, Source, repeats, actor, "repeats_id")
    seen = {source_id}
    while at is not None:
        if at.id in seen:
            raise ValidationFailed.on("repeats_id", "this would make a source repeat itself")
        seen.add(at.id)
        at = session.get(Source, at.repeats_id) if at.repeats_id else None


def update(session: Session, actor: Actor, source_id: str, data: SourceUpdate) -> Source:
    actor.require(Permission.WRITE)
    source = fetch(session, Source, source_id, actor, "source")
    given = data.model_fields_set
    if data.source_type is not None:
        Vocabularies.load(session).check("source_type", data.source_type, "source_type")
    if "person_id" in given:
        reference(session, Person, data.person_id, actor, "person_id")
    if "repeats_id" in given:
        _check_repeats(session, actor, source.id, data.repeats_id)
    changed = set_fields(
        source,
        data,
        ("title", "source_type", "credibility", "description", "url", "obtained_on", "person_id",
         "repeats_id"),
        nullable=frozenset({"url", "obtained_on", "person_id", "repeats_id"}),
    )  # fmt: skip
    if data.reliability is not None and data.reliability.upper() != source.reliability:
        source.reliability = data.reliability.upper()
        changed.append("reliability")
    finish_update(session, actor, source, "source", changed, data.tlp)
    return source


def link(session: Session, actor: Actor, source_id: str, data: SourceLinkIn) -> SourceLink:
    actor.require(Permission.WRITE)
    fetch(session, Source, source_id, actor, "source")
    reference(session, LINK_TARGETS[data.target_type], data.target_id, actor, "target_id")
    exists = session.scalar(
        select(SourceLink.id).where(
            SourceLink.source_id == source_id,
            SourceLink.target_type == data.target_type,
            SourceLink.target_id == data.target_id,
        )
    )
    if exists:
        raise Conflict("this source is already linked to that record")
    row = SourceLink(
        source_id=source_id,
        target_type=data.target_type,
        target_id=data.target_id,
        note=data.note,
        created_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    written(session, actor, audit.Action.CREATE, "source_link", row.id)
    return row


@dataclass
class SourceFilters:
    q: str | None = None
    source_type: str | None = None
    reliability: str | None = None
    max_credibility: int | None = None
    target_type: str | None = None
    target_id: str | None = None


def filtered(actor: Actor, f: SourceFilters) -> Select[Any]:
    q = visible_query(Source, actor)
    if f.q:
        q = q.where(contains(Source.title, f.q))
    if f.source_type:
        q = q.where(Source.source_type == f.source_type)
    if f.reliability:
        q = q.where(Source.reliability <= f.reliability.upper())
    if f.max_credibility:
        q = q.where(Source.credibility <= f.max_credibility)
    if f.target_type and f.target_id:
        q = q.where(
            Source.id.in_(
                select(SourceLink.source_id).where(
                    SourceLink.target_type == f.target_type, SourceLink.target_id == f.target_id
                )
            )
        )
    return q.order_by(Source.created_at.desc(), Source.id.desc())


def list_sources(
    session: Session, actor: Actor, f: SourceFilters, page: int, page_size: int
) -> Page[SourcePublic]:
    return page_of(
        session,
        actor,
        "source",
        filtered(actor, f),
        page,
        page_size,
        lambda rows: [views.source_public(session, actor, s) for s in rows],
    )


def get(session: Session, actor: Actor, source_id: str) -> SourcePublic:
    return views.source_public(session, actor, fetch(session, Source, source_id, actor, "source"))
