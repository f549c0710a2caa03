"""The escalation clock: a live alert nobody acknowledged by its deadline calls the next step of
its escalation chain.

Each turn (``escalate_due``, run by the delivery worker) finds the issued or updated alerts that
are not acknowledged, whose deadline to acknowledge has passed and whose chain has not run out.
Each moves one step: ``escalation_level`` + 1, a new deadline (now + that step's minutes), an
append-only ``alert_escalations`` row saying whom it called and why, an audit entry, and one
notice per person of the step in the durable outbox (escalation_notice.py). Past the last step
the alert is marked ``escalation_exhausted_at`` and a row of kind ``exhausted`` says so: it stays
overdue, on the pages, and is not called around again.

People on a step who could not act on a notice (disabled, without the ALERT permission any more,
or not cleared to see this alert: a RED alert is seen only by those it names) are not told, and
the row says why. A step with nobody left to tell is passed at once to the next one.

Two clocks may run at once (two workers): on PostgreSQL the due alerts are taken with ``FOR
UPDATE SKIP LOCKED``; everywhere the alert is moved by a conditional UPDATE that repeats the
test (same level, still unacknowledged, still due), and ``(alert_id, level)`` is unique, so a
step is recorded, and its notices enqueued, once. Acknowledging takes the same row lock, so an
alert acknowledged a moment earlier is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session

from tocsin.alerts import escalation_notice
from tocsin.alerts.chains import may_alert
from tocsin.alerts.dispatch import insert_new
from tocsin.alerts.escalation_models import AlertEscalation, EscalationKind, SkipReason
from tocsin.alerts.escalation_views import escalation_history, escalation_status, overdue
from tocsin.alerts.models import Alert, EscalationChain
from tocsin.alerts.visibility import KIND, may_see
from tocsin.alerts.vocab import AlertState
from tocsin.core import audit
from tocsin.core.auth import actor_for
from tocsin.core.models import User
from tocsin.core.settings import get_settings

__all__ = ["due", "escalate_due", "escalation_history", "escalation_status", "overdue"]

LIVE = (AlertState.ISSUED.value, AlertState.UPDATED.value)
BATCH = 200  # alerts per turn; the rest wait for the next turn (a quarter of a minute later)


def due(now: datetime) -> ColumnElement[bool]:
    """Live, unacknowledged, past the deadline, with a chain that has not run out."""
    return and_(
        Alert.state.in_(LIVE),
        Alert.acknowledged_at.is_(None),
        Alert.ack_deadline <= now,
        Alert.escalation_chain_id.is_not(None),
        Alert.escalation_exhausted_at.is_(None),
    )


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


@dataclass
class Plan:
    """What one alert's turn will write: the rows of the steps passed or called, the people to
    tell, and where the alert ends up."""

    level: int
    deadline: datetime | None = None
    exhausted: bool = False
    people: list[User] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)


def _reachable(session: Session, alert: Alert, user_ids: list[str]
               ) -> tuple[list[User], list[dict[str, str]]]:  # fmt: skip
    ids = list(dict.fromkeys(str(u) for u in user_ids))
    found = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    people, skipped = [], []
    for user_id in ids:
        user = found.get(user_id)
        why = None
        if user is None:
            why = SkipReason.UNKNOWN
        elif not user.active:
            why = SkipReason.INACTIVE
        elif not may_alert(user):
            why = SkipReason.NO_PERMISSION
        elif not may_see(actor_for(user), alert):
            why = SkipReason.NOT_CLEARED
        if why is None and user is not None:
            people.append(user)
        else:
            skipped.append({"user_id": user_id, "why": str(why)})
    return people, skipped


def _plan(session: Session, alert: Alert, chain: EscalationChain | None, now: datetime) -> Plan:
    steps = list(chain.steps or []) if chain else []
    missed = alert.ack_deadline or now
    why = f"not acknowledged by {_when(missed)}"
    plan = Plan(alert.escalation_level)
    base = {"alert_id": alert.id, "chain_id": alert.escalation_chain_id,
            "missed_deadline": missed, "at": now}  # fmt: skip
    while plan.level < len(steps):
        step = steps[plan.level]
        plan.level += 1
        people, skipped = _reachable(session, alert, list(step.get("user_ids") or []))
        if people:
            plan.deadline = now + timedelta(minutes=int(step["after_minutes"]))
            plan.people = people
            plan.rows.append({**base, "level": plan.level, "kind": EscalationKind.ESCALATED,
                              "notified": [u.id for u in people], "skipped": skipped,
                              "next_deadline": plan.deadline, "reason": why})  # fmt: skip
            return plan
        plan.rows.append({**base, "level": plan.level, "kind": EscalationKind.ESCALATED,
                          "notified": [], "skipped": skipped, "next_deadline": None,
                          "reason": f"{why}; nobody on step {plan.level} could be told"})
    plan.exhausted = True
    end = "no escalation chain is left to call" if chain is None else "the chain has no more steps"
    plan.rows.append({**base, "level": plan.level + 1, "kind": EscalationKind.EXHAUSTED,
                      "notified": [], "skipped": [], "next_deadline": None,
                      "reason": f"{why}; {end}"})  # fmt: skip
    return plan


def _move(session: Session, alert: Alert, plan: Plan, now: datetime) -> bool:
    """The conditional UPDATE: true if this clock moved the alert, false if another clock or an
    acknowledgement got there first."""
    values: dict[str, Any] = {"escalation_level": plan.level, "updated_at": Alert.updated_at}
    if plan.deadline is not None:
        values["ack_deadline"] = plan.deadline
    if plan.exhausted:
        values["escalation_exhausted_at"] = now
    moved = session.execute(
        update(Alert)
        .where(Alert.id == alert.id, Alert.escalation_level == alert.escalation_level, due(now))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(moved.rowcount)  # type: ignore[attr-defined]


def _escalate(session: Session, alert: Alert, chain: EscalationChain | None, now: datetime,
              base: str) -> bool:  # fmt: skip
    plan = _plan(session, alert, chain, now)
    notices: list[dict[str, Any]] = []
    if plan.people and plan.deadline is not None:
        step = escalation_notice.Step(
            level=plan.level, steps=len(chain.steps or []) if chain else plan.level,
            missed=alert.ack_deadline or now, next_deadline=plan.deadline, base=base,
            show_text=escalation_notice.text_may_leave(session, alert),
        )  # fmt: skip
        notices = escalation_notice.outbox_rows(alert, step, plan.people, now)
    if not _move(session, alert, plan, now):
        return False
    session.add_all(AlertEscalation(**row) for row in plan.rows)
    session.flush()  # a racing clock's record of the same level fails here, before any notice
    insert_new(session, notices)
    for row in plan.rows:
        audit.record(session, None, audit.Action.STATUS, KIND, alert.id,
                     {"event": f"escalation_{row['kind']}", "level": row["level"],
                      "notified": row["notified"], "skipped": row["skipped"]},
                     summary=row["reason"])  # fmt: skip
    session.expire(alert)  # moved behind the ORM's back: read it afresh if asked again
    return True


def escalate_due(session: Session, now: datetime, base_url: str | None = None,
                 limit: int = BATCH) -> int:  # fmt: skip
    """Move every due alert one step along its chain; returns how many moved. Commit to hand
    the notices to the outbox (the worker does, one transaction per turn)."""
    pick = select(Alert).where(due(now)).order_by(Alert.ack_deadline, Alert.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    alerts = list(session.scalars(pick.execution_options(populate_existing=True)))
    if not alerts:
        return 0
    chain_ids = {a.escalation_chain_id for a in alerts if a.escalation_chain_id}
    chains = {c.id: c for c in session.scalars(
        select(EscalationChain).where(EscalationChain.id.in_(chain_ids)))}  # fmt: skip
    base = (base_url or get_settings().public_url).rstrip("/")
    moved = 0
    for alert in alerts:
        chain = chains.get(alert.escalation_chain_id or "")
        moved += _escalate(session, alert, chain, now, base)
    return moved
