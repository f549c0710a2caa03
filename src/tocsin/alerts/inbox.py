"""The alert inbox: the alerts a person may see, in the order they need attention.

    1. live alerts nobody acknowledged by their deadline (the longest overdue first)
    2. other live alerts (those past their deadline to act first, then the most severe)
    3. drafts, newest first
    4. cancelled and closed alerts, most recently changed first

"Mine" is what a person answers for: the alerts they own, those whose escalation chain names
them, and their own drafts (a draft has no owner until it is issued). Visibility, filters and
the audit of protected reads are the list service's own (``service``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from tocsin.alerts import views
from tocsin.alerts.models import Alert, EscalationChain
from tocsin.alerts.schemas import AlertSummary
from tocsin.alerts.service import AlertFilters, filtered
from tocsin.alerts.visibility import audit_rows
from tocsin.alerts.vocab import AlertSource, AlertState, Severity
from tocsin.cases.records import paginate
from tocsin.cases.schemas import Page
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import ValidationFailed

LIVE = (AlertState.ISSUED.value, AlertState.UPDATED.value)


@dataclass
class InboxFilters(AlertFilters):
    source: str | None = None  # manual, rule or cap_import
    mine: bool = False


def chains_naming(session: Session, user_id: str) -> list[str]:
    """Ids of the escalation chains that call this person at any step. Chains are a short
    list of settings, so they are read whole rather than searched inside their JSON."""
    rows = session.execute(select(EscalationChain.id, EscalationChain.steps))
    return [
        chain_id
        for chain_id, steps in rows
        if any(user_id in (step.get("user_ids") or []) for step in steps or [])
    ]


def unacknowledged_overdue(now: datetime) -> ColumnElement[bool]:
    return and_(Alert.state.in_(LIVE), Alert.acknowledged_at.is_(None), Alert.ack_deadline < now)


def action_overdue(now: datetime) -> ColumnElement[bool]:
    return and_(Alert.state.in_(LIVE), Alert.first_action_at.is_(None), Alert.act_deadline < now)


def _attention(now: datetime) -> list[Any]:
    group = case(
        (unacknowledged_overdue(now), 0),
        (Alert.state.in_(LIVE), 1),
        (Alert.state == AlertState.DRAFT.value, 2),
        else_=3,
    )
    severity = case({s.value: s.rank for s in Severity}, value=Alert.severity, else_=0)
    return [
        group,
        case((group == 0, Alert.ack_deadline)).asc(),
        case((action_overdue(now), 0), else_=1),
        severity.desc(),
        func.coalesce(Alert.issued_at, Alert.created_at).desc(),
        Alert.updated_at.desc(),
        Alert.id.desc(),
    ]


def list_inbox(
    session: Session,
    actor: Actor,
    f: InboxFilters,
    page: int,
    page_size: int,
    now: datetime | None = None,
) -> Page[AlertSummary]:
    now = now or utcnow()
    q = filtered(actor, f).order_by(None)
    if f.source:
        sources = [s.value for s in AlertSource]
        if f.source not in sources:
            raise ValidationFailed.on("source", f"unknown source {f.source!r}; use one of "
                                                f"{', '.join(sources)}")  # fmt: skip
        q = q.where(Alert.source == f.source)
    if f.mine:
        mine = [
            Alert.owner_id == actor.user_id,
            and_(Alert.state == AlertState.DRAFT.value, Alert.created_by == actor.user_id),
        ]
        chains = chains_naming(session, actor.user_id)
        if chains:
            mine.append(Alert.escalation_chain_id.in_(chains))
        q = q.where(or_(*mine))
    rows, total, exact = paginate(session, q.order_by(*_attention(now)), page, page_size)
    audit_rows(session, actor, rows)
    return Page[AlertSummary](items=views.summaries(session, rows), total=total,
                              total_exact=exact, page=page, page_size=page_size)  # fmt: skip
