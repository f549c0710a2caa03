"""One assessment: its place and date, the derived levels and the rule that set them, every
rating with its narrative, groups and cited records, the review history, and the actions the
reader may take (edit, submit, approve, return, revise, PDF, compare)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.core.clock import utcnow
from tocsin.core.errors import TocsinError
from tocsin.core.roles import Permission
from tocsin.risk import assessments
from tocsin.risk.assessments.page_views import cited_records, people
from tocsin.risk.assessments.scale import Status
from tocsin.risk.assessments.schemas import (
    AssessmentPublic,
    FactorLevelPublic,
    RatingPublic,
)
from tocsin.risk.framework import CATEGORIES, get_framework
from tocsin.risk.framework.schemas import FactorPublic
from tocsin.web.forms import FormState
from tocsin.web.i18n import N_
from tocsin.web.pages.risk_assessments_words import words
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
PDF = "application/pdf"


@dataclass(frozen=True)
class FactorView:
    factor: FactorPublic
    level: FactorLevelPublic | None
    ratings: list[RatingPublic]


@dataclass(frozen=True)
class CategoryView:
    code: str
    name: str
    factors: list[FactorView]


def by_category(a: AssessmentPublic, factors: list[FactorPublic]) -> list[CategoryView]:
    """The framework's factors grouped by category, each with its level and its ratings."""
    levels = {f.code: f for f in a.factors}
    ratings: dict[str, list[RatingPublic]] = {}
    for r in a.ratings:
        ratings.setdefault(r.factor, []).append(r)
    out = []
    for category in CATEGORIES:
        here = [f for f in factors if f.category == category]
        if here:
            views = [FactorView(f, levels.get(f.code), ratings.get(f.code, [])) for f in here]
            out.append(CategoryView(category, here[0].category_name, views))
    return out


@dataclass(frozen=True)
class Allowed:
    edit: bool
    submit: bool
    approve: bool
    give_back: bool
    revise: bool
    export: bool


def allowed(who: Viewer, a: AssessmentPublic) -> Allowed:
    """What the page offers; the services decide again when asked."""
    assess, review = who.can(Permission.ASSESS), who.can(Permission.APPROVE)
    draft, in_review = a.status == Status.DRAFT.value, a.status == Status.IN_REVIEW.value
    return Allowed(
        edit=assess and draft,
        submit=assess and draft and bool(a.ratings),
        # Nobody approves their own assessment: the service refuses, so it is not offered.
        approve=review and in_review and a.created_by != who.actor.user_id,
        give_back=review and in_review,
        revise=assess and a.status == Status.APPROVED.value,
        export=who.can(Permission.EXPORT),
    )


def show(
    request: Request,
    session: Session,
    who: Viewer,
    assessment_id: str,
    status: int = 200,
    action: str = "",
    action_form: FormState | None = None,
) -> Response:
    a = assessments.get_assessment(session, who.actor, assessment_id)
    framework = get_framework(session, who.actor, a.framework_version, who.lang)
    place = assessments.history(session, who.actor, a.country, a.admin_area)
    ids = [a.created_by, a.approved_by, *(t.by for t in a.history)]
    forms = {action: action_form} if action and action_form else {}
    revise = FormState(values={"as_of": utcnow().date().isoformat()})
    return render(
        request,
        "risk/assessment.html",
        who,
        status,
        **words(),
        a=a,
        framework=framework,
        categories=by_category(a, framework.factors),
        texts={i.code: i.text for f in framework.factors for i in f.indicators},
        cited=cited_records(session, who.actor, a.ratings),
        names=people(session, who.actor, ids),
        others=[o for o in place if o.id != a.id],
        may=allowed(who, a),
        forms={"revise": revise, "give_back": FormState(), **forms},
        action=action,
    )


@router.get("/risk/assessments/{assessment_id}.pdf")
def assessment_pdf(session: SessionDep, who: PageViewer, assessment_id: str) -> Response:
    pdf = assessments.export_pdf(session, who.actor, assessment_id, who.lang)
    name = f"risk-assessment-{assessment_id}.pdf"
    return Response(pdf, media_type=PDF,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/risk/assessments/{assessment_id}", response_class=HTMLResponse)
def assessment_page(
    request: Request, session: SessionDep, who: PageViewer, assessment_id: str
) -> Response:
    return show(request, session, who, assessment_id)


def _step(
    request: Request,
    session: Session,
    who: Viewer,
    assessment_id: str,
    action: str,
    call: Callable[[FormState], Any],
    done: str,
) -> Response:
    """Run a workflow step; a refusal comes back on the page, next to the step's form."""
    state = FormState(values={k: v for k, v in who.form.items() if k != "csrf"})
    try:
        result = call(state)
        session.flush()
    except TocsinError as exc:
        if exc.status >= 500 or exc.status == 404:
            raise
        session.rollback()
        state.refuse(exc)
        return show(request, session, who, assessment_id, exc.status, action, state)
    if not state.ok:
        return show(request, session, who, assessment_id, 422, action, state)
    target = getattr(result, "id", assessment_id)
    page = f"/risk/assessments/{target}" + ("/edit" if target != assessment_id else "")
    return flash(RedirectResponse(page, 303), done)


@router.post("/risk/assessments/{assessment_id}/submit", response_class=HTMLResponse)
def submit(request: Request, session: SessionDep, who: PostedForm, assessment_id: str) -> Response:
    who.require(Permission.ASSESS)
    return _step(request, session, who, assessment_id, "submit",
                 lambda _: assessments.submit_for_review(session, who.actor, assessment_id),
                 N_("Sent for review."))  # fmt: skip


@router.post("/risk/assessments/{assessment_id}/approve", response_class=HTMLResponse)
def approve(request: Request, session: SessionDep, who: PostedForm, assessment_id: str) -> Response:
    who.require(Permission.APPROVE)
    return _step(request, session, who, assessment_id, "approve",
                 lambda _: assessments.approve(session, who.actor, assessment_id),
                 N_("Assessment approved."))  # fmt: skip


@router.post("/risk/assessments/{assessment_id}/return", response_class=HTMLResponse)
def give_back(
    request: Request, session: SessionDep, who: PostedForm, assessment_id: str
) -> Response:
    who.require(Permission.APPROVE)
    reason = who.form.get("reason", "")
    return _step(request, session, who, assessment_id, "give_back",
                 lambda _: assessments.return_to_draft(session, who.actor, assessment_id, reason),
                 N_("Returned to draft, with your reason."))  # fmt: skip


def _revise(session: Session, who: Viewer, assessment_id: str, state: FormState) -> Any:
    try:
        as_of = date.fromisoformat(who.form.get("as_of", "").strip())
    except ValueError:
        state.errors["as_of"] = N_("Give the date the new assessment is made as of.")
        return None
    return assessments.revise(session, who.actor, assessment_id, as_of)


@router.post("/risk/assessments/{assessment_id}/revise", response_class=HTMLResponse)
def revise(request: Request, session: SessionDep, who: PostedForm, assessment_id: str) -> Response:
    who.require(Permission.ASSESS)
    return _step(request, session, who, assessment_id, "revise",
                 lambda state: _revise(session, who, assessment_id, state),
                 N_("New draft started from the approved assessment."))  # fmt: skip
