"""Forms to record and edit an event. The forms for what hangs off an event (acts, sources,
interventions) and their small search endpoints live in their own modules, mounted here."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.cases import events
from tocsin.cases.schemas import EventCreate, EventPublic, EventUpdate
from tocsin.core.roles import Permission
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.pages import act_forms, event_attach, event_suggest
from tocsin.web.pages.event_formdata import (
    EVENT_FIELDS,
    TLP_CHOICES,
    event_create_input,
    event_update_input,
    event_values,
    typed,
)
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
for part in (act_forms, event_attach, event_suggest):
    router.include_router(part.router)

CHANGED_MEANWHILE = N_(
    "Someone else changed this event after you opened the form. Your changes are kept below: "
    "check them against the event page and save again to apply them."
)


def _form(
    request: Request,
    who: Viewer,
    state: FormState,
    event: EventPublic | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request, "events/form.html", who, status, form=state, event=event, tlp_choices=TLP_CHOICES
    )


@router.get("/events/new", response_class=HTMLResponse)
def new_event(request: Request, who: PageViewer) -> Response:
    who.require(Permission.WRITE)
    return _form(request, who, FormState({"tlp": "AMBER"}))


@router.post("/events/new", response_class=HTMLResponse)
def create_event(request: Request, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.WRITE)
    state = FormState(typed(who.form, EVENT_FIELDS))
    data = validate(EventCreate, event_create_input(state.values), state)
    created = None
    if data is not None:
        created = attempt(session, lambda: events.create(session, who.actor, data), state)
    if created is None:
        return _form(request, who, state, status=422)
    response = RedirectResponse(f"/events/{created.id}", status_code=303)
    return flash(response, N_("Event recorded."))


def _stamp(event: EventPublic) -> str:
    return event.updated_at.isoformat()


@router.get("/events/{event_id}/edit", response_class=HTMLResponse)
def edit_event(request: Request, event_id: str, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.WRITE)
    event = events.get(session, who.actor, event_id)
    state = FormState({**event_values(event), "updated_at": _stamp(event)})
    return _form(request, who, state, event)


def _save(session: Session, who: Viewer, event: EventPublic, state: FormState) -> int:
    """0 when saved, else the status of the refusal (422 invalid, 409 changed meanwhile)."""
    before = event_values(event)
    data = validate(EventUpdate, event_update_input(state.values, before), state)
    if data is None:
        return 422
    if who.form.get("updated_at") != _stamp(event):
        # Another save landed since this form was drawn. Fields sent are only those this user
        # changed, but they may have changed the same ones: let them look before overwriting.
        state.summary = who._(CHANGED_MEANWHILE)
        state.values["updated_at"] = _stamp(event)
        return 409
    done = attempt(session, lambda: events.update(session, who.actor, event.id, data), state)
    return 0 if done is not None else 422


@router.post("/events/{event_id}/edit", response_class=HTMLResponse)
def update_event(
    request: Request, event_id: str, session: SessionDep, who: PostedForm
) -> Response:
    who.require(Permission.WRITE)
    event = events.get(session, who.actor, event_id)
    state = FormState({**typed(who.form, EVENT_FIELDS), "updated_at": who.form.get("updated_at")})
    refused = _save(session, who, event, state)
    if refused:
        return _form(request, who, state, event, refused)
    response = RedirectResponse(f"/events/{event_id}", status_code=303)
    return flash(response, N_("Event saved."))
