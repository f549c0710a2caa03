"""The review queue: pairs an engine proposed, side by side with the evidence behind the score,
and the forms that decide them. The same services as /api/v1/matches, so clearance, audit and
permissions are the API's; a pair with a record above the reader's clearance is not listed."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.cases.schemas import Page
from tocsin.core.errors import Conflict
from tocsin.core.roles import Permission
from tocsin.crosscheck import incidents, review, review_views
from tocsin.crosscheck.schemas import AutoAcceptIn, DecisionIn, IncidentRunIn, Kind
from tocsin.web.forms import FormState, attempt, blank_to_none, validate
from tocsin.web.i18n import N_
from tocsin.web.labels import Labels
from tocsin.web.pages.event_formdata import fuzzy_of
from tocsin.web.pages.event_suggest import person_label
from tocsin.web.pages.review_features import rows as feature_rows
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
Status = Literal["proposed", "accepted", "rejected"]
KIND_NAMES = {"person": N_("Persons"), "organisation": N_("Organisations"), "event": N_("Events")}
STATUS_NAMES = {"proposed": N_("To review"), "accepted": N_("Accepted"),
                "rejected": N_("Rejected")}  # fmt: skip
ALREADY_DECIDED = N_("This pair was already decided; the queue shows it as it is now.")
# A refused form on the queue: which form ("settings", "incidents" or a pair's id) and its state.
Refused = tuple[str, FormState]


def queue_url(kind: str, status: str = "proposed", page: int = 1) -> str:
    return "/matches?" + urlencode({"kind": kind, "status": status, "page": page})


def show(
    request: Request,
    session: Session,
    who: Viewer,
    kind: str,
    status: str = "proposed",
    page: int = 1,
    refused: Refused | None = None,
) -> HTMLResponse:
    rows, total, exact = review.queue(session, who.actor, kind, status, page, PAGE_SIZE)
    found = review_views.pairs(session, who.actor, kind, rows)
    listing = Page[Any](items=found, total=total, total_exact=exact, page=page,
                        page_size=PAGE_SIZE)  # fmt: skip
    configure = who.can(Permission.CONFIGURE)
    threshold = review.auto_accept_threshold(session, kind) if configure else None
    forms = {
        "incidents": FormState({"max_km": "10"}),
        "settings": FormState({"auto_accept": "" if threshold is None else threshold}),
    }
    if refused and refused[0] in forms:
        forms[refused[0]] = refused[1]
    return render(
        request,
        "review/queue.html",
        who,
        422 if refused else 200,
        kind=kind,
        decision=status,
        listing=listing,
        kinds=KIND_NAMES,
        statuses=STATUS_NAMES,
        can_resolve=who.can(Permission.RESOLVE),
        can_configure=configure,
        threshold=threshold,
        incident_form=forms["incidents"],
        settings_form=forms["settings"],
        refused=refused,
        labels=Labels.load(session, who.lang),
        person_label=person_label,
        fuzzy_of=fuzzy_of,
        feature_rows=feature_rows,
    )


@router.get("/matches", response_class=HTMLResponse)
def match_queue(
    request: Request,
    session: SessionDep,
    who: PageViewer,
    kind: Kind = "person",
    status: Status = "proposed",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    return show(request, session, who, kind, status, page)


def _page_of(form: dict[str, str]) -> int:
    text = form.get("page", "")
    return int(text) if text.isdigit() and 0 < int(text) <= 100_000 else 1


def _decide(
    request: Request, session: Session, who: Viewer, match_id: str, accept: bool
) -> Response:
    who.require(Permission.RESOLVE)
    pair = review.get(session, who.actor, match_id)  # a pair out of sight is a 404 page
    kind, page = pair.kind, _page_of(dict(who.form))
    state = FormState(blank_to_none(who.form, ("reason",)))
    data = validate(DecisionIn, {"reason": state.value("reason", None)}, state)
    if data is None:
        return show(request, session, who, kind, page=page, refused=(match_id, state))
    decide = review.accept if accept else review.reject
    try:
        decide(session, who.actor, match_id, data.reason)
    except Conflict:
        session.rollback()
        return flash(RedirectResponse(queue_url(kind, page=page), 303), ALREADY_DECIDED)
    done = (
        N_("Merged: the two records are now one group.")
        if accept
        else N_("Rejected: this pair will not be proposed again.")
    )
    return flash(RedirectResponse(queue_url(kind, page=page), 303), done)


@router.post("/matches/{match_id}/accept", response_class=HTMLResponse)
def accept_match(request: Request, match_id: str, session: SessionDep, who: PostedForm) -> Response:
    return _decide(request, session, who, match_id, accept=True)


@router.post("/matches/{match_id}/reject", response_class=HTMLResponse)
def reject_match(request: Request, match_id: str, session: SessionDep, who: PostedForm) -> Response:
    return _decide(request, session, who, match_id, accept=False)


@router.post("/matches/incidents", response_class=HTMLResponse)
def link_incidents(request: Request, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.RESOLVE)
    state = FormState(blank_to_none(who.form, ("max_km",)))
    given = {"max_km": state.value("max_km", None)}
    data = validate(IncidentRunIn, {k: v for k, v in given.items() if v is not None}, state)
    if data is None:
        return show(request, session, who, "event", refused=("incidents", state))
    report = incidents.link_incidents(session, data.max_km, data.min_score)
    message = N_("Incident linking proposed %(new)s new pair(s); %(auto)s merged automatically.")
    done = who._(message) % {"new": report.new, "auto": report.auto_accepted}
    return flash(RedirectResponse(queue_url("event"), 303), done)


@router.post("/matches/settings/{kind}", response_class=HTMLResponse)
def set_auto_accept(request: Request, kind: Kind, session: SessionDep, who: PostedForm) -> Response:
    """PUT semantics: the posted value replaces the setting; an empty field clears it."""
    who.require(Permission.CONFIGURE)
    state = FormState(blank_to_none(who.form, ("auto_accept",)))
    data = validate(AutoAcceptIn, {"auto_accept": state.value("auto_accept", None)}, state)
    if data is not None:
        threshold = data.auto_accept
        attempt(session, lambda: review.set_auto_accept(session, who.actor, kind, threshold), state)
    if data is None or not state.ok:
        return show(request, session, who, kind, refused=("settings", state))
    if data.auto_accept is None:
        done = N_("Automatic merging is off: every pair waits for a person's decision.")
    else:
        done = who._(N_("Pairs scoring at least %(score)s now merge without review.")) % {
            "score": f"{data.auto_accept:.0%}"
        }
    return flash(RedirectResponse(queue_url(kind), 303), done)
