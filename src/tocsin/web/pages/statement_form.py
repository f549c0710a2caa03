"""The witness statement form: who gave it, when, where, to whom, in which language, with what
consent, the statement itself and how the witness agreed to it. Stored by
``vault.statements.record`` as an evidence file with its own chain of custody."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import BlobStoreDep, SessionDep
from tocsin.cases import event_dossier, events, persons, record_titles
from tocsin.core.clock import utcnow
from tocsin.core.roles import Permission
from tocsin.vault import statements
from tocsin.vault.blobs import BlobStore
from tocsin.vault.schemas import StatementCreate
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.pages.event_formdata import TLP_CHOICES, typed
from tocsin.web.pages.event_suggest import person_label
from tocsin.web.pages.evidence_formdata import STATEMENT_FIELDS, statement_input
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)

AGREEMENTS = {
    "signed": N_("Signed by the witness"),
    "thumbprint": N_("Thumbprint of the witness"),
    "recorded_oral": N_("Agreed orally, and the agreement recorded"),
    "read_back": N_("Read back to the witness, who agreed to it"),
}
# Offered as suggestions; any language code is accepted.
COMMON_LANGUAGES = ("ar", "en", "fr", "ps", "fa", "ku", "so", "ti", "uk", "ru", "es")


@dataclass(frozen=True)
class Where:
    """Where the form was opened from, and what it offers as the witness and the event."""

    back: str  # the page the form came from
    action: str
    title: str
    event_id: str | None  # fixed by the address (an event's form)
    witnesses: list[tuple[str, str]]  # (person id, name): quick choices
    events: list[tuple[str, str]]  # (event id, title): a person's form lets one choose


def from_event(session: Session, who: Viewer, event_id: str) -> Where:
    event = events.get(session, who.actor, event_id)
    victims = event_dossier.victims(session, who.actor, event)
    return Where(
        back=f"/events/{event.id}",
        action=f"/events/{event.id}/statements/new",
        title=event.title,
        event_id=event.id,
        witnesses=[(pid, person_label(p)) for pid, p in victims.items()],
        events=[],
    )


def from_person(session: Session, who: Viewer, person_id: str) -> Where:
    person = persons.get(session, who.actor, person_id)
    titles = record_titles.event_titles(session, who.actor, (a.event_id for a in person.appears_in))
    return Where(
        back=f"/persons/{person.id}",
        action=f"/persons/{person.id}/statements/new",
        title=person_label(person),
        event_id=None,
        witnesses=[(person.id, person_label(person))],
        events=sorted(titles.items(), key=lambda item: item[1]),
    )


def _form(
    request: Request, session: Session, who: Viewer, where: Where, state: FormState,
    status: int = 200,
) -> HTMLResponse:
    chosen = state.value("witness_id") or ""
    names = dict(where.witnesses)
    if chosen and chosen not in names:
        names.update(
            (pid, person_label(p))
            for pid, p in event_dossier.persons_by_id(session, who.actor, [chosen]).items()
        )
    return render(
        request,
        "evidence/statement_form.html",
        who,
        status,
        form=state,
        where=where,
        chosen=names.get(chosen, ""),
        agreements=[(code, who._(words)) for code, words in AGREEMENTS.items()],
        languages=COMMON_LANGUAGES,
        tlp_choices=TLP_CHOICES,
    )


def _blank(who: Viewer, witness_id: str = "") -> FormState:
    return FormState({
        "tlp": "RED",
        "witness_id": witness_id,
        "interviewer": who.user.display_name or who.user.email,
        "taken_at": utcnow().strftime("%Y-%m-%dT%H:%M"),
    })  # fmt: skip


def _posted(who: Viewer, where: Where) -> tuple[FormState, str | None]:
    state = FormState(typed(who.form, (*STATEMENT_FIELDS, "witness_choice", "event_id", "q")))
    # The quick choice among the event's persons stands when no one was searched for by name.
    if not state.values["witness_id"] and state.values["witness_choice"]:
        state.values["witness_id"] = state.values["witness_choice"]
    return state, where.event_id or state.values["event_id"] or None


def _save(
    request: Request, session: Session, who: Viewer, store: BlobStore, where: Where
) -> Response:
    state, event_id = _posted(who, where)
    data = validate(StatementCreate, statement_input(state.values, event_id), state)
    made = None
    if data is not None:
        made = attempt(session, lambda: statements.record(session, who.actor, store, data), state)
    if made is None:
        return _form(request, session, who, where, state, 422)
    response = RedirectResponse(f"/evidence/{made.id}", status_code=303)
    return flash(response, N_("Witness statement recorded."))


@router.get("/events/{event_id}/statements/new", response_class=HTMLResponse)
def new_event_statement(
    request: Request, event_id: str, session: SessionDep, who: PageViewer
) -> Response:
    who.require(Permission.WRITE)
    return _form(request, session, who, from_event(session, who, event_id), _blank(who))


@router.post("/events/{event_id}/statements/new", response_class=HTMLResponse)
def add_event_statement(
    request: Request, event_id: str, session: SessionDep, who: PostedForm, store: BlobStoreDep
) -> Response:
    who.require(Permission.WRITE)
    return _save(request, session, who, store, from_event(session, who, event_id))


@router.get("/persons/{person_id}/statements/new", response_class=HTMLResponse)
def new_person_statement(
    request: Request, person_id: str, session: SessionDep, who: PageViewer
) -> Response:
    who.require(Permission.WRITE)
    where = from_person(session, who, person_id)
    return _form(request, session, who, where, _blank(who, person_id))


@router.post("/persons/{person_id}/statements/new", response_class=HTMLResponse)
def add_person_statement(
    request: Request, person_id: str, session: SessionDep, who: PostedForm, store: BlobStoreDep
) -> Response:
    who.require(Permission.WRITE)
    return _save(request, session, who, store, from_person(session, who, person_id))
