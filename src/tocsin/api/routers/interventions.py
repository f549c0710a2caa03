"""Interventions on events and for persons."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tocsin.api.deps import CurrentActor, PagingDep, SessionDep
from tocsin.cases import interventions
from tocsin.cases.interventions import InterventionFilters
from tocsin.cases.schemas import InterventionCreate, InterventionPublic, InterventionUpdate, Page

router = APIRouter(prefix="/interventions", tags=["interventions"])


@router.get("", response_model=Page[InterventionPublic])
def list_interventions(
    session: SessionDep,
    actor: CurrentActor,
    paging: PagingDep,
    event_id: Annotated[str | None, Query(max_length=36)] = None,
    person_id: Annotated[str | None, Query(max_length=36)] = None,
    intervention_type: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
) -> Page[InterventionPublic]:
    f = InterventionFilters(
        event_id=event_id, person_id=person_id, intervention_type=intervention_type, status=status
    )
    return interventions.list_interventions(session, actor, f, paging.page, paging.page_size)


@router.post("", response_model=InterventionPublic, status_code=201)
def create_intervention(
    data: InterventionCreate, session: SessionDep, actor: CurrentActor
) -> InterventionPublic:
    return interventions.get(session, actor, interventions.create(session, actor, data).id)


@router.get("/{item_id}", response_model=InterventionPublic)
def get_intervention(item_id: str, session: SessionDep, actor: CurrentActor) -> InterventionPublic:
    return interventions.get(session, actor, item_id)


@router.patch("/{item_id}", response_model=InterventionPublic)
def update_intervention(
    item_id: str, data: InterventionUpdate, session: SessionDep, actor: CurrentActor
) -> InterventionPublic:
    interventions.update(session, actor, item_id, data)
    return interventions.get(session, actor, item_id)
