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
    HIDDEN_VICTIM,
    KEEP,
    MAX_PERPETRATORS,
    STRAY_ROWS,
    TLP_CHOICES,
    act_create_input,
    act_update_input,
    act_values,
    mask,
    perpetrator_names,
    posted_rows,
    renumber,
    stored_perpetrators,
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
    orgs = [o for o in orgs if o != KEEP]
    victim = state.value("victim_person_id")
    victim = "" if victim == KEEP else victim
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


def _posted(who: Viewer, limit: int = MAX_PERPETRATORS) -> tuple[FormState, int]:
    rows, stray = posted_rows(who.form, limit)
    state = FormState(typed(who.form, (*ACT_FIELDS, *perpetrator_names(rows), "q")))
    if stray:
        state.errors["perpetrators"] = STRAY_ROWS
    return state, rows


class Hidden:
    """What of a stored act the editor may not see: which perpetrators (by row), the victim."""

    def __init__(self, session: Session, who: Viewer, act: ActPublic) -> None:
        org_ids = {p.organisation_id for p in act.perpetrators if p.organisation_id}
        person_ids = {p.person_id for p in act.perpetrators if p.person_id}
        if act.victim_person_id:
            person_ids.add(act.victim_person_id)
        orgs = dict(event_dossier.organisation_choices(session, who.actor, org_ids))
        persons = event_dossier.persons_by_id(session, who.actor, person_ids)
        self.rows = [
            i for i, p in enumerate(act.perpetrators)
            if (p.organisation_id and p.organisation_id not in orgs)
            or (p.person_id and p.person_id not in persons)
        ]
        self.victim = bool(act.victim_person_id and act.victim_person_id not in persons)
        stored = stored_perpetrators(act)
        self.perpetrators = [stored[i] for i in self.rows]

    def values(self, act: ActPublic) -> dict[str, str]:
        """The act as the edit form first shows it."""
        values = act_values(act)
        mask(values, self.rows, self.victim)
        return values


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
    if checked is not None and state.ok:
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
    state = FormState(Hidden(session, who, act).values(act))
    return _form(request, session, who, state, event, rows, act)


@router.post("/acts/{act_id}/edit", response_class=HTMLResponse)
def update_act(request: Request, act_id: str, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.WRITE)
    act, event = event_dossier.act_in_event(session, who.actor, act_id)
    state, rows = _posted(who, max(MAX_PERPETRATORS, len(act.perpetrators) + SPARE_ROWS))
    hidden = Hidden(session, who, act)
    if hidden.victim and state.value("victim_person_id") != KEEP:
        state.errors["victim_person_id"] = HIDDEN_VICTIM
    data, origin = act_update_input(
        state.values, hidden.values(act), rows, stored_perpetrators(act), hidden.perpetrators
    )
    checked = _check(ActUpdate, data, origin, state)
    if checked is not None and state.ok:
        attempt(session, lambda: acts.update(session, who.actor, act_id, checked), state)
        state.errors = renumber(state.errors, origin)
    if not state.ok:
        return _form(request, session, who, state, event, rows, act, 422)
    return flash(RedirectResponse(f"/events/{event.id}", status_code=303), N_("Act saved."))
