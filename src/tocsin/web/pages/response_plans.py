"""Response plans: the list, one plan (its situation as planned, its actions with why each is
there, a small form per action for status, who is responsible and when), an action added by
hand, and the plan's own edit form. The new-plan page is in response_plans_new, included first
so /response/plans/new is never read as a plan id."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.core.errors import NotFound, TocsinError
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.crosscheck.review_views import deciders
from tocsin.response import plans
from tocsin.response.plans import PlanItemIn, PlanItemUpdate, PlanPublic, PlanUpdate
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.pages import response_plans_new
from tocsin.web.pages.response_plans_words import words
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
router.include_router(response_plans_new.router)
PAGE_SIZE = 25
ITEM_FIELDS = ("rationale", "responsible", "due_date", "status", "position")


@router.get("/response/plans", response_class=HTMLResponse)
def plan_list(request: Request, session: SessionDep, who: PageViewer) -> Response:
    args = request.query_params
    state = FormState(values={k: args.get(k, "")[:40] for k in ("status", "country")})
    try:
        page = max(1, min(int(args.get("page") or 1), 100_000))
    except ValueError:
        page = 1
    found = None
    try:
        found = plans.list_plans(session, who.actor, state.value("status") or None,
                                 state.value("country") or None, page=page,
                                 page_size=PAGE_SIZE)  # fmt: skip
    except TocsinError as exc:
        if exc.status != 422:
            raise
        state.refuse(exc)
    return render(request, "response/plans_list.html", who, 200 if state.ok else 422,
                  **words(who.lang), found=found, form=state, page=page)  # fmt: skip


def _plan_page(
    request: Request, session: Session, who: Viewer, plan: PlanPublic,
    state: FormState | None = None, editing: str | None = None, status: int = 200,
) -> Response:  # fmt: skip
    # Partners read plans too; team members' names are for the team (as everywhere else).
    names = deciders(session, who.actor, [plan.owner_id, plan.created_by,
                                          *(c.by for c in plan.history)])  # fmt: skip
    return render(request, "response/plans_page.html", who, status, **words(who.lang),
                  plan=plan, form=state or FormState(), editing=editing, names=names)  # fmt: skip


@router.get("/response/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, session: SessionDep, who: PageViewer, plan_id: str) -> Response:
    return _plan_page(request, session, who, plans.get_plan(session, who.actor, plan_id))


@router.post("/response/plans/{plan_id}/items", response_class=HTMLResponse)
def add_item(request: Request, session: SessionDep, who: PostedForm, plan_id: str) -> Response:
    who.require(Permission.RESPOND)
    plan = plans.get_plan(session, who.actor, plan_id)
    form = {k: v.strip() for k, v in who.form.items() if k != "csrf"}
    state = FormState(values=form)
    data = validate(PlanItemIn, {"node": form.get("node", ""),
                                 "rationale": form.get("rationale", "")}, state)  # fmt: skip
    done = None
    if data is not None:
        done = attempt(session, lambda: plans.add_item(session, who.actor, plan_id, data), state)
    if done is None:
        plan = plans.get_plan(session, who.actor, plan_id)
        return _plan_page(request, session, who, plan, state, "add", 422)
    back = RedirectResponse(f"/response/plans/{plan.id}#actions", 303)
    return flash(back, N_("Action added to the plan."))


def _plan_holding(session: Session, who: Viewer, plan_id: str, item_id: str) -> PlanPublic:
    """The plan, if the viewer may change it and the action is one of its own."""
    who.require(Permission.RESPOND)
    plan = plans.get_plan(session, who.actor, plan_id)
    if item_id not in {i.id for i in plan.items}:
        raise NotFound("no such action in this plan")
    return plan


@router.post("/response/plans/{plan_id}/items/{item_id}", response_class=HTMLResponse)
def update_item(
    request: Request, session: SessionDep, who: PostedForm, plan_id: str, item_id: str
) -> Response:
    plan = _plan_holding(session, who, plan_id, item_id)
    form = {k: v.strip() for k, v in who.form.items() if k != "csrf"}
    state = FormState(values=form)
    payload: dict[str, Any] = {k: form[k] for k in ITEM_FIELDS if k in form}
    payload["due_date"] = payload.get("due_date") or None
    payload["position"] = payload.get("position") or None
    data = validate(PlanItemUpdate, payload, state)
    done = None
    if data is not None:
        done = attempt(session, lambda: plans.update_item(session, who.actor, item_id, data),
                       state)  # fmt: skip
    if done is None:
        plan = plans.get_plan(session, who.actor, plan_id)
        return _plan_page(request, session, who, plan, state, item_id, 422)
    back = RedirectResponse(f"/response/plans/{plan.id}#item-{item_id}", 303)
    return flash(back, N_("Action saved."))


@router.post("/response/plans/{plan_id}/items/{item_id}/remove", response_class=HTMLResponse)
def remove_item(
    request: Request, session: SessionDep, who: PostedForm, plan_id: str, item_id: str
) -> Response:
    plan = _plan_holding(session, who, plan_id, item_id)
    plans.remove_item(session, who.actor, item_id)
    back = RedirectResponse(f"/response/plans/{plan.id}#actions", 303)
    return flash(back, N_("Action removed from the plan."))


def _edit_page(
    request: Request, session: Session, who: Viewer, plan: PlanPublic, state: FormState,
    status: int = 200,
) -> Response:  # fmt: skip
    owners = sorted(o for o in {plan.owner_id, who.user.id} if o)
    names = deciders(session, who.actor, owners)
    owner_choices = [(u, names.get(u) or u) for u in owners]
    return render(request, "response/plans_edit.html", who, status, **words(who.lang),
                  plan=plan, form=state, owner_choices=owner_choices,
                  tlps=[(t.label, "TLP:" + t.label) for t in TLP])  # fmt: skip


@router.get("/response/plans/{plan_id}/edit", response_class=HTMLResponse)
def edit(request: Request, session: SessionDep, who: PageViewer, plan_id: str) -> Response:
    who.require(Permission.RESPOND)
    plan = plans.get_plan(session, who.actor, plan_id)
    values = {"title": plan.title, "summary": plan.summary, "status": plan.status,
              "owner_id": plan.owner_id or "", "tlp": plan.tlp}  # fmt: skip
    return _edit_page(request, session, who, plan, FormState(values=values))


@router.post("/response/plans/{plan_id}/edit", response_class=HTMLResponse)
def save(request: Request, session: SessionDep, who: PostedForm, plan_id: str) -> Response:
    who.require(Permission.RESPOND)
    plan = plans.get_plan(session, who.actor, plan_id)
    form = {k: v for k, v in who.form.items() if k != "csrf"}
    state = FormState(values=form)
    payload: dict[str, Any] = {k: form[k] for k in ("title", "summary", "status", "tlp")
                               if k in form}  # fmt: skip
    if "owner_id" in form:
        payload["owner_id"] = form["owner_id"] or None
    data = validate(PlanUpdate, payload, state)
    done = None
    if data is not None:
        done = attempt(session, lambda: plans.update_plan(session, who.actor, plan_id, data),
                       state)  # fmt: skip
    if done is None:
        plan = plans.get_plan(session, who.actor, plan_id)
        return _edit_page(request, session, who, plan, state, 422)
    return flash(RedirectResponse(f"/response/plans/{plan.id}", 303), N_("Response plan saved."))
