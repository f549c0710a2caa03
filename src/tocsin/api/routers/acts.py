"""Acts across events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tocsin.api.deps import CurrentActor, PagingDep, SessionDep
from tocsin.cases import acts
from tocsin.cases.acts import ActFilters
from tocsin.cases.schemas import ActPublic, ActUpdate, Page

router = APIRouter(prefix="/acts", tags=["acts"])


@router.get("", response_model=Page[ActPublic])
def list_acts(
    session: SessionDep,
    actor: CurrentActor,
    paging: PagingDep,
    event_id: Annotated[str | None, Query(max_length=36)] = None,
    act_type: Annotated[str | None, Query(max_length=80)] = None,
    victim_group: Annotated[str | None, Query(max_length=200)] = None,
    victim_person_id: Annotated[str | None, Query(max_length=36)] = None,
    perpetrator_org: Annotated[str | None, Query(max_length=36)] = None,
) -> Page[ActPublic]:
    f = ActFilters(
        event_id=event_id,
        act_type=act_type,
        victim_group=victim_group,
        victim_person_id=victim_person_id,
        perpetrator_org=perpetrator_org,
    )
    return acts.list_acts(session, actor, f, paging.page, paging.page_size)


@router.get("/{act_id}", response_model=ActPublic)
def get_act(act_id: str, session: SessionDep, actor: CurrentActor) -> ActPublic:
    return acts.get(session, actor, act_id)


@router.patch("/{act_id}", response_model=ActPublic)
def update_act(act_id: str, data: ActUpdate, session: SessionDep, actor: CurrentActor) -> ActPublic:
    acts.update(session, actor, act_id, data)
    return acts.get(session, actor, act_id)
