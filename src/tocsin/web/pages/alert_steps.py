"""The steps taken from an alert's page: issue, cancel, close, acknowledge, record an action.
Each checks the role first (a forged post from someone who was never offered the button gets
403), then runs the same lifecycle service as the API; a refusal comes back on the page, beside
the step's form, with what was typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.alerts import lifecycle
from tocsin.alerts.schemas import ActionIn, IssueIn
from tocsin.api.deps import SessionDep
from tocsin.core.errors import TocsinError
from tocsin.core.roles import Permission
from tocsin.web.forms import FormState, blank_to_none, validate
from tocsin.web.i18n import N_
from tocsin.web.pages.alert_page import show
from tocsin.web.templating import flash
from tocsin.web.viewer import PostedForm, Viewer

router = APIRouter(include_in_schema=False)


def _step(request: Request, session: Session, who: Viewer, alert_id: str, step: str,
          call: Callable[[FormState], Any], done: str) -> Response:  # fmt: skip
    state = FormState(values={k: v for k, v in who.form.items() if k != "csrf"})
    status = 422
    try:
        call(state)
        session.flush()
    except TocsinError as exc:
        if exc.status >= 500 or exc.status in (401, 403, 404):
            raise
        session.rollback()
        state.refuse(exc)
        status = exc.status
    if not state.ok:
        return show(request, session, who, alert_id, status, step, state)
    return flash(RedirectResponse(f"/alerts/{alert_id}", 303), done)


@router.post("/alerts/{alert_id:uuid}/issue", response_class=HTMLResponse)
def issue(request: Request, alert_id: UUID, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.ALERT)
    names = ("owner_id", "escalation_chain_id", "ack_minutes", "act_minutes")

    def run(state: FormState) -> None:
        given = blank_to_none({k: who.form.get(k, "") for k in names})
        data = validate(IssueIn, given, state)
        if data is not None:
            lifecycle.issue(session, who.actor, str(alert_id), data)

    return _step(request, session, who, str(alert_id), "issue", run,
                 N_("Alert issued: it goes to subscribers now, and the clock to acknowledge "
                    "it has started."))  # fmt: skip


@router.post("/alerts/{alert_id:uuid}/cancel", response_class=HTMLResponse)
def cancel(request: Request, alert_id: UUID, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.ALERT)
    reason = who.form.get("reason", "")
    done = N_("Alert cancelled: everyone who received it is told it is withdrawn.")
    return _step(request, session, who, str(alert_id), "cancel",
                 lambda _: lifecycle.cancel(session, who.actor, str(alert_id), reason),
                 done)  # fmt: skip


@router.post("/alerts/{alert_id:uuid}/close", response_class=HTMLResponse)
def close(request: Request, alert_id: UUID, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.ALERT)
    reason = who.form.get("reason", "")
    return _step(request, session, who, str(alert_id), "close",
                 lambda _: lifecycle.close(session, who.actor, str(alert_id), reason),
                 N_("Alert closed."))  # fmt: skip


@router.post("/alerts/{alert_id:uuid}/acknowledge", response_class=HTMLResponse)
def acknowledge(request: Request, alert_id: UUID, session: SessionDep, who: PostedForm) -> Response:
    # No role check here: the owner and the people on the chain may, whatever their role, and
    # the service refuses anyone else with 403.
    return _step(request, session, who, str(alert_id), "acknowledge",
                 lambda _: lifecycle.acknowledge(session, who.actor, str(alert_id)),
                 N_("Acknowledged: escalation stops."))  # fmt: skip


def as_utc(value: str) -> str:
    """A datetime-local box gives no zone: the form says its times are UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value  # the schema names the problem
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).isoformat()


@router.post("/alerts/{alert_id:uuid}/actions", response_class=HTMLResponse)
def record_action(
    request: Request, alert_id: UUID, session: SessionDep, who: PostedForm
) -> Response:
    who.require(Permission.ALERT)

    def run(state: FormState) -> None:
        given = blank_to_none({k: who.form.get(k, "") for k in ("kind", "note", "taken_at")})
        given["note"] = given["note"] or ""
        if given["taken_at"]:
            given["taken_at"] = as_utc(given["taken_at"])
        data = validate(ActionIn, given, state)
        if data is not None:
            lifecycle.record_action(session, who.actor, str(alert_id), data)

    return _step(request, session, who, str(alert_id), "action", run,
                 N_("Action recorded."))  # fmt: skip
