"""The outbox: claiming due deliveries with a lease, and recording how each attempt went.

A claim sets ``status=sending``, ``locked_by`` and ``locked_until`` and counts the attempt, in
one short transaction. On PostgreSQL the due rows are picked with ``FOR UPDATE SKIP LOCKED``,
so workers never wait for each other; SQLite has one writer at a time, and the claiming UPDATE
repeats the "still due" test, so a row another worker took a moment earlier is left alone.
A worker that dies keeps nothing: once its lease runs out the row is due again, and the
idempotency key lets the receiver drop the second copy if the first had in fact arrived.
An escalation notice is a row like any other; its address is its person's account email.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from tocsin.alerts.delivery_models import AlertDelivery, AlertSubscription
from tocsin.alerts.vocab import DeliveryStatus
from tocsin.core import audit
from tocsin.core.models import User

MAX_BACKOFF_S = 6 * 3600
MAX_ERROR = 500
_D = AlertDelivery
_T: Table = AlertDelivery.__table__  # type: ignore[assignment]
_WAITING = (DeliveryStatus.PENDING.value, DeliveryStatus.RETRYING.value)


@dataclass(frozen=True)
class Claimed:
    """A delivery a worker holds: what to send, where, and the key the receiver sees."""

    id: str
    key: str
    channel: str
    attempts: int  # including this one
    payload: dict[str, Any]
    address: str
    secret: str | None
    subscription_id: str = ""  # empty for a notice to a person (no subscription)


@dataclass(frozen=True)
class Outcome:
    delivery_id: str
    attempts: int
    ok: bool
    at: datetime
    error: str = ""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base_s: float
    cap_s: float = MAX_BACKOFF_S

    def delay(self, attempts: int, rng: random.Random) -> float:
        """Exponential, with "equal jitter": half the step fixed, half random, so deliveries
        that failed together (an endpoint down) do not all come back in the same instant."""
        step = min(self.cap_s, self.base_s * 2 ** max(0, attempts - 1))
        return float(step / 2 + rng.uniform(0, step / 2))


def due(now: datetime) -> ColumnElement[bool]:
    """Waiting and due, or held by a worker whose lease has run out."""
    return or_(
        and_(_D.status.in_(_WAITING), _D.next_attempt_at <= now),
        and_(_D.status == DeliveryStatus.SENDING.value, _D.locked_until < now),
    )


def claim(
    session: Session, worker: str, now: datetime, limit: int, lease_s: float,
    channel: str | None = None, skip: Sequence[str] = (),
) -> list[Claimed]:  # fmt: skip
    """Take up to ``limit`` due deliveries for ``lease_s`` seconds (commit to hand them over),
    passing over those for the subscriptions in ``skip`` (their receiver is busy)."""
    if limit <= 0:
        return []
    postgres = session.get_bind().dialect.name == "postgresql"
    pick = select(_D.id).where(due(now))
    if channel:
        pick = pick.where(_D.channel == channel)
    if skip:  # NOT IN is never true for NULL: notices to people must not be skipped with it
        pick = pick.where(or_(_D.subscription_id.is_(None),
                              _D.subscription_id.not_in(list(skip))))  # fmt: skip
    pick = pick.order_by(_D.next_attempt_at, _D.id).limit(limit)
    if postgres:
        pick = pick.with_for_update(skip_locked=True)
    ids = list(session.scalars(pick))
    if not ids:
        return []
    take = update(_T).where(_T.c.id.in_(ids))
    if not postgres:
        take = take.where(due(now))  # the conditional UPDATE: only rows nobody took meanwhile
    take = take.values(
        status=DeliveryStatus.SENDING.value, locked_by=worker,
        locked_until=now + timedelta(seconds=lease_s), attempts=_T.c.attempts + 1,
    ).returning(_T.c.id)  # fmt: skip
    taken = list(session.execute(take).scalars())
    if not taken:
        return []
    s = AlertSubscription
    rows = session.execute(
        select(_D.id, _D.idempotency_key, _D.channel, _D.attempts, _D.payload,
               func.coalesce(s.address, User.email, ""), s.secret, func.coalesce(s.id, ""))
        .outerjoin(s, s.id == _D.subscription_id)
        .outerjoin(User, User.id == _D.recipient_user_id)
        .where(_D.id.in_(taken))
        .order_by(_D.next_attempt_at, _D.id)
    )  # fmt: skip
    return [Claimed(*row) for row in rows]


def record(
    session: Session, worker: str, outcomes: Sequence[Outcome], policy: RetryPolicy,
    rng: random.Random | None = None,
) -> dict[str, int]:  # fmt: skip
    """Mark sent rows delivered (whoever holds them: a success is never forgotten) and failed
    rows for a retry or, after the last attempt, dead (only if this worker still holds them)."""
    rng = rng or random.Random()  # noqa: S311 - jitter, not secrecy
    counts = {"delivered": 0, "retrying": 0, "dead": 0}
    sent = [{"did": o.delivery_id, "at": o.at} for o in outcomes if o.ok]
    if sent:
        session.execute(
            update(_T)
            .where(_T.c.id == bindparam("did"), _T.c.status != DeliveryStatus.DELIVERED.value)
            .values(status=DeliveryStatus.DELIVERED.value, delivered_at=bindparam("at"),
                    locked_by=None, locked_until=None, last_error=None),
            sent,
        )  # fmt: skip
        counts["delivered"] = len(sent)
    failed = []
    for o in outcomes:
        if o.ok:
            continue
        dead = o.attempts >= policy.max_attempts
        counts["dead" if dead else "retrying"] += 1
        failed.append({
            "did": o.delivery_id, "err": o.error[:MAX_ERROR],
            "st": (DeliveryStatus.DEAD if dead else DeliveryStatus.RETRYING).value,
            "nxt": o.at + timedelta(seconds=0 if dead else policy.delay(o.attempts, rng)),
        })  # fmt: skip
    if failed:
        session.execute(
            update(_T)
            .where(_T.c.id == bindparam("did"), _T.c.locked_by == worker,
                   _T.c.status == DeliveryStatus.SENDING.value)
            .values(status=bindparam("st"), next_attempt_at=bindparam("nxt"),
                    last_error=bindparam("err"), locked_by=None, locked_until=None),
            failed,
        )  # fmt: skip
    return counts


def release(session: Session, worker: str, ids: Sequence[str], now: datetime) -> None:
    """Hand back claimed rows unsent (the worker is stopping, or their endpoint is busy):
    due again at once, and the attempt not counted."""
    if not ids:
        return
    session.execute(
        update(_T)
        .where(_T.c.id.in_(list(ids)), _T.c.locked_by == worker,
               _T.c.status == DeliveryStatus.SENDING.value)
        .values(status=DeliveryStatus.RETRYING.value, attempts=_T.c.attempts - 1,
                next_attempt_at=now, locked_by=None, locked_until=None)
    )  # fmt: skip


def requeue_dead(session: Session, now: datetime, alert_id: str | None = None) -> int:
    """Give dead deliveries a fresh set of attempts (an endpoint is back after a long outage)."""
    stmt = update(_T).where(_T.c.status == DeliveryStatus.DEAD.value)
    if alert_id:
        stmt = stmt.where(_T.c.alert_id == alert_id)
    stmt = stmt.values(status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=now)
    n = int(session.execute(stmt).rowcount)  # type: ignore[attr-defined]
    audit.record(session, None, audit.Action.UPDATE, "alert_delivery", alert_id or "",
                 {"requeued_dead": n}, summary="dead deliveries given new attempts")  # fmt: skip
    return n


def summary(session: Session) -> dict[str, int]:
    """How many deliveries are in each state."""
    rows = session.execute(select(_D.status, func.count()).group_by(_D.status))
    found = {status: int(n) for status, n in rows}
    return {s.value: found.get(s.value, 0) for s in DeliveryStatus}


def due_count(session: Session, now: datetime) -> int:
    return int(session.scalar(select(func.count()).select_from(_D).where(due(now))) or 0)
