"""The event page: the event as the API gives it, its acts, victims, perpetrators, sources,
consent, interventions and verification history, and the status change form."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.cases import consent, event_dossier, events
from tocsin.cases.schemas import StatusChangeIn
from tocsin.cases.workflow import allowed_next
from tocsin.core.roles import Permission
from tocsin.vault import evidence
from tocsin.vault.evidence_views import evidence_public
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.labels import Labels
from tocsin.web.pages.event_formdata import CREDIBILITY, RELIABILITY, fuzzy_of, typed
from tocsin.web.pages.event_suggest import person_label
from tocsin.web.pages.review_cluster import event_crosscheck
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)


def show(
    request: Request,
    session: Session,
    who: Viewer,
    event_id: str,
    status_form: FormState | None = None,
    status: int = 200,
) -> HTMLResponse:
    d = event_dossier.dossier(session, who.actor, event_id)
    labels = Labels.load(session, who.lang)
    files = evidence.list_for_event(
        session,
        who.actor,
        event_id,
        lambda rows: [evidence_public(session, who.actor, r) for r in rows],
    ).items
    nexts = sorted(s.value for s in allowed_next(d.event.status))
    return render(
        request,
        "events/page.html",
        who,
        status,
        d=d,
        e=d.event,
        files=files,
        labels=labels,
        can_write=who.can(Permission.WRITE),
        can_status=who.can(Permission.CHANGE_STATUS) and bool(nexts),
        status_choices=[(s, labels.of("event_status", s)) for s in nexts],
        status_form=status_form or FormState(),
        allows_use=lambda state: consent.allows(state, consent.INTERNAL),
        fuzzy_of=fuzzy_of,
        person_label=person_label,
        RELIABILITY=RELIABILITY,
        CREDIBILITY=CREDIBILITY,
        xc=event_crosscheck(session, who, event_id),
    )


# A UUID-shaped id only, so /events/new and the other fixed addresses fall through to their own
# routes; any other text is not an event id, and the answer is the same 404 page.
@router.get("/events/{event_id:uuid}", response_class=HTMLResponse)
def event_page(request: Request, event_id: UUID, session: SessionDep, who: PageViewer) -> Response:
    return show(request, session, who, str(event_id))


@router.post("/events/{event_id}/status", response_class=HTMLResponse)
def change_status(
    request: Request, event_id: str, session: SessionDep, who: PostedForm
) -> Response:
    who.require(Permission.CHANGE_STATUS)
    state = FormState(typed(who.form, ("status", "reason")))
    data = validate(StatusChangeIn, state.values, state)
    if data is not None:
        attempt(session, lambda: events.change_status(session, who.actor, event_id, data), state)
    if not state.ok:
        return show(request, session, who, event_id, state, 422)
    response = RedirectResponse(f"/events/{event_id}", status_code=303)
    return flash(response, N_("Status changed."))
