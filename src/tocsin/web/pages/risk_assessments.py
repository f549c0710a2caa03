"""Analysts' risk assessments: the list with filters, a new assessment, a place's history and
two assessments side by side. The assessment itself, its workflow and its rating form are in
risk_assessments_page and risk_assessments_edit, included below after the fixed addresses
(/new, /history, /compare) so those are never read as an assessment id."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.core.clock import utcnow
from tocsin.core.errors import TocsinError
from tocsin.core.roles import Permission
from tocsin.risk import assessments
from tocsin.risk.assessments.page_views import people
from tocsin.risk.assessments.scale import Status
from tocsin.risk.assessments.schemas import AssessmentCreate
from tocsin.risk.framework import get_framework
from tocsin.web.forms import FormState, attempt, blank_to_none, validate
from tocsin.web.i18n import N_
from tocsin.web.listing import wants_fragment
from tocsin.web.pages import risk_assessments_edit, risk_assessments_page
from tocsin.web.pages.events import country_choices
from tocsin.web.pages.risk_assessments_words import STATUSES, place, words
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
NEW_FIELDS = ("country", "admin_area", "as_of", "title", "summary", "tlp")


class ListQuery(BaseModel):
    """The list's query string; codes are checked by the service, next to their field."""

    model_config = ConfigDict(extra="ignore")

    country: Annotated[str | None, Field(max_length=60)] = None
    status: Annotated[str | None, Field(max_length=20)] = None
    since: date | None = None
    page: Annotated[int, Field(ge=1, le=100_000)] = 1


def _refused(state: FormState, exc: TocsinError) -> None:
    if exc.status >= 500 or exc.status in (401, 403, 404):
        raise exc
    state.refuse(exc)


def _context(who: Viewer, **values: Any) -> dict[str, Any]:
    return {**words(), "lang": who.lang, **values}


@router.get("/risk/assessments", response_class=HTMLResponse)
def assessment_list(request: Request, session: SessionDep, who: PageViewer) -> Response:
    given = {k: v.strip() for k, v in request.query_params.items() if k in ListQuery.model_fields}
    state = FormState(values=dict(given))
    query = validate(ListQuery, {k: v for k, v in given.items() if v}, state)
    found = None
    if query is not None:
        try:
            found = assessments.list_assessments(session, who.actor, query.country, query.status,
                                                 query.since, query.page, PAGE_SIZE)  # fmt: skip
        except TocsinError as exc:
            _refused(state, exc)
    fragment = wants_fragment(request) and not request.headers.get("HX-History-Restore-Request")
    return render(
        request,
        "risk/_assessments_results.html" if fragment else "risk/assessments.html",
        who,
        200 if state.ok else 422,
        **_context(
            who,
            filters=state,
            found=found,
            authors=people(
                session, who.actor, [a.created_by for a in found.items] if found else []
            ),
            country_choices=country_choices(who.lang, state.value("country") or None),
            status_choices=[(s.value, who._(STATUSES[s.value])) for s in Status],
            can_assess=who.can(Permission.ASSESS),
        ),
    )


def _new_form(
    request: Request, session: Session, who: Viewer, state: FormState, status: int = 200
) -> Response:
    framework = get_framework(session, who.actor, language=who.lang)
    return render(
        request, "risk/assessment_new.html", who, status,
        **_context(who, form=state, framework=framework,
                   country_choices=country_choices(who.lang, state.value("country") or None)),
    )  # fmt: skip


@router.get("/risk/assessments/new", response_class=HTMLResponse)
def new_assessment(request: Request, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.ASSESS)
    values = {"as_of": utcnow().date().isoformat(), "tlp": "AMBER"}
    # Started from a place's history: that place is filled in.
    values["country"] = request.query_params.get("country", "")[:60]
    values["admin_area"] = request.query_params.get("area", "")[:200]
    return _new_form(request, session, who, FormState(values=values))


@router.post("/risk/assessments/new", response_class=HTMLResponse)
def create(request: Request, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.ASSESS)
    values = {k: who.form.get(k, "").strip() for k in NEW_FIELDS}
    state = FormState(values=values)
    # Left empty: no area (the whole country), the default sharing level, a missing date.
    payload = {k: v for k, v in blank_to_none(values, ("admin_area", "as_of", "tlp")).items()
               if v is not None}  # fmt: skip
    data = validate(AssessmentCreate, payload, state)
    made = None
    if data is not None:
        made = attempt(session, lambda: assessments.create_assessment(session, who.actor, data),
                       state)  # fmt: skip
    if made is None:
        return _new_form(request, session, who, state, 422)
    response = RedirectResponse(f"/risk/assessments/{made.id}/edit", 303)
    return flash(response, N_("Assessment created. Rate the indicators you have looked at."))


@router.get("/risk/assessments/history", response_class=HTMLResponse)
def place_history(request: Request, session: SessionDep, who: PageViewer) -> Response:
    country = request.query_params.get("country", "").strip()[:60]
    area = request.query_params.get("area", "").strip()[:200]
    state = FormState(values={"country": country, "area": area})
    found = None
    if country:
        try:
            found = assessments.history(session, who.actor, country, area or None)
        except TocsinError as exc:
            _refused(state, exc)
    code = found[0].country if found else country.upper()
    where = place(code, area or None, who.lang) if found is not None else ""
    return render(
        request, "risk/assessment_history.html", who, 200 if state.ok else 422,
        **_context(who, form=state, found=found, where=where,
                   country_choices=country_choices(who.lang, None),
                   authors=people(session, who.actor, [a.created_by for a in found or []]),
                   can_assess=who.can(Permission.ASSESS)),
    )  # fmt: skip


@router.get("/risk/assessments/compare", response_class=HTMLResponse)
def compare_two(request: Request, session: SessionDep, who: PageViewer) -> Response:
    old_id = request.query_params.get("old", "").strip()[:36]
    new_id = request.query_params.get("new", "").strip()[:36]
    if not old_id or not new_id:
        back = f"/risk/assessments/{quote(new_id or old_id)}" if new_id or old_id else ""
        return RedirectResponse(back or "/risk/assessments", 303)
    diff = assessments.compare(session, who.actor, old_id, new_id)
    if diff.old.as_of > diff.new.as_of:
        # "old" is the earlier one, so a rise reads as a rise whichever way it was asked.
        swapped = urlencode({"old": new_id, "new": old_id})
        return RedirectResponse(f"/risk/assessments/compare?{swapped}", 303)
    newer = get_framework(session, who.actor, diff.new.framework_version, who.lang)
    older = get_framework(session, who.actor, diff.old.framework_version, who.lang)
    texts = {i.code: i.text for fw in (older, newer) for f in fw.factors for i in f.indicators}
    names = {f.code: f.name for fw in (older, newer) for f in fw.factors}
    by_factor: dict[str, list[Any]] = {}
    for change in diff.indicators:
        by_factor.setdefault(change.factor, []).append(change)
    return render(
        request, "risk/assessment_compare.html", who,
        **_context(who, diff=diff, texts=texts, names=names, by_factor=by_factor),
    )  # fmt: skip


router.include_router(risk_assessments_edit.router)
router.include_router(risk_assessments_page.router)
