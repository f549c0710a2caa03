"""A cluster of records decided to be the same: its members, its history, and the split that
undoes a wrong merge. Also what the person and event pages show of their cluster."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.cases.schemas import EventSummary, OrganisationPublic, PersonPublic
from tocsin.core.errors import Conflict
from tocsin.core.roles import Permission
from tocsin.crosscheck import review, review_views
from tocsin.crosscheck.review_views import EventCrosscheck, SameAs
from tocsin.crosscheck.schemas import DecisionIn, Kind
from tocsin.web.forms import FormState, blank_to_none, validate
from tocsin.web.i18n import N_
from tocsin.web.pages.event_suggest import person_label
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
RECORD_PAGES = {"person": "/persons/", "organisation": "/organisations/", "event": "/events/"}
NOT_MERGED = N_("This record is not in a group with any other.")


def label_of(record: Any) -> str:
    """A short name for a record of any kind, for links."""
    if isinstance(record, PersonPublic):
        return person_label(record)
    if isinstance(record, EventSummary):
        return record.title
    if isinstance(record, OrganisationPublic):
        return record.name
    return str(getattr(record, "id", record))


def cluster_url(kind: str, record_id: str) -> str:
    return f"/clusters/{kind}/{record_id}"


def show(
    request: Request,
    session: Session,
    who: Viewer,
    kind: str,
    record_id: str,
    refused: tuple[str, FormState] | None = None,
) -> HTMLResponse:
    page = review_views.cluster_page(session, who.actor, kind, record_id)
    return render(
        request,
        "review/cluster.html",
        who,
        422 if refused else 200,
        c=page,
        record_page=RECORD_PAGES[kind],
        label_of=label_of,
        can_resolve=who.can(Permission.RESOLVE),
        refused=refused,
    )


@router.get("/clusters/{kind}/{record_id}", response_class=HTMLResponse)
def cluster(
    request: Request, kind: Kind, record_id: str, session: SessionDep, who: PageViewer
) -> Response:
    return show(request, session, who, kind, record_id)


@router.post("/clusters/{kind}/{record_id}/split", response_class=HTMLResponse)
def split(
    request: Request, kind: Kind, record_id: str, session: SessionDep, who: PostedForm
) -> Response:
    """Take ``record_id`` out of its group. ``back=record`` returns to the record's own page
    (the split button there); anything else to the group's page."""
    who.require(Permission.RESOLVE)
    state = FormState(blank_to_none(who.form, ("reason",)))
    data = validate(DecisionIn, {"reason": state.value("reason", None)}, state)
    if data is None:
        return show(request, session, who, kind, state.value("back_to", record_id) or record_id,
                    refused=(record_id, state))  # fmt: skip
    back_to = who.form.get("back_to", "")
    try:
        review.split(session, who.actor, kind, record_id, data.reason)
        done = N_("Taken out of the group; the records stay as they were.")
    except Conflict:
        session.rollback()
        done = NOT_MERGED
    if who.form.get("back") == "record":
        target = RECORD_PAGES[kind] + record_id
    else:
        # Back to the group being looked at, if the reader may still see that record.
        target = cluster_url(kind, back_to if _viewable(session, who, kind, back_to) else record_id)
    return flash(RedirectResponse(target, 303), done)


def _viewable(session: Session, who: Viewer, kind: str, record_id: str) -> bool:
    if not record_id:
        return False
    row = session.get(review.model_of(kind), record_id)
    return row is not None and who.actor.may_see(row.tlp, row.created_by)


def person_same_as(session: Session, who: Viewer, person_id: str) -> SameAs:
    """For the person page: the others in the person's group."""
    return review_views.same_person(session, who.actor, person_id)


def event_crosscheck(session: Session, who: Viewer, event_id: str) -> EventCrosscheck:
    """For the event page: independent sources, and other reports of the same incident."""
    return review_views.event_crosscheck(session, who.actor, event_id)
