"""Forms that attach records to an event: a source (new, or one already on file) behind the
event or one of its acts, and an intervention about the event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.cases import event_dossier, events, interventions, sources
from tocsin.cases.models import SourceLink
from tocsin.cases.schemas import EventPublic, InterventionCreate, SourceCreate, SourceLinkIn
from tocsin.core.access import Actor
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.labels import Labels
from tocsin.web.pages.event_formdata import CREDIBILITY, RELIABILITY, TLP_CHOICES, typed
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)

SOURCE_FIELDS = ("title", "source_type", "reliability", "credibility", "description", "url",
                 "obtained_on", "tlp")
LINK_FIELDS = ("mode", "source_id", "q", "target", "note", *SOURCE_FIELDS)
INTERVENTION_FIELDS = ("intervention_type", "status", "on_date", "actor", "description",
                       "outcome", "person_id", "tlp")


def _back(event_id: str, message: str) -> Response:
    return flash(RedirectResponse(f"/events/{event_id}", status_code=303), message)


# ---- sources --------------------------------------------------------------------------------


def _source_form(
    request: Request,
    session: Session,
    who: Viewer,
    state: FormState,
    event: EventPublic,
    status: int = 200,
) -> HTMLResponse:
    labels = Labels.load(session, who.lang)
    chosen = state.value("source_id")
    return render(
        request,
        "event_sources/form.html",
        who,
        status,
        form=state,
        event=event,
        labels=labels,
        targets=[("event", event.title)]
        + [(f"act:{a.id}", labels.of("act_type", a.act_type)) for a in event.acts],
        chosen=_chosen_source(session, who.actor, chosen),
        reliability=[(k, f"{k} · {who._(v)}") for k, v in RELIABILITY.items()],
        credibility=[(k, f"{k} · {who._(v)}") for k, v in CREDIBILITY.items()],
        tlp_choices=TLP_CHOICES,
    )


def _chosen_source(session: Session, actor: Actor, source_id: str) -> str:
    """The title of an already chosen source, to show beside its id after a refusal."""
    if not source_id:
        return ""
    try:
        return sources.get(session, actor, source_id).title
    except NotFound:
        return ""


def _target(event: EventPublic, value: str) -> tuple[str, str]:
    if value in ("", "event"):
        return "event", event.id
    act_id = value.removeprefix("act:")
    if value.startswith("act:") and any(a.id == act_id for a in event.acts):
        return "act", act_id
    raise ValidationFailed.on("target", "choose the event or one of its acts")


def _link_action(
    session: Session, who: Viewer, event: EventPublic, state: FormState
) -> Callable[[], Any] | None:
    """What saving the form does, once its fields are valid; None when they are not."""
    values = state.values
    try:
        target_type, target_id = _target(event, values["target"])
    except ValidationFailed as exc:
        state.refuse(exc)
        return None
    link = validate(SourceLinkIn, {"target_type": target_type, "target_id": target_id,
                                   "note": values["note"]}, state)
    if values["mode"] == "existing":
        if not values["source_id"]:
            state.errors["source_id"] = N_("choose a source, or describe a new one")
        if link is None or not state.ok:
            return None
        return lambda: _link_existing(session, who.actor, values["source_id"], link)
    given = {k: values[k] for k in SOURCE_FIELDS}
    for key in ("url", "obtained_on"):
        given[key] = values[key] or None
    new = validate(SourceCreate, given, state)
    if link is None or new is None:
        return None
    return lambda: sources.link(session, who.actor, sources.create(session, who.actor, new).id,
                                link)


def _link_existing(
    session: Session, actor: Actor, source_id: str, link: SourceLinkIn
) -> SourceLink:
    try:
        return sources.link(session, actor, source_id, link)
    except NotFound:
        # Unknown and above-clearance look alike, as everywhere; but this is a field, not a page.
        raise ValidationFailed.on("source_id", "no source with this id") from None


@router.get("/events/{event_id}/sources/new", response_class=HTMLResponse)
def new_link(request: Request, event_id: str, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.WRITE)
    event = events.get(session, who.actor, event_id)
    state = FormState({"mode": "new", "target": "event", "reliability": "F", "credibility": "6",
                       "tlp": event.tlp})
    return _source_form(request, session, who, state, event)


@router.post("/events/{event_id}/sources/new", response_class=HTMLResponse)
def create_link(request: Request, event_id: str, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.WRITE)
    event = events.get(session, who.actor, event_id)
    state = FormState(typed(who.form, LINK_FIELDS))
    action = _link_action(session, who, event, state)
    if action is not None:
        attempt(session, action, state)
    if not state.ok:
        return _source_form(request, session, who, state, event, 422)
    return _back(event_id, N_("Source linked."))


# ---- interventions ----------------------------------------------------------------------------


def _intervention_form(
    request: Request,
    session: Session,
    who: Viewer,
    state: FormState,
    event: EventPublic,
    status: int = 200,
) -> HTMLResponse:
    victims = event_dossier.victims(session, who.actor, event)
    return render(
        request,
        "interventions/form.html",
        who,
        status,
        form=state,
        event=event,
        labels=Labels.load(session, who.lang),
        victims=[(pid, p.names[0].value if p.names else pid) for pid, p in victims.items()],
        tlp_choices=TLP_CHOICES,
    )


@router.get("/events/{event_id}/interventions/new", response_class=HTMLResponse)
def new_intervention(
    request: Request, event_id: str, session: SessionDep, who: PageViewer
) -> Response:
    who.require(Permission.WRITE)
    event = events.get(session, who.actor, event_id)
    state = FormState({"status": "planned", "tlp": event.tlp})
    return _intervention_form(request, session, who, state, event)


@router.post("/events/{event_id}/interventions/new", response_class=HTMLResponse)
def create_intervention(
    request: Request, event_id: str, session: SessionDep, who: PostedForm
) -> Response:
    who.require(Permission.WRITE)
    event = events.get(session, who.actor, event_id)
    state = FormState(typed(who.form, INTERVENTION_FIELDS))
    given: dict[str, Any] = {k: state.values[k] for k in INTERVENTION_FIELDS}
    for key in ("on_date", "person_id"):
        given[key] = given[key] or None
    data = validate(InterventionCreate, {**given, "event_id": event.id}, state)
    if data is not None:
        attempt(session, lambda: interventions.create(session, who.actor, data), state)
    if not state.ok:
        return _intervention_form(request, session, who, state, event, 422)
    return _back(event_id, N_("Intervention recorded."))
