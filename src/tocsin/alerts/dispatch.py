"""The dispatcher: from an issued, updated or cancelled alert version to one outbox row per
matching subscription, all in the caller's transaction.

It keeps no state of its own: an alert version is pending while the outbox holds no row for it
(for a cancellation, no cancellation row), so a crash between two runs loses nothing and a
second run, or a second dispatcher racing the first, adds nothing (the idempotency key is
unique and rows already there are skipped by the insert itself). A subscription receives the
versions sent after it was made, never the backlog from before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, defer

from tocsin.alerts.delivery_models import AlertDelivery, AlertSubscription, DeliveryPurpose
from tocsin.alerts.delivery_payload import render
from tocsin.alerts.email_text import primary
from tocsin.alerts.models import Alert, AlertChange
from tocsin.alerts.vocab import AlertState, DeliveryStatus, Severity
from tocsin.core.ids import new_id
from tocsin.core.models import User
from tocsin.core.roles import Role, clearance
from tocsin.core.settings import get_settings
from tocsin.core.tlp import TLP

SENT_STATES = (AlertState.ISSUED, AlertState.UPDATED, AlertState.CANCELLED)
CANCEL_MARK = ":cancel:"
KEY_MAX = 120  # the column's width
CHUNK = 200  # alerts, and rows per INSERT


def idempotency_key(identifier: str, version: int, subscription_id: str, cancel: bool) -> str:
    """``<identifier>:<version>:<subscription>``; a cancellation is a message of its own."""
    middle = f":{version}{CANCEL_MARK if cancel else ':'}{subscription_id}"
    if len(identifier) + len(middle) > KEY_MAX:  # a long imported CAP identifier
        identifier = "sha256-" + hashlib.sha256(identifier.encode()).hexdigest()[:40]
    return identifier + middle


def pending_query(since: datetime | None = None) -> Select[str]:
    """Alert versions the outbox has no row for; ``since`` narrows to recent changes.
    Escalation notices do not count: one sent before its version was dispatched must not make
    that version look done."""
    d = AlertDelivery
    done = exists().where(
        d.alert_id == Alert.id,
        d.alert_version == Alert.version,
        d.purpose == DeliveryPurpose.ALERT.value,
        or_(Alert.state != AlertState.CANCELLED, d.idempotency_key.like(f"%{CANCEL_MARK}%")),
    )
    q = select(Alert.id).where(Alert.state.in_([s.value for s in SENT_STATES]), ~done)
    if since is not None:
        q = q.where(Alert.updated_at >= since)
    return q.order_by(Alert.updated_at, Alert.id)


@dataclass(frozen=True)
class Audience:
    """An active subscription and the highest sharing level it may receive below RED: its own
    ceiling, lowered to its person's clearance (a demoted colleague stops receiving at once).
    ``red``: a person who opted in to RED (``max_tlp`` RED) receives the RED alerts that name
    them, as those alerts are theirs to see whatever their role."""

    subscription: AlertSubscription
    ceiling: int
    red: bool = False


def audience(session: Session) -> list[Audience]:
    subs = session.scalars(
        select(AlertSubscription)
        .options(defer(AlertSubscription.secret))  # no decryption until a send needs it
        .where(AlertSubscription.active.is_(True))
        .order_by(AlertSubscription.id)
    ).all()
    ids = {s.user_id for s in subs if s.user_id}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    out = []
    for sub in subs:
        ceiling = min(sub.max_tlp, int(TLP.AMBER_STRICT))
        if sub.user_id:
            user = users.get(sub.user_id)
            if user is None or not user.active:
                continue
            ceiling = min(ceiling, int(clearance(Role(user.role))))
        out.append(Audience(sub, ceiling, bool(sub.user_id) and sub.max_tlp >= TLP.RED))
    return out


def _rank(severity: str) -> int:
    try:
        return Severity(severity.lower()).rank
    except ValueError:
        return 0


def matches(alert: Alert, who: Audience, sent: datetime) -> bool:
    """Does this alert version go to this subscription? Empty filters mean "all"."""
    sub = who.subscription
    if sub.created_at > sent:
        return False
    if alert.tlp >= TLP.RED:  # RED goes only to the people the alert names
        if not who.red or sub.user_id not in (alert.recipients or []):
            return False
    elif alert.tlp > who.ceiling:
        return False
    if sub.countries and alert.country not in sub.countries:
        return False
    if sub.categories and alert.category not in sub.categories:
        return False
    if _rank(alert.severity) < _rank(sub.min_severity):
        return False
    wanted = {primary(lang) for lang in sub.languages}
    return not wanted or primary(alert.language) in wanted


def _sent_times(session: Session, alerts: Sequence[Alert]) -> dict[tuple[str, int, str], datetime]:
    c = AlertChange
    rows = session.execute(
        select(c.alert_id, c.version, c.to_state, func.max(c.at))
        .where(c.alert_id.in_([a.id for a in alerts]))
        .group_by(c.alert_id, c.version, c.to_state)
    )
    return {(a, v, s): at for a, v, s, at in rows}


def insert_new(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert, skipping any row whose key is already there (another dispatcher won the race):
    the database decides, so neither side fails and neither writes it twice."""
    table: Table = AlertDelivery.__table__  # type: ignore[assignment]
    make = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    created = 0
    for start in range(0, len(rows), CHUNK):
        stmt = make(table).values(rows[start : start + CHUNK])
        stmt = stmt.on_conflict_do_nothing(index_elements=["idempotency_key"])
        created += len(session.execute(stmt.returning(table.c.id)).all())
    return created


def _rows_for(alert: Alert, sent: datetime, people: list[Audience], now: datetime,
              base: str) -> list[dict[str, Any]]:  # fmt: skip
    cancel = alert.state == AlertState.CANCELLED
    rows = []
    for who in people:
        if not matches(alert, who, sent):
            continue
        sub = who.subscription
        key = idempotency_key(alert.identifier, alert.version, sub.id, cancel)
        payload = render(sub.channel, alert, sent, key, base, sub.name, list(sub.languages))
        rows.append({
            "id": new_id(), "alert_id": alert.id, "alert_version": alert.version,
            "subscription_id": sub.id, "channel": sub.channel, "idempotency_key": key,
            "status": DeliveryStatus.PENDING.value, "attempts": 0, "next_attempt_at": now,
            "payload": payload, "created_at": now, "enqueued_at": now,
        })  # fmt: skip
    return rows


def dispatch(
    session: Session, now: datetime, since: datetime | None = None, base_url: str | None = None
) -> int:
    """Enqueue every pending alert version for its audience; returns the rows created.
    ``since`` limits the search to alerts changed since then (the worker's quick pass)."""
    ids = list(session.scalars(pending_query(since)))
    if not ids:
        return 0
    base = (base_url or get_settings().public_url).rstrip("/")
    people = audience(session)
    created = 0
    for start in range(0, len(ids), CHUNK):
        alerts = session.scalars(select(Alert).where(Alert.id.in_(ids[start : start + CHUNK])))
        batch = list(alerts)
        times = _sent_times(session, batch)
        rows: list[dict[str, Any]] = []
        for alert in batch:
            if alert.state not in SENT_STATES:  # closed since the search: nothing to send
                continue
            sent = times.get((alert.id, alert.version, alert.state)) or alert.updated_at
            rows += _rows_for(alert, sent, people, now, base)
        created += insert_new(session, rows)
    return created
