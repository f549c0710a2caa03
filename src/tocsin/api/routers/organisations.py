"""Organisations and their hierarchy."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tocsin.api.deps import CurrentActor, PagingDep, SessionDep
from tocsin.cases import organisations
from tocsin.cases.organisations import OrganisationFilters
from tocsin.cases.schemas import OrganisationCreate, OrganisationPublic, OrganisationUpdate, Page

router = APIRouter(prefix="/organisations", tags=["organisations"])


@router.get("", response_model=Page[OrganisationPublic])
def list_organisations(
    session: SessionDep,
    actor: CurrentActor,
    paging: PagingDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    parent_id: Annotated[str | None, Query(max_length=36)] = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
) -> Page[OrganisationPublic]:
    f = OrganisationFilters(q=q, kind=kind, parent_id=parent_id, country=country)
    return organisations.list_organisations(session, actor, f, paging.page, paging.page_size)


@router.post("", response_model=OrganisationPublic, status_code=201)
def create_organisation(
    data: OrganisationCreate, session: SessionDep, actor: CurrentActor
) -> OrganisationPublic:
    return organisations.get(session, actor, organisations.create(session, actor, data).id)


@router.get("/{org_id}", response_model=OrganisationPublic)
def get_organisation(org_id: str, session: SessionDep, actor: CurrentActor) -> OrganisationPublic:
    return organisations.get(session, actor, org_id)


@router.patch("/{org_id}", response_model=OrganisationPublic)
def update_organisation(
    org_id: str, data: OrganisationUpdate, session: SessionDep, actor: CurrentActor
) -> OrganisationPublic:
    organisations.update(session, actor, org_id, data)
    return organisations.get(session, actor, org_id)
