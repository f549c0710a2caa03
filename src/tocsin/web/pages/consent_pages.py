"""Recording a person's consent, and its withdrawal, from the person's page."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.cases import consent, consent_history, event_dossier, persons
from tocsin.cases.schemas import ConsentCreate, ConsentWithdrawIn, PersonPublic
from tocsin.core.roles import Permission
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.labels import Labels
from tocsin.web.pages import person_page
from tocsin.web.pages.person_form import Lists
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
WITHDRAW_NEEDS_REASON = N_("The withdrawal was not recorded: give the reason for it.")
WITHDRAW_REFUSED = N_("The withdrawal was not recorded: this consent was already withdrawn.")


def _form(
    request: Request,
    session: Session,
    who: Viewer,
    person: PersonPublic,
    state: FormState,
    status: int = 200,
) -> Response:
    labels = Labels.load(session, who.lang)
    return render(
        request, "consents/form.html", who, status, form=state, person=person, labels=labels
    )


@router.get("/persons/{person_id}/consents/new", response_class=HTMLResponse)
def new_consent(request: Request, session: SessionDep, who: PageViewer, person_id: str) -> Response:
    who.require(Permission.WRITE)
    person = persons.get(session, who.actor, person_id)
    state = FormState(
        values={
            "use_in_case_file": "1",
            "share_with": [],
            "given_on": date.today().isoformat(),
            "tlp": "RED",
        }
    )
    return _form(request, session, who, person, state)


@router.post("/persons/{person_id}/consents/new", response_class=HTMLResponse)
def create_consent(
    request: Request, session: SessionDep, who: PostedForm, lists: Lists, person_id: str
) -> Response:
    who.require(Permission.WRITE)
    person = persons.get(session, who.actor, person_id)
    form = who.form
    share_with = sorted(set(lists.get("share_with", [])))
    payload: dict[str, Any] = {
        "person_id": person_id,
        "use_in_case_file": bool(form.get("use_in_case_file")),
        "share_with": share_with,
        "given_on": form.get("given_on", "").strip() or None,
        "recorded_how": form.get("recorded_how", "").strip() or None,
        "notes": form.get("notes", "").strip() or None,
        "tlp": form.get("tlp", "").strip() or "RED",
    }
    state = FormState(
        values={**{k: v for k, v in form.items() if k != "csrf"}, "share_with": share_with}
    )
    data = validate(ConsentCreate, payload, state)
    made = None
    if data is not None:
        made = attempt(session, lambda: consent.create(session, who.actor, data), state)
    if made is None:
        for key in [k for k in state.errors if k.startswith("share_with[")]:
            state.errors.setdefault("share_with", state.errors.pop(key))
        return _form(request, session, who, person, state, 422)
    return flash(RedirectResponse(f"/persons/{person_id}", 303), N_("Consent recorded."))


@router.post("/consents/{consent_id}/withdraw", response_class=HTMLResponse)
def withdraw_consent(
    request: Request, session: SessionDep, who: PostedForm, consent_id: str
) -> Response:
    who.require(Permission.WRITE)
    person_id = consent_history.person_of(session, consent_id)
    reason = who.form.get("reason", "").strip()
    state = FormState(values={"reason": reason})
    data = validate(ConsentWithdrawIn, {"reason": reason}, state)
    done = None
    if data is not None:
        done = attempt(
            session, lambda: consent.withdraw(session, who.actor, consent_id, data), state
        )
    # A withdrawal may be recorded for a consent above the actor's clearance; the person's
    # page (and id) is then not theirs to see, so the answer goes to the list of persons.
    visible = person_id in event_dossier.persons_by_id(session, who.actor, [person_id])
    if done is None and visible:
        return person_page.show(request, session, who, person_id, withdraw=(consent_id, state))
    if done is None:
        refused = WITHDRAW_REFUSED if state.summary else WITHDRAW_NEEDS_REASON
        return flash(RedirectResponse("/persons", 303), refused)
    target = f"/persons/{person_id}" if visible else "/persons"
    return flash(RedirectResponse(target, 303), N_("Consent withdrawn."))
