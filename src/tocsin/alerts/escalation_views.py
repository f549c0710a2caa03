"""What the pages read about escalation: an alert's escalation record, where it stands on its
response clock, and the live alerts that are overdue (to acknowledge, or to act).

``escalation_history`` and ``escalation_status`` take an alert id the caller has already shown
the reader (the alert page loads it through the visibility check); ``overdue`` applies the
visibility check itself, as any list of alerts does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from tocsin.alerts.escalation_models import AlertEscalation
from tocsin.alerts.escalation_schemas import (
    EscalationPublic,
    EscalationStatus,
    OverdueAlert,
    SkippedPublic,
)
from tocsin.alerts.models import Alert, EscalationChain
from tocsin.alerts.visibility import audit_rows, visible_query
from tocsin.alerts.vocab import AlertState
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import NotFound

LIVE = (AlertState.ISSUED.value, AlertState.UPDATED.value)
MAX_OVERDUE = 500


def escalation_history(session: Session, alert_id: str) -> list[EscalationPublic]:
    """Every move of the escalation clock on this alert, oldest first."""
    rows = session.scalars(
        select(AlertEscalation)
        .where(AlertEscalation.alert_id == alert_id)
        .order_by(AlertEscalation.level)
    )
    return [
        EscalationPublic(
            level=r.level, kind=r.kind, at=r.at, chain_id=r.chain_id, notified=list(r.notified),
            skipped=[SkippedPublic(**s) for s in r.skipped or []],
            missed_deadline=r.missed_deadline, next_deadline=r.next_deadline, reason=r.reason,
        )
        for r in rows
    ]  # fmt: skip


def _steps(session: Session, chain_ids: set[str]) -> dict[str, int]:
    if not chain_ids:
        return {}
    rows = session.execute(select(EscalationChain.id, EscalationChain.steps)
                           .where(EscalationChain.id.in_(chain_ids)))  # fmt: skip
    return {chain_id: len(steps or []) for chain_id, steps in rows}


def _status(alert: Alert, steps: int, now: datetime) -> EscalationStatus:
    live = alert.state in LIVE
    ack, act = alert.ack_deadline, alert.act_deadline
    return EscalationStatus(
        alert_id=alert.id, chain_id=alert.escalation_chain_id, level=alert.escalation_level,
        steps=steps, exhausted_at=alert.escalation_exhausted_at, ack_deadline=ack,
        act_deadline=act,
        overdue_ack=live and alert.acknowledged_at is None and ack is not None and ack < now,
        overdue_act=live and alert.first_action_at is None and act is not None and act < now,
    )  # fmt: skip


def escalation_status(session: Session, alert_id: str, now: datetime | None = None
                      ) -> EscalationStatus:  # fmt: skip
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound("no such alert")
    chain_id = alert.escalation_chain_id or ""
    steps = _steps(session, {chain_id} if chain_id else set())
    return _status(alert, steps.get(chain_id, 0), now or utcnow())


def overdue(session: Session, actor: Actor, now: datetime | None = None) -> list[OverdueAlert]:
    """Live alerts the actor may see that nobody acknowledged by the deadline, or on which
    nothing was done by the deadline to act; the longest overdue first (the deadline to
    acknowledge never comes after the one to act)."""
    now = now or utcnow()
    late_ack = and_(Alert.acknowledged_at.is_(None), Alert.ack_deadline < now)
    late_act = and_(Alert.first_action_at.is_(None), Alert.act_deadline < now)
    rows = list(session.scalars(
        visible_query(actor).where(Alert.state.in_(LIVE), or_(late_ack, late_act))
        .order_by(Alert.ack_deadline, Alert.id).limit(MAX_OVERDUE)
    ))  # fmt: skip
    audit_rows(session, actor, rows)
    steps = _steps(session, {a.escalation_chain_id for a in rows if a.escalation_chain_id})
    return [
        OverdueAlert(**_status(a, steps.get(a.escalation_chain_id or "", 0), now).model_dump(),
                     title=a.title, severity=a.severity, state=a.state, owner_id=a.owner_id)
        for a in rows
    ]  # fmt: skip
