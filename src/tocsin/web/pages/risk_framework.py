"""The risk framework: its factors by category with their indicators, in the reader's language
(English where a text is not translated), any stored version, and the form by which a
coordinator or admin adds one of the organisation's own indicators under a factor."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.core.roles import Permission
from tocsin.risk.framework import CATEGORIES, add_local_indicator, get_framework, list_versions
from tocsin.risk.framework.schemas import LocalIndicatorCreate
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
TRANSLATED = ("fr", "ar")  # the languages a local indicator may be given in besides English


def _page(
    request: Request,
    session: Session,
    who: Viewer,
    version: str | None,
    form: FormState | None = None,
    status: int = 200,
) -> Response:
    framework = get_framework(session, who.actor, version or None, who.lang)
    categories = [(c, [f for f in framework.factors if f.category == c]) for c in CATEGORIES]
    return render(
        request,
        "risk/framework.html",
        who,
        status,
        framework=framework,
        versions=list_versions(session, who.actor),
        categories=[(c, factors) for c, factors in categories if factors],
        can_add=who.can(Permission.MANAGE_VOCABULARY) and framework.current,
        form=form or FormState(),
        translated=TRANSLATED,
    )


@router.get("/risk/framework", response_class=HTMLResponse)
def framework_page(request: Request, session: SessionDep, who: PageViewer) -> Response:
    version = request.query_params.get("version", "").strip()[:40]
    return _page(request, session, who, version)


@router.post("/risk/framework/indicators", response_class=HTMLResponse)
def add_indicator(request: Request, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.MANAGE_VOCABULARY)
    names = ("factor", "text", *(f"translations.{lang}" for lang in TRANSLATED))
    values = {k: who.form.get(k, "").strip() for k in names}
    state = FormState(values=values)
    payload = {
        "factor": values["factor"],
        "text": values["text"],
        "translations": {lang: values[f"translations.{lang}"] for lang in TRANSLATED},
    }
    data = validate(LocalIndicatorCreate, payload, state)
    made = None
    if data is not None:
        made = attempt(session, lambda: add_local_indicator(session, who.actor, data), state)
    if made is None:
        return _page(request, session, who, None, state, 422)
    response = RedirectResponse(f"/risk/framework#{made.code}", 303)
    return flash(response, N_("Indicator added. Assessments can rate it from now on."))
