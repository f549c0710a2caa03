"""Forms to record an act in an event and to edit it: its type, victim and perpetrators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.cases import acts, event_dossier, events
from tocsin.cases.schemas import ActCreate, ActPublic, ActUpdate, EventPublic
from tocsin.core.roles import Permission
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.labels import Labels
from tocsin.web.pages.event_formdata import (
    ACT_FIELDS,
    TLP_CHOICES,
    act_create_input,
    act_update_input,
    act_values,
    perpetrator_names,
    posted_rows,
    renumber,
    typed,
)
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
SPARE_ROWS = 2  # blank perpetrator rows offered, so a form without script can add some


def _form(
    request: Request,
    session: Session,
    who: Viewer,
    state: FormState,
    event: EventPublic,
    rows: int,
    act: ActPublic | None = None,
    status: int = 200,
) -> HTMLResponse:
    orgs = [state.value(f"perpetrators[{i}].organisation_id") for i in range(rows)]
    victim = state.value("victim_person_id")
    return render(
        request,
        "acts/form.html",
        who,
        status,
        form=state,
        event=event,
        act=act,
        rows=rows,
        labels=Labels.load(session, who.lang),
        organisations=event_dossier.organisation_choices(session, who.actor, filter(None, orgs)),
        victim=event_dossier.persons_by_id(session, who.actor, [victim] if victim else []),
        tlp_choices=TLP_CHOICES,
    )


def _posted(who: Viewer) -> tuple[FormState, int]:
    rows = posted_rows(who.form)
    return FormState(typed(who.form, (*ACT_FIELDS, *perpetrator_names(rows), "q"))), rows


def _check(schema: type[ActCreate] | type[ActUpdate], data: Any, origin: list[int],
           state: FormState) -> Any:
    checked = validate(schema, data, state)
    state.errors = renumber(state.errors, origin)
    if "form" in state.errors:  # the schema's one rule across fields: person or group, not both
        state.errors["victim_group"] = state.errors.pop("form")
    return checked


@router.get("/events/{event_id}/acts/new", response_class=HTMLResponse)
def new_act(request: Request, event_id: str, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.WRITE)
    event = events.get(session, who.actor, event_id)
    state = FormState({"victim_count": "1"})
    return _form(request, session, who, state, event, SPARE_ROWS)


@router.post("/events/{event_id}/acts/new", response_class=HTMLResponse)
def create_act(request: Request, event_id: str, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.WRITE)
    event = events.get(session, who.actor, event_id)
    state, rows = _posted(who)
    data, origin = act_create_input(state.values, rows)
    checked = _check(ActCreate, data, origin, state)
    if checked is not None:
        attempt(session, lambda: acts.create(session, who.actor, event_id, checked), state)
        state.errors = renumber(state.errors, origin)
    if not state.ok:
        return _form(request, session, who, state, event, rows, status=422)
    return flash(RedirectResponse(f"/events/{event_id}", status_code=303), N_("Act recorded."))


@router.get("/acts/{act_id}/edit", response_class=HTMLResponse)
def edit_act(request: Request, act_id: str, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.WRITE)
    act, event = event_dossier.act_in_event(session, who.actor, act_id)
    rows = len(act.perpetrators) + SPARE_ROWS
    return _form(request, session, who, FormState(act_values(act)), event, rows, act)


@router.post("/acts/{act_id}/edit", response_class=HTMLResponse)
def update_act(request: Request, act_id: str, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.WRITE)
    act, event = event_dossier.act_in_event(session, who.actor, act_id)
    state, rows = _posted(who)
    data, origin = act_update_input(state.values, act_values(act), rows)
    checked = _check(ActUpdate, data, origin, state)
    if checked is not None:
        attempt(session, lambda: acts.update(session, who.actor, act_id, checked), state)
        state.errors = renumber(state.errors, origin)
    if not state.ok:
        return _form(request, session, who, state, event, rows, act, 422)
    return flash(RedirectResponse(f"/events/{event.id}", status_code=303), N_("Act saved."))
