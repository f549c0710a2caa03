"""Persons. Every read is audited: names here can put someone in danger."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tocsin.api.deps import CurrentActor, PagingDep, SessionDep
from tocsin.cases import persons
from tocsin.cases.persons import PersonFilters
from tocsin.cases.schemas import Page, PersonCreate, PersonPublic, PersonUpdate

router = APIRouter(prefix="/persons", tags=["persons"])


@router.get("", response_model=Page[PersonPublic])
def list_persons(
    session: SessionDep,
    actor: CurrentActor,
    paging: PagingDep,
    name: Annotated[str | None, Query(max_length=300)] = None,
    role: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_]+$")] = None,
    sex: Annotated[str | None, Query(max_length=20)] = None,
    nationality: Annotated[str | None, Query(max_length=2)] = None,
    event_id: Annotated[str | None, Query(max_length=36)] = None,
    tlp: Annotated[str | None, Query(max_length=12)] = None,
) -> Page[PersonPublic]:
    f = PersonFilters(
        name=name, role=role, sex=sex, nationality=nationality, event_id=event_id, tlp=tlp
    )
    return persons.list_persons(session, actor, f, paging.page, paging.page_size)


@router.post("", response_model=PersonPublic, status_code=201)
def create_person(data: PersonCreate, session: SessionDep, actor: CurrentActor) -> PersonPublic:
    person = persons.create(session, actor, data)
    return persons.get(session, actor, person.id)


@router.get("/{person_id}", response_model=PersonPublic)
def get_person(person_id: str, session: SessionDep, actor: CurrentActor) -> PersonPublic:
    return persons.get(session, actor, person_id)


@router.patch("/{person_id}", response_model=PersonPublic)
def update_person(
    person_id: str, data: PersonUpdate, session: SessionDep, actor: CurrentActor
) -> PersonPublic:
    persons.update(session, actor, person_id, data)
    return persons.get(session, actor, person_id)
