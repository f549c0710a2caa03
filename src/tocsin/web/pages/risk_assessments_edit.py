"""The rating form of a draft: its place, date and sharing level, and every indicator of its
framework version, grouped by factor, with rating, confidence, narrative, affected groups and
the records that support it. A refused form comes back whole, each message by its field."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.risk import assessments
from tocsin.risk.assessments.page_views import rating_problems
from tocsin.risk.assessments.scale import Status
from tocsin.risk.assessments.schemas import AssessmentPublic, AssessmentUpdate
from tocsin.risk.framework import get_framework
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.pages.events import country_choices
from tocsin.web.pages.risk_assessments_form import header_payload as read_header
from tocsin.web.pages.risk_assessments_form import (
    indicator_of,
    read_ratings,
    rows_to_show,
    values_of,
)
from tocsin.web.pages.risk_assessments_page import by_category
from tocsin.web.pages.risk_assessments_words import words
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, Viewer, posted

router = APIRouter(include_in_schema=False)
# Every indicator posts about ten fields; the site-wide limit is set for ordinary forms.
MAX_FIELDS = 10_000


async def _posted_rating_form(request: Request, who: PageViewer) -> Viewer:
    """As PostedForm, for a form larger than the site-wide field limit: the request parses its
    form once and keeps it, so the shared CSRF check then reads this parse."""
    await request.form(max_files=0, max_fields=MAX_FIELDS)
    return await posted(request, who)


PostedRatingForm = Annotated[Viewer, Depends(_posted_rating_form)]


def _form(
    request: Request,
    session: Session,
    who: Viewer,
    a: AssessmentPublic,
    state: FormState,
    status: int = 200,
) -> Response:
    framework = get_framework(session, who.actor, a.framework_version, who.lang)
    codes = [i.code for f in framework.factors for i in f.indicators]
    factor_of = {i.code: f.code for f in framework.factors for i in f.indicators}
    troubled = {factor_of.get(indicator_of(k) or "", "") for k in state.errors}
    return render(
        request,
        "risk/assessment_edit.html",
        who,
        status,
        **words(),
        a=a,
        form=state,
        framework=framework,
        categories=by_category(a, framework.factors),
        rows=rows_to_show(state.values, codes),
        hidden={r.indicator: r.hidden_links for r in a.ratings if r.hidden_links},
        open_factors=troubled,
        country_choices=country_choices(who.lang, state.value("country") or None),
        tlps=[(t.label, "TLP:" + t.label) for t in TLP],
    )


@router.get("/risk/assessments/{assessment_id}/edit", response_class=HTMLResponse)
def edit(request: Request, session: SessionDep, who: PageViewer, assessment_id: str) -> Response:
    who.require(Permission.ASSESS)
    a = assessments.get_assessment(session, who.actor, assessment_id)
    if a.status != Status.DRAFT.value:
        done = RedirectResponse(f"/risk/assessments/{a.id}", 303)
        return flash(done, N_("Only a draft can be edited. Start a new draft from it instead."))
    return _form(request, session, who, a, FormState(values=values_of(a)))


@router.post("/risk/assessments/{assessment_id}/edit", response_class=HTMLResponse)
def save(
    request: Request, session: SessionDep, who: PostedRatingForm, assessment_id: str
) -> Response:
    who.require(Permission.ASSESS)
    a = assessments.get_assessment(session, who.actor, assessment_id)
    form = {k: v for k, v in who.form.items() if k != "csrf"}
    state = FormState(values=dict(form))
    framework = get_framework(session, who.actor, a.framework_version)
    codes = [i.code for f in framework.factors for i in f.indicators]
    found = read_ratings(form, {r.indicator: r for r in a.ratings}, codes)
    state.errors.update(found.errors)
    if found.ratings:
        for problem in rating_problems(session, who.actor, a.framework_version, found.ratings):
            state.errors.setdefault(problem.field, problem.message)
    payload: dict[str, Any] = {**read_header(form), "ratings": found.ratings or None}
    data = validate(AssessmentUpdate, payload, state)
    done = None
    if data is not None and state.ok:
        done = attempt(
            session, lambda: assessments.update_assessment(session, who.actor, a.id, data), state
        )
    if done is None:
        # A refusal rolled the session back: show what is stored, with the values as posted.
        a = assessments.get_assessment(session, who.actor, assessment_id)
        return _form(request, session, who, a, state, 422)
    stay = form.get("then") == "edit"
    target = f"/risk/assessments/{a.id}" + ("/edit" if stay else "")
    return flash(RedirectResponse(target, 303), N_("Assessment saved."))
