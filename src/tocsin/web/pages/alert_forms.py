"""The alert form: a new draft, a draft edited, and an update of an issued alert (a new
version, with its reason). One form for the three, the fields named as the API's schemas name
them; a refused form comes back with every value typed and each message beside its field.
The events behind an alert are typed as ids or ticked from suggestions found by title."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from tocsin.alerts import lifecycle, service
from tocsin.alerts.inbox import LIVE
from tocsin.alerts.schemas import AlertCreate, AlertPublic, AlertRevise, AlertUpdate
from tocsin.alerts.vocab import AlertState
from tocsin.api.deps import SessionDep
from tocsin.cases import events
from tocsin.cases.events import EventFilters
from tocsin.core.access import Actor
from tocsin.core.roles import Permission
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.pages.alert_formdata import (
    fold_errors,
    form_context,
    from_alert,
    ids_in,
    links_after,
    payload,
    typed,
)
from tocsin.web.pages.alert_words import words
from tocsin.web.pages.person_form import Lists
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
SUGGESTIONS = 10
HIDDEN_LINKS = N_(
    "This alert also rests on records you may not see: changing its events would drop them. "
    "Ask a colleague cleared for them to make this change."
)


def _form(request: Request, session: Session, who: Viewer, state: FormState, mode: str,
          a: AlertPublic | None = None, status: int = 200) -> Response:  # fmt: skip
    return render(request, "alerts/form.html", who, status, **words(),
                  **form_context(session, who, state), mode=mode, a=a)  # fmt: skip


def _back(alert_id: str, message: str) -> Response:
    return flash(RedirectResponse(f"/alerts/{alert_id}", 303), message)


@router.get("/alerts/new", response_class=HTMLResponse)
def new_alert(request: Request, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.ALERT)
    # Started from an event's page: that event stands behind the alert.
    values = {"tlp": "AMBER", "language": who.lang,
              "event_ids": request.query_params.get("event", "").strip()[:36]}  # fmt: skip
    return _form(request, session, who, FormState(values=values), "new")


@router.post("/alerts/new", response_class=HTMLResponse)
def create_alert(request: Request, session: SessionDep, who: PostedForm, lists: Lists) -> Response:
    who.require(Permission.ALERT)
    state = FormState(values=typed(who.form, lists))
    given = payload(state.values, {"event_ids": ids_in(lists.get("event_ids", []))})
    data = validate(AlertCreate, given, state)
    made = None
    if data is not None:
        made = attempt(session, lambda: service.create_draft(session, who.actor, data), state)
    fold_errors(state)
    if made is None:
        return _form(request, session, who, state, "new", status=422)
    return _back(made.id, N_("Alert drafted. Check it, then issue it."))


def _changes(a: AlertPublic, state: FormState, lists: dict[str, list[str]],
             schema: type[BaseModel], extra: dict[str, Any]) -> Any:  # fmt: skip
    """The schema's instance for an edit or an update, or None with the problems in state."""
    links = links_after(a, ids_in(lists.get("event_ids", [])))
    if links is not None and a.links.hidden:
        state.errors["event_ids"] = HIDDEN_LINKS
        return None
    return validate(schema, {**payload(state.values, links), **extra}, state)


@router.get("/alerts/{alert_id:uuid}/edit", response_class=HTMLResponse)
def edit_alert(request: Request, alert_id: UUID, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.ALERT)
    a = service.get_alert(session, who.actor, str(alert_id))
    if a.state != AlertState.DRAFT:
        return _back(a.id, N_("Only a draft can be edited; an issued alert is changed by "
                              "sending an update."))  # fmt: skip
    return _form(request, session, who, FormState(values=from_alert(a)), "edit", a)


@router.post("/alerts/{alert_id:uuid}/edit", response_class=HTMLResponse)
def save_alert(
    request: Request, alert_id: UUID, session: SessionDep, who: PostedForm, lists: Lists
) -> Response:
    return _save(request, session, who, lists, str(alert_id), "edit")


@router.get("/alerts/{alert_id:uuid}/update", response_class=HTMLResponse)
def revise_alert(
    request: Request, alert_id: UUID, session: SessionDep, who: PageViewer
) -> Response:
    who.require(Permission.ALERT)
    a = service.get_alert(session, who.actor, str(alert_id))
    if a.state not in LIVE:
        return _back(a.id, N_("Only an issued alert can be updated."))
    return _form(request, session, who, FormState(values=from_alert(a)), "update", a)


@router.post("/alerts/{alert_id:uuid}/update", response_class=HTMLResponse)
def send_update(
    request: Request, alert_id: UUID, session: SessionDep, who: PostedForm, lists: Lists
) -> Response:
    return _save(request, session, who, lists, str(alert_id), "update")


# A draft is edited in place; an issued alert is changed by a new version with its reason.
SAVES: dict[str, tuple[type[BaseModel], Callable[[Session, Actor, str, Any], Any], str]] = {
    "edit": (AlertUpdate, service.edit_draft, N_("Draft saved.")),
    "update": (AlertRevise, lifecycle.update,
               N_("Update issued: subscribers receive the new version.")),
}  # fmt: skip


def _save(request: Request, session: Session, who: Viewer, lists: dict[str, list[str]],
          alert_id: str, mode: str) -> Response:  # fmt: skip
    who.require(Permission.ALERT)
    schema, call, done = SAVES[mode]
    a = service.get_alert(session, who.actor, alert_id)
    state = FormState(values=typed(who.form, lists))
    extra = {"reason": state.values["reason"]} if mode == "update" else {}
    data = _changes(a, state, lists, schema, extra)
    if data is not None:
        attempt(session, lambda: call(session, who.actor, a.id, data), state)
    fold_errors(state)
    if not state.ok:
        return _form(request, session, who, state, mode, a, 422)
    return _back(a.id, done)


Search = Annotated[str, Query(max_length=200)]


@router.get("/alerts/events/suggest", response_class=HTMLResponse)
def suggest_events(request: Request, session: SessionDep, who: PageViewer,
                   q: Search = "") -> Response:  # fmt: skip
    """Events matching a title search, as boxes to tick (htmx); only events the reader may
    see, through the event list's own service."""
    found = []
    if len(q.strip()) >= 2:
        page = events.list_events(session, who.actor, EventFilters(q=q.strip()), 1, SUGGESTIONS)
        found = page.items
    return render(request, "alerts/_event_choices.html", who, found=found, q=q)
