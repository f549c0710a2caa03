"""Sources, their grades, and links from facts to them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tocsin.api.deps import CurrentActor, PagingDep, SessionDep
from tocsin.cases import sources
from tocsin.cases.schemas import Page, SourceCreate, SourceLinkIn, SourcePublic, SourceUpdate
from tocsin.cases.sources import SourceFilters

router = APIRouter(prefix="/sources", tags=["sources"])


@router.get("", response_model=Page[SourcePublic])
def list_sources(
    session: SessionDep,
    actor: CurrentActor,
    paging: PagingDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    source_type: Annotated[str | None, Query(max_length=40)] = None,
    reliability: Annotated[str | None, Query(pattern=r"^[A-Fa-f]$")] = None,
    max_credibility: Annotated[int | None, Query(ge=1, le=6)] = None,
    target_type: Annotated[
        str | None, Query(pattern=r"^(event|act|person|organisation|intervention)$")
    ] = None,
    target_id: Annotated[str | None, Query(max_length=36)] = None,
) -> Page[SourcePublic]:
    f = SourceFilters(
        q=q,
        source_type=source_type,
        reliability=reliability,
        max_credibility=max_credibility,
        target_type=target_type,
        target_id=target_id,
    )
    return sources.list_sources(session, actor, f, paging.page, paging.page_size)


@router.post("", response_model=SourcePublic, status_code=201)
def create_source(data: SourceCreate, session: SessionDep, actor: CurrentActor) -> SourcePublic:
    return sources.get(session, actor, sources.create(session, actor, data).id)


@router.get("/{source_id}", response_model=SourcePublic)
def get_source(source_id: str, session: SessionDep, actor: CurrentActor) -> SourcePublic:
    return sources.get(session, actor, source_id)


@router.patch("/{source_id}", response_model=SourcePublic)
def update_source(
    source_id: str, data: SourceUpdate, session: SessionDep, actor: CurrentActor
) -> SourcePublic:
    sources.update(session, actor, source_id, data)
    return sources.get(session, actor, source_id)


@router.post("/{source_id}/links", response_model=SourcePublic, status_code=201)
def link_source(
    source_id: str, data: SourceLinkIn, session: SessionDep, actor: CurrentActor
) -> SourcePublic:
    sources.link(session, actor, source_id, data)
    return sources.get(session, actor, source_id)
