"""A new response plan: the situation (from the horizon scan's country, an alert's page, an
assessment, or factors named here), the actor and sphere, the ranked proposals with their
explanations and a box each; submitting keeps the ticked ones as a plan. Plain GET and POST
forms: it works without JavaScript."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.core.errors import TocsinError
from tocsin.core.roles import Permission
from tocsin.response import plans
from tocsin.response.plans import ProposalsPublic, SituationIn
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.pages.events import country_choices
from tocsin.web.pages.response_plans_words import words
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
LIMIT = 30
# The page's field for each field the service (or the schema) names in a problem.
FIELDS = {"situation": "country", "admin_area": "area", "alert_id": "alert",
          "assessment_id": "assessment"}  # fmt: skip
ASKED = ("country", "area", "alert", "assessment", "factors", "themes", "phase", "actor",
         "sphere")  # fmt: skip
PICK = "pick."


def _asked(values: Mapping[str, str], themes: list[str]) -> dict[str, str]:
    asked = {name: (values.get(name) or "").strip()[:500] for name in ASKED}
    asked["themes"] = ",".join(t.strip() for t in themes if t.strip())[:2000]
    asked["actor"] = asked["actor"] or "state"
    return asked


def _situation(asked: Mapping[str, str], state: FormState) -> SituationIn | None:
    """The situation asked for, or None when nothing names one yet (or it does not parse:
    then with the problem in ``state``)."""
    if not any(asked[n] for n in ("country", "alert", "assessment", "factors", "themes")):
        return None
    factors = [{"code": c.partition(":")[0].strip(), "level": c.partition(":")[2].strip() or
                "high"} for c in asked["factors"].split(",") if c.strip()]  # fmt: skip
    found = validate(SituationIn, {
        "country": asked["country"] or None, "admin_area": asked["area"] or None,
        "alert_id": asked["alert"] or None, "assessment_id": asked["assessment"] or None,
        "factors": factors, "themes": [t for t in asked["themes"].split(",") if t],
        "phase": asked["phase"] or None,
    }, state)  # fmt: skip
    _rename(state)
    return found


def _rename(state: FormState) -> None:
    """Problems named as the service names fields, put on the page's fields."""
    for name in list(state.errors):
        bare = name if name == "situation" else name.removeprefix("situation.")
        listed = next((p for p in ("factors", "themes", "items") if bare.startswith(p)), None)
        page = FIELDS.get(bare) or listed or bare
        if page != name:
            state.errors.setdefault(page, state.errors.pop(name))


def _proposals(
    session: Session, who: Viewer, asked: Mapping[str, str], state: FormState
) -> ProposalsPublic | None:
    situation = _situation(asked, state)
    if situation is None:
        return None
    try:
        found = plans.propose(session, who.actor, plans.ProposalRequest(
            situation=situation, actor=asked["actor"][:40], sphere=asked["sphere"][:40] or None,
            limit=LIMIT))  # fmt: skip
    except TocsinError as exc:
        if exc.status >= 500 or exc.status in (401, 403):
            raise
        session.rollback()
        state.refuse(exc)
        _rename(state)
        return None
    return found


def _page(
    request: Request, who: Viewer, found: ProposalsPublic | None, asked: dict[str, str],
    state: FormState, status: int = 200,
) -> Response:  # fmt: skip
    state.values = {**asked, **state.values}
    chosen_themes = [t for t in asked["themes"].split(",") if t]
    return render(request, "response/plans_new.html", who, status if state.ok else 422,
                  **words(who.lang), found=found, form=state, asked=asked,
                  chosen_themes=chosen_themes, pick=PICK,
                  country_choices=country_choices(who.lang, asked["country"] or None),
                  tlp_default=found.situation.tlp if found else "AMBER")  # fmt: skip


@router.get("/response/plans/new", response_class=HTMLResponse)
def new_plan(request: Request, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.RESPOND)
    params = request.query_params
    asked = _asked(params, params.getlist("themes"))
    state = FormState()
    found = _proposals(session, who, asked, state)
    if found is not None:
        state.values = {"tlp": found.situation.tlp, "title": _title(found, who)}
    return _page(request, who, found, asked, state)


@router.post("/response/plans/new", response_class=HTMLResponse)
def create(request: Request, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.RESPOND)
    form = dict(who.form)
    asked = _asked(form, form.get("themes", "").split(","))
    state = FormState(values={k: v for k, v in form.items() if k != "csrf"})
    situation = _situation(asked, state)
    picked = [k.removeprefix(PICK).strip() for k, v in form.items() if k.startswith(PICK) and v]
    picked = [n for n in picked if n]  # a box with no paragraph named ticks nothing
    if situation is None and state.ok:
        state.errors["country"] = N_("Name a country, an alert, an assessment or factors.")
    elif not picked:
        state.summary = N_("Tick at least one proposed action to keep in the plan.")
    plan = None
    if situation is not None and state.ok:
        data = _create_data(form, situation, asked, picked, state)
        if data is not None:
            plan = attempt(session, lambda: plans.create_plan(session, who.actor, data), state)
            _rename(state)
    if plan is None:
        found = _proposals(session, who, asked, FormState())
        return _page(request, who, found, asked, state, 422)
    return flash(RedirectResponse(f"/response/plans/{plan.id}", 303), N_("Response plan saved."))


def _create_data(
    form: Mapping[str, str], situation: SituationIn, asked: Mapping[str, str],
    picked: list[str], state: FormState,
) -> plans.PlanCreate | None:  # fmt: skip
    payload: dict[str, Any] = {
        "title": form.get("title", ""), "summary": form.get("summary", ""),
        "tlp": form.get("tlp") or "AMBER", "situation": situation.model_dump(),
        "actor": asked["actor"], "sphere": asked["sphere"] or None,
        "items": [{"node": n} for n in picked],
    }  # fmt: skip
    found = validate(plans.PlanCreate, payload, state)
    _rename(state)
    return found


def _title(found: ProposalsPublic, who: Viewer) -> str:
    sit = found.situation
    place = words(who.lang)["country_name"](sit.country) if sit.country else ""
    where = ", ".join(p for p in (place, sit.admin_area or "") if p)
    return f"{who._('Response plan')}: {where or sit.alert_title or who._('situation')}"[:300]
