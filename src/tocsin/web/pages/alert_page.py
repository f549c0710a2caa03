"""One alert: its text and scales, owner and deadlines, the response clock, the timeline, the
records behind it (those the reader may see), how its deliveries went, its CAP documents, and
the steps the reader may take. The steps' routes are in alert_steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tocsin.alerts import page_views, service
from tocsin.alerts.inbox import LIVE
from tocsin.alerts.schemas import AlertPublic
from tocsin.alerts.timings import DEFAULT_DEADLINES
from tocsin.alerts.vocab import AlertState, Urgency
from tocsin.api.deps import SessionDep
from tocsin.core.clock import utcnow
from tocsin.core.roles import Permission
from tocsin.crosscheck.review_views import deciders
from tocsin.web.forms import FormState
from tocsin.web.i18n import N_
from tocsin.web.pages import alert_clock
from tocsin.web.pages.alert_timeline import people_in, timeline
from tocsin.web.pages.alert_words import ACTIONS, choices, words
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer, Viewer

router = APIRouter(include_in_schema=False)
STEPS = ("issue", "cancel", "close", "acknowledge", "action")


@dataclass(frozen=True)
class Allowed:
    """What the page offers; the services decide again when asked."""

    edit: bool
    issue: bool
    update: bool
    cancel: bool
    close: bool
    acknowledge: bool
    act: bool

    @property
    def anything(self) -> bool:
        return any((self.edit, self.issue, self.update, self.cancel, self.close,
                    self.acknowledge, self.act))  # fmt: skip


def allowed(session: Session, who: Viewer, a: AlertPublic) -> Allowed:
    alerting = who.can(Permission.ALERT)
    draft, live = a.state == AlertState.DRAFT, a.state in LIVE
    me = who.actor.user_id
    answerable = me == a.owner_id or me in page_views.chain_members(session, a.escalation_chain_id)
    return Allowed(
        edit=alerting and draft,
        issue=alerting and draft,
        update=alerting and live,
        cancel=alerting and live,
        close=alerting and (draft or live),
        acknowledge=live and a.acknowledged_at is None and answerable,
        act=alerting and a.issued_at is not None and not draft,
    )


@dataclass(frozen=True)
class ClockLine:
    label: str
    seconds: float | None
    from_report: bool = False  # starts at the first report: none without a linked event or act


def clock(a: AlertPublic) -> list[ClockLine]:
    t = a.timings
    return [
        ClockLine(N_("From first report to issue"), t.report_to_issue_s, from_report=True),
        ClockLine(N_("From issue to acknowledgement"), t.issue_to_ack_s),
        ClockLine(N_("From issue to first action"), t.issue_to_action_s),
        ClockLine(N_("From first report to first action"), t.report_to_action_s, True),
    ]


def _default_deadlines(urgency: str, lang: str) -> tuple[str, str]:
    """The delays the issue form falls back on, in words."""
    ack, act = DEFAULT_DEADLINES.get(Urgency(urgency), DEFAULT_DEADLINES[Urgency.UNKNOWN])
    as_words = [alert_clock.duration(timedelta(minutes=m).total_seconds(), lang)
                for m in (ack, act)]  # fmt: skip
    return as_words[0], as_words[1]


def _issue_context(session: Session, who: Viewer, a: AlertPublic) -> dict[str, Any]:
    return {
        "owner_choices": page_views.owner_choices(session, who.actor, a.id),
        "chain_choices": page_views.chain_choices(session, who.actor),
        "default_deadlines": _default_deadlines(a.urgency, who.lang),
    }


def show(
    request: Request,
    session: Session,
    who: Viewer,
    alert_id: str,
    status: int = 200,
    action: str = "",
    action_form: FormState | None = None,
) -> Response:
    a = service.get_alert(session, who.actor, alert_id)
    moments = timeline(session, a)
    may = allowed(session, who, a)
    forms = {step: FormState() for step in STEPS}
    forms["issue"] = FormState(values={"owner_id": who.actor.user_id})
    if action and action_form is not None:
        forms[action] = action_form
    ids = [a.owner_id, a.created_by, a.acknowledged_by, *people_in(moments)]
    return render(
        request, "alerts/page.html", who, status,
        **words(),
        a=a,
        now=utcnow(),
        live=LIVE,
        moments=moments,
        names=deciders(session, who.actor, ids),
        chain=page_views.chain_name(session, a.escalation_chain_id),
        linked=page_views.linked_titles(session, who.actor, a.links),
        delivery=page_views.deliveries(session, who.actor, a.id),
        clock=clock(a),
        may=may,
        forms=forms,
        action=action,
        action_choices=choices(ACTIONS, who._),
        **(_issue_context(session, who, a) if may.issue else {}),
    )  # fmt: skip


@router.get("/alerts/{alert_id:uuid}", response_class=HTMLResponse)
def alert_page(request: Request, alert_id: UUID, session: SessionDep, who: PageViewer) -> Response:
    return show(request, session, who, str(alert_id))
