"""An alert's life after the draft: issue, update, cancel, close; acknowledge and act.

    draft --issue--> issued --update--> updated --update--> updated ...
    issued | updated --cancel--> cancelled          (a CAP Cancel goes out)
    draft | issued | updated --close--> closed      (nothing goes out; a draft is discarded)

Each version that goes out (issue, update, cancel) gets the next ``version`` and a row in
``alert_changes`` in the same transaction; the delivery outbox finds it there. ``references``
lists every earlier version as "identifier,version,sent". Text that leaves the system is checked
for protected names first (``protection``). Acknowledgements and actions change no state: they
are kept on the alert and in ``alert_actions``, and audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.alerts import fields, links, protection, timings, views
from tocsin.alerts.cap_map import cap_time
from tocsin.alerts.models import Alert, AlertAction, AlertChange, EscalationChain
from tocsin.alerts.schemas import ActionIn, AlertPublic, AlertRevise, IssueIn
from tocsin.alerts.visibility import KIND, load, may_see
from tocsin.alerts.vocab import AlertState
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.auth import actor_for
from tocsin.core.clock import utcnow
from tocsin.core.errors import Conflict, Forbidden, ValidationFailed
from tocsin.core.models import User
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP

LIVE = (AlertState.ISSUED, AlertState.UPDATED)
CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock a little ahead is not "in the future"


def issue(session: Session, actor: Actor, alert_id: str, data: IssueIn) -> AlertPublic:
    actor.require(Permission.ALERT)
    alert = _in_state(session, actor, alert_id, (AlertState.DRAFT,), "issued")
    _ready_to_send(session, alert)
    now = utcnow()
    alert.owner_id = _owner(session, alert, data.owner_id or actor.user_id)
    if data.escalation_chain_id is not None:
        if session.get(EscalationChain, data.escalation_chain_id) is None:
            raise ValidationFailed.on("escalation_chain_id", "no such escalation chain")
        alert.escalation_chain_id = data.escalation_chain_id
    ack, act = timings.deadlines(alert.urgency, now, data.ack_minutes, data.act_minutes)
    if act < ack:
        if data.act_minutes is not None:
            raise ValidationFailed.on("act_minutes", "the deadline to act comes before the "
                                      "deadline to acknowledge")  # fmt: skip
        act = ack
    alert.ack_deadline, alert.act_deadline = ack, act
    alert.first_report_at = links.first_report_at(session, alert.id)
    alert.issued_at, alert.version = now, 1
    return _move(session, actor, alert, AlertState.ISSUED, now, None)


def update(session: Session, actor: Actor, alert_id: str, data: AlertRevise) -> AlertPublic:
    """A new version of an issued alert (CAP msgType Update, referencing the earlier ones)."""
    actor.require(Permission.ALERT)
    alert = _in_state(session, actor, alert_id, LIVE, "updated")
    changed = fields.apply(session, actor, alert, data)
    if not changed:
        raise ValidationFailed.on("body", "nothing changed: an update must change the alert")
    _ready_to_send(session, alert)
    now = utcnow()
    if "links" in changed:
        alert.first_report_at = links.first_report_at(session, alert.id)
    _next_version(session, alert)
    return _move(session, actor, alert, AlertState.UPDATED, now, data.reason or None,
                 {"fields": sorted(changed)})  # fmt: skip


def cancel(session: Session, actor: Actor, alert_id: str, reason: str) -> AlertPublic:
    """Withdraw an issued alert: a CAP Cancel goes to everyone who had it."""
    actor.require(Permission.ALERT)
    alert = _in_state(session, actor, alert_id, LIVE, "cancelled")
    if not reason.strip():
        raise ValidationFailed.on("reason", "say why the alert is withdrawn; recipients see it")
    _ready_to_send(session, alert)
    _next_version(session, alert)
    return _move(session, actor, alert, AlertState.CANCELLED, utcnow(), reason.strip())


def close(session: Session, actor: Actor, alert_id: str, reason: str) -> AlertPublic:
    """The response is over (or the draft is dropped). Nothing is sent."""
    actor.require(Permission.ALERT)
    alert = _in_state(session, actor, alert_id, (AlertState.DRAFT, *LIVE), "closed")
    now = utcnow()
    alert.closed_at = now
    return _move(session, actor, alert, AlertState.CLOSED, now, reason.strip() or None)


def acknowledge(session: Session, actor: Actor, alert_id: str) -> AlertPublic:
    """Its owner, or someone on its escalation chain, takes it on: escalation stops."""
    alert = _in_state(session, actor, alert_id, LIVE, "acknowledged")
    if actor.user_id != alert.owner_id and actor.user_id not in _chain_members(session, alert):
        raise Forbidden("only the alert's owner or a person on its escalation chain may "
                        "acknowledge it")  # fmt: skip
    if alert.acknowledged_at is not None:
        raise Conflict("this alert was already acknowledged")
    alert.acknowledged_at, alert.acknowledged_by = utcnow(), actor.user_id
    audit.record(session, actor, audit.Action.STATUS, KIND, alert.id, {"event": "acknowledged"})
    session.flush()
    return views.public(session, actor, alert)


def record_action(session: Session, actor: Actor, alert_id: str, data: ActionIn) -> AlertPublic:
    """Log something done in response; the first one stops the clock of "issue to action"."""
    actor.require(Permission.ALERT)
    alert = _in_state(session, actor, alert_id, (*LIVE, AlertState.CANCELLED, AlertState.CLOSED),
                      "acted on")  # fmt: skip
    now = utcnow()
    taken = data.taken_at or now
    if taken > now + CLOCK_SKEW:
        raise ValidationFailed.on("taken_at", "is in the future")
    if alert.issued_at is None:  # a draft that was closed
        raise Conflict("this alert was never issued")
    if taken < alert.issued_at:
        raise ValidationFailed.on("taken_at", "is before the alert was issued; steps taken "
                                  "earlier belong in its description")  # fmt: skip
    session.add(AlertAction(alert_id=alert.id, kind=data.kind.value, note=data.note.strip(),
                            taken_at=taken, taken_by=actor.user_id, created_at=now))  # fmt: skip
    if alert.first_action_at is None or taken < alert.first_action_at:
        alert.first_action_at = taken
    audit.record(session, actor, audit.Action.UPDATE, KIND, alert.id,
                 {"event": "action", "kind": data.kind.value})  # fmt: skip
    session.flush()
    return views.public(session, actor, alert)


def _in_state(
    session: Session, actor: Actor, alert_id: str, states: tuple[AlertState, ...], verb: str
) -> Alert:
    alert = load(session, actor, alert_id, for_update=True)
    if alert.state not in states:
        allowed = " or ".join(s.value for s in states)
        raise Conflict(f"only an alert that is {allowed} can be {verb}; this one is {alert.state}")
    return alert


def _ready_to_send(session: Session, alert: Alert) -> None:
    """What every outgoing version must satisfy."""
    if alert.tlp == TLP.RED and not alert.recipients:
        raise ValidationFailed.on("recipients", "a TLP:RED alert goes only to named people: "
                                  "name at least one recipient")  # fmt: skip
    fields.check_recipients(session, list(alert.recipients or []))
    protection.check_alert(session, alert)


def _owner(session: Session, alert: Alert, user_id: str) -> str:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise ValidationFailed.on("owner_id", f"no active user with id {user_id!r}")
    if not may_see(actor_for(user), alert):
        raise ValidationFailed.on("owner_id", "the owner must be cleared to see the alert, or "
                                  "be one of its named recipients")  # fmt: skip
    return user.id


def _chain_members(session: Session, alert: Alert) -> set[str]:
    chain = session.get(EscalationChain, alert.escalation_chain_id or "")
    if chain is None:
        return set()
    return {str(u) for step in chain.steps or [] for u in step.get("user_ids", [])}


def _next_version(session: Session, alert: Alert) -> None:
    sent = session.scalar(
        select(func.min(AlertChange.at)).where(
            AlertChange.alert_id == alert.id,
            AlertChange.version == alert.version,
            AlertChange.to_state.in_(views.SENT_STATES),
        )
    )
    stamp = cap_time(sent or alert.issued_at or utcnow())
    alert.references = [*(alert.references or []), f"{alert.identifier},{alert.version},{stamp}"]
    alert.version += 1


def _move(
    session: Session,
    actor: Actor,
    alert: Alert,
    to: AlertState,
    at: datetime,
    reason: str | None,
    detail: dict[str, Any] | None = None,
) -> AlertPublic:
    before = alert.state
    alert.state, alert.updated_at = to.value, at
    session.add(AlertChange(alert_id=alert.id, from_state=before, to_state=to.value,
                            version=alert.version, by=actor.user_id, at=at, reason=reason,
                            detail={"event": to.value, **(detail or {})}))  # fmt: skip
    audit.record(session, actor, audit.Action.STATUS, KIND, alert.id,
                 {"from": before, "to": to.value, "version": alert.version})  # fmt: skip
    session.flush()
    return views.public(session, actor, alert)
