"""Events and their acts and verification status."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from tocsin.api.deps import CurrentActor, PagingDep, SessionDep
from tocsin.cases import acts, events
from tocsin.cases.acts import ActFilters
from tocsin.cases.events import EventFilters
from tocsin.cases.schemas import (
    ActCreate,
    ActPublic,
    EventCreate,
    EventPublic,
    EventSummary,
    EventUpdate,
    Page,
    StatusChangeIn,
)

router = APIRouter(prefix="/events", tags=["events"])


@router.get("", response_model=Page[EventSummary])
def list_events(
    session: SessionDep,
    actor: CurrentActor,
    paging: PagingDep,
    date_from: date | None = None,
    date_to: date | None = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
    admin_area: Annotated[str | None, Query(max_length=200)] = None,
    place: Annotated[str | None, Query(max_length=200)] = None,
    act_type: Annotated[str | None, Query(max_length=80)] = None,
    status: Annotated[str | None, Query(max_length=32)] = None,
    perpetrator_org: Annotated[str | None, Query(max_length=36)] = None,
    victim_group: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    tlp: Annotated[str | None, Query(max_length=12)] = None,
    sort: Annotated[str, Query(max_length=12)] = "-start",
) -> Page[EventSummary]:
    filters = EventFilters(
        date_from=date_from,
        date_to=date_to,
        country=country,
        admin_area=admin_area,
        place=place,
        act_type=act_type,
        status=status,
        perpetrator_org=perpetrator_org,
        victim_group=victim_group,
        q=q,
        tlp=tlp,
        sort=sort,
    )
    return events.list_events(session, actor, filters, paging.page, paging.page_size)


@router.post("", response_model=EventPublic, status_code=201)
def create_event(data: EventCreate, session: SessionDep, actor: CurrentActor) -> EventPublic:
    event = events.create(session, actor, data)
    return events.get(session, actor, event.id)


@router.get("/{event_id}", response_model=EventPublic)
def get_event(event_id: str, session: SessionDep, actor: CurrentActor) -> EventPublic:
    return events.get(session, actor, event_id)


@router.patch("/{event_id}", response_model=EventPublic)
def update_event(
    event_id: str, data: EventUpdate, session: SessionDep, actor: CurrentActor
) -> EventPublic:
    events.update(session, actor, event_id, data)
    return events.get(session, actor, event_id)


@router.post("/{event_id}/status", response_model=EventPublic)
def change_status(
    event_id: str, data: StatusChangeIn, session: SessionDep, actor: CurrentActor
) -> EventPublic:
    events.change_status(session, actor, event_id, data)
    return events.get(session, actor, event_id)


@router.post("/{event_id}/acts", response_model=ActPublic, status_code=201)
def add_act(event_id: str, data: ActCreate, session: SessionDep, actor: CurrentActor) -> ActPublic:
    act = acts.create(session, actor, event_id, data)
    return acts.get(session, actor, act.id)


@router.get("/{event_id}/acts", response_model=Page[ActPublic])
def event_acts(
    event_id: str, session: SessionDep, actor: CurrentActor, paging: PagingDep
) -> Page[ActPublic]:
    events.get(session, actor, event_id)  # 404 if the event itself is out of reach
    return acts.list_acts(
        session, actor, ActFilters(event_id=event_id), paging.page, paging.page_size
    )
