"""The horizon scan: the watchlist first, what changed since a date (90 days ago unless chosen),
countries ranked by statistical risk and places by analysts' assessment; adding and removing
watched places (analysts and up). The PDF and CSV reports are in risk_horizon_export."""

from __future__ import annotations

import re
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.risk import watch
from tocsin.risk.horizon import default_since, horizon_scan
from tocsin.risk.horizon_forecast import MOVE
from tocsin.risk.ranking import TOP
from tocsin.web.forms import FormState, attempt
from tocsin.web.i18n import N_
from tocsin.web.pages.events import country_choices
from tocsin.web.pages.risk_figures import page_words
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
WATCH_FIELDS = ("country", "area", "reason")
# Where a watch form may send the reader back to: a risk page of this site, nothing else.
_BACK = re.compile(r"^/risk(/[A-Za-z0-9/_.-]*)?(\?[A-Za-z0-9=&_.%+-]*)?$")


def read_since(text: str | None, state: FormState) -> date:
    """The period's start from the query string; a bad date is said next to the field."""
    text = (text or "").strip()
    if not text:
        return default_since()
    try:
        return date.fromisoformat(text)
    except ValueError:
        state.errors["since"] = N_("Give the date as YYYY-MM-DD.")
        return default_since()


def back_to(value: str | None, default: str = "/risk/horizon") -> str:
    value = (value or "").strip()
    return value if _BACK.match(value) and "//" not in value else default


def _page(
    request: Request,
    session: Session,
    who: Viewer,
    since_text: str | None,
    form: FormState | None = None,
    status: int = 200,
) -> Response:
    period = FormState(values={"since": (since_text or "").strip()})
    since = read_since(since_text, period)
    if period.ok:
        period.values["since"] = since.isoformat()
    scan = horizon_scan(session, who.actor, request.app.state.settings, since)
    form = form or FormState()
    return render(
        request, "risk/horizon.html", who, status if period.ok else 422,
        scan=scan, period=period, form=form, top=TOP, move=MOVE,
        country_choices=country_choices(who.lang, form.value("country") or None),
        can_assess=who.can(Permission.ASSESS), can_export=who.can(Permission.EXPORT),
        tlp_label=lambda level: TLP(level).label, **page_words(who.lang),
    )  # fmt: skip


@router.get("/risk/horizon", response_class=HTMLResponse)
def horizon_page(request: Request, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.READ)
    return _page(request, session, who, request.query_params.get("since"))


@router.post("/risk/horizon/watch", response_class=HTMLResponse)
def add_watch(request: Request, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.ASSESS)
    values = {k: who.form.get(k, "").strip() for k in WATCH_FIELDS}
    state = FormState(values=values)
    country, area, reason = (values[k] for k in WATCH_FIELDS)
    done = attempt(session, lambda: watch.watch(session, who.actor, country, area, reason), state)
    if done is None:
        return _page(request, session, who, who.form.get("since"), state, 422)
    response = RedirectResponse(back_to(who.form.get("back")), 303)
    return flash(response, N_("The place is on the watchlist."))


@router.post("/risk/horizon/watch/{item_id}/remove", response_class=HTMLResponse)
def remove_watch(session: SessionDep, who: PostedForm, item_id: str) -> Response:
    who.require(Permission.ASSESS)
    watch.unwatch(session, who.actor, item_id)
    response = RedirectResponse(back_to(who.form.get("back")), 303)
    return flash(response, N_("The place is no longer on the watchlist."))
