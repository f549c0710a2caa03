"""Persons: the list (searchable by name through the blind index), the record page with names
in every script, roles across events and consent, and the forms. Everything is read through
the services the API uses, so clearance, consent redaction and the audit of reads are the same."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tocsin.api.deps import SessionDep
from tocsin.cases import persons
from tocsin.cases.persons import PersonFilters
from tocsin.cases.schemas import PersonCreate, PersonPublic, PersonUpdate
from tocsin.core.roles import Permission
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.labels import Labels
from tocsin.web.listing import list_response
from tocsin.web.pages import consent_pages, person_form, person_page
from tocsin.web.pages.person_form import Lists
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
router.include_router(consent_pages.router)
PAGE_SIZE = 25


@router.get("/persons", response_class=HTMLResponse)
def person_list(
    request: Request,
    session: SessionDep,
    who: PageViewer,
    name: Annotated[str | None, Query(max_length=300)] = None,
    role: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_]*$")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    found = persons.list_persons(
        session, who.actor, PersonFilters(name=name or None, role=role or None), page, PAGE_SIZE
    )
    return list_response(request, session, who, "persons", found)


def _form(
    request: Request,
    session: SessionDep,
    who: Viewer,
    state: FormState,
    rows: int,
    person: PersonPublic | None = None,
    status: int = 200,
) -> Response:
    labels = Labels.load(session, who.lang)
    return render(
        request,
        "persons/form.html",
        who,
        status,
        form=state,
        rows=rows,
        person=person,
        labels=labels,
        identity_kinds=labels.choices("identity_kind"),
        contact_kinds=person_form.CONTACT_KINDS,
    )


@router.get("/persons/new", response_class=HTMLResponse)
def new_person(request: Request, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.WRITE)
    return _form(request, session, who, FormState(values={"tlp": "RED"}), person_form.MIN_ROWS)


@router.post("/persons/new", response_class=HTMLResponse)
def create_person(request: Request, session: SessionDep, who: PostedForm, lists: Lists) -> Response:
    who.require(Permission.WRITE)
    if who.form.get("more"):
        return _form(request, session, who, *person_form.more_rows(who.form, lists))
    kinds = Labels.load(session, who.lang).order.get("identity_kind", [])
    payload, state, rows = person_form.read(who.form, lists, kinds)
    data = validate(PersonCreate, payload, state)
    made = None
    if data is not None:
        made = attempt(session, lambda: persons.create(session, who.actor, data), state)
    if made is None:
        person_form.fold_errors(state, "roles")
        return _form(request, session, who, state, rows, status=422)
    return flash(RedirectResponse(f"/persons/{made.id}", 303), N_("Person saved."))


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def show_person(request: Request, session: SessionDep, who: PageViewer, person_id: str) -> Response:
    return person_page.show(request, session, who, person_id)


@router.get("/persons/{person_id}/edit", response_class=HTMLResponse)
def edit_person(request: Request, session: SessionDep, who: PageViewer, person_id: str) -> Response:
    who.require(Permission.WRITE)
    person = persons.get(session, who.actor, person_id)
    return _form(request, session, who, *person_form.stored(person), person=person)


@router.post("/persons/{person_id}/edit", response_class=HTMLResponse)
def update_person(
    request: Request, session: SessionDep, who: PostedForm, lists: Lists, person_id: str
) -> Response:
    who.require(Permission.WRITE)
    person = persons.get(session, who.actor, person_id)
    if who.form.get("more") and not person.redacted:
        state, rows = person_form.more_rows(who.form, lists)
        return _form(request, session, who, state, rows, person=person)
    kinds = Labels.load(session, who.lang).order.get("identity_kind", [])
    # A withdrawn person's identity is shown as withheld; sending it back would overwrite it.
    payload, state, rows = person_form.read(who.form, lists, kinds, not person.redacted)
    data = validate(PersonUpdate, payload, state)
    done = None
    if data is not None:
        done = attempt(session, lambda: persons.update(session, who.actor, person_id, data), state)
    if done is None:
        person_form.fold_errors(state, "roles")
        return _form(request, session, who, state, rows, person=person, status=422)
    return flash(RedirectResponse(f"/persons/{person_id}", 303), N_("Person saved."))
