"""Alerts in their public shapes: a summary for lists and the feed, the whole record for one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.alerts import links, timings
from tocsin.alerts.models import Alert, AlertAction, AlertChange
from tocsin.alerts.schemas import (
    ActionPublic,
    AlertPublic,
    AlertSummary,
    ChangePublic,
    RecipientPublic,
)
from tocsin.alerts.vocab import AlertState
from tocsin.core.access import Actor
from tocsin.core.models import User
from tocsin.core.tlp import TLP

# States in which a version of the alert has gone out as a CAP message.
SENT_STATES = (AlertState.ISSUED.value, AlertState.UPDATED.value, AlertState.CANCELLED.value)


def msg_type(alert: Alert) -> str | None:
    """The CAP msgType of the alert's current version; None if it was never issued."""
    if alert.issued_at is None:
        return None
    if alert.state == AlertState.CANCELLED:
        return "Cancel"
    return "Alert" if alert.version == 1 else "Update"


def sent_times(session: Session, alerts: Iterable[Alert]) -> dict[str, datetime]:
    """When each alert's current version went out (from its history, in one query)."""
    rows = list(alerts)
    if not rows:
        return {}
    versions = {a.id: a.version for a in rows}
    found = session.execute(
        select(AlertChange.alert_id, AlertChange.version, func.min(AlertChange.at))
        .where(AlertChange.alert_id.in_(list(versions)), AlertChange.to_state.in_(SENT_STATES))
        .group_by(AlertChange.alert_id, AlertChange.version)
    )  # fmt: skip
    return {aid: at for aid, version, at in found if versions[aid] == version}


def summary(alert: Alert, sent_at: datetime | None) -> AlertSummary:
    return AlertSummary(**_summary_fields(alert, sent_at))


def _summary_fields(alert: Alert, sent_at: datetime | None) -> dict[str, object]:
    return dict(
        id=alert.id, identifier=alert.identifier, version=alert.version, state=alert.state,
        msg_type=msg_type(alert), title=alert.title, severity=alert.severity,
        urgency=alert.urgency, certainty=alert.certainty, category=alert.category,
        language=alert.language, country=alert.country, admin_area=alert.admin_area,
        tlp=TLP(alert.tlp).label, owner_id=alert.owner_id, issued_at=alert.issued_at,
        sent_at=sent_at, ack_deadline=alert.ack_deadline, act_deadline=alert.act_deadline,
        acknowledged_at=alert.acknowledged_at, first_action_at=alert.first_action_at,
        timings=timings.of(alert), created_by=alert.created_by, created_at=alert.created_at,
    )  # fmt: skip


def summaries(session: Session, rows: list[Alert]) -> list[AlertSummary]:
    sent = sent_times(session, rows)
    return [summary(a, sent.get(a.id)) for a in rows]


def history(session: Session, alert_id: str) -> list[ChangePublic]:
    rows = session.scalars(
        select(AlertChange)
        .where(AlertChange.alert_id == alert_id)
        .order_by(AlertChange.at, AlertChange.id)
    )
    return [
        ChangePublic(
            from_state=c.from_state, to_state=c.to_state, version=c.version, by=c.by, at=c.at,
            reason=c.reason, event=str((c.detail or {}).get("event") or c.to_state),
        )
        for c in rows
    ]  # fmt: skip


def actions(session: Session, alert_id: str) -> list[ActionPublic]:
    rows = session.scalars(
        select(AlertAction)
        .where(AlertAction.alert_id == alert_id)
        .order_by(AlertAction.taken_at, AlertAction.id)
    )
    return [
        ActionPublic(id=a.id, kind=a.kind, note=a.note, taken_at=a.taken_at, taken_by=a.taken_by)
        for a in rows
    ]


def recipients(session: Session, user_ids: list[str]) -> list[RecipientPublic]:
    if not user_ids:
        return []
    emails = dict(session.execute(select(User.id, User.email).where(User.id.in_(user_ids))).all())
    return [RecipientPublic(id=u, email=emails[u]) for u in user_ids if u in emails]


def public(session: Session, actor: Actor, alert: Alert) -> AlertPublic:
    """The whole alert as ``actor`` may see it (the caller has checked that they may)."""
    changes = history(session, alert.id)
    sent = [c.at for c in changes if c.version == alert.version and c.to_state in SENT_STATES]
    return AlertPublic(
        **_summary_fields(alert, min(sent) if sent else None),
        description=alert.description, instruction=alert.instruction,
        polygon=[(p[0], p[1]) for p in alert.polygon] if alert.polygon else None,
        source=alert.source, rule_id=alert.rule_id,
        escalation_chain_id=alert.escalation_chain_id,
        escalation_level=alert.escalation_level, acknowledged_by=alert.acknowledged_by,
        first_report_at=alert.first_report_at, closed_at=alert.closed_at,
        expires_at=alert.expires_at, references=list(alert.references or []),
        recipients=recipients(session, list(alert.recipients or [])),
        links=links.public(session, actor, alert.id), actions=actions(session, alert.id),
        history=changes, updated_at=alert.updated_at,
    )  # fmt: skip
