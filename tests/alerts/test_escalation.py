"""The escalation clock on SQLite and PostgreSQL: one step per missed deadline and never twice,
one notice per person of the step, the chain's end, acknowledgement stops it, people who could
not act are passed over, a protected name never leaves in a notice, two clocks at once move an
alert once, and the record is append-only."""

from __future__ import annotations

import itertools
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError
from tests.alerts.alert_kit import draft

from seeding import Seeder, add_user, cheap_hashing
from tocsin.alerts import lifecycle, outbox
from tocsin.alerts.chains import create_chain
from tocsin.alerts.delivery_models import AlertDelivery, AlertSubscription
from tocsin.alerts.dispatch import dispatch
from tocsin.alerts.escalation import (
    escalate_due,
    escalation_history,
    escalation_status,
    overdue,
)
from tocsin.alerts.escalation_models import AlertEscalation
from tocsin.alerts.escalation_schemas import ChainCreate, StepIn
from tocsin.alerts.models import Alert
from tocsin.alerts.schemas import ActionIn, IssueIn
from tocsin.cases import consent
from tocsin.cases.schemas import ConsentWithdrawIn, NameIn
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.models import AuditEntry, User
from tocsin.core.roles import Role

BASE = "https://ews.example.org"
_n = itertools.count(1)


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


@pytest.fixture
def boss(db: Database) -> Actor:
    return add_user(db, Role.COORDINATOR, "boss@esc.example.org")


def people(db: Database, *specs: tuple[Role, str]) -> list[Actor]:
    return [add_user(db, role, f"{name}@esc.example.org") for role, name in specs]


def chain(db: Database, boss: Actor, *steps: tuple[int, list[Actor]]) -> str:
    data = ChainCreate(name=f"Chain {next(_n)}", steps=[
        StepIn(after_minutes=minutes, user_ids=[p.user_id for p in who]) for minutes, who in steps
    ])  # fmt: skip
    with db.session() as s:
        return create_chain(s, boss, data).id


def issued(db: Database, actor: Actor, chain_id: str | None, ack_minutes: int = 5,
           **kw: Any) -> Alert:  # fmt: skip
    with db.session() as s:
        made = draft(s, actor, description="Seen by the school guard.", **kw)
        lifecycle.issue(s, actor, made.id, IssueIn(ack_minutes=ack_minutes,
                                                   escalation_chain_id=chain_id))  # fmt: skip
        alert = s.get_one(Alert, made.id)
        s.expunge(alert)
        return alert


def fresh(db: Database, alert_id: str) -> Alert:
    with db.session() as s:
        alert = s.get_one(Alert, alert_id)
        s.expunge(alert)
        return alert


def clock(db: Database, now: datetime) -> int:
    with db.session() as s:
        return escalate_due(s, now, BASE)


def notices(db: Database, alert_id: str) -> list[AlertDelivery]:
    with db.session() as s:
        return list(s.scalars(select(AlertDelivery).where(AlertDelivery.alert_id == alert_id,
                                                          AlertDelivery.purpose == "escalation")
                              .order_by(AlertDelivery.idempotency_key)))  # fmt: skip


def records(db: Database, alert_id: str) -> list[AlertEscalation]:
    with db.session() as s:
        return list(s.scalars(select(AlertEscalation).where(AlertEscalation.alert_id == alert_id)
                              .order_by(AlertEscalation.level)))  # fmt: skip


SECOND = timedelta(seconds=1)


def test_an_unacknowledged_alert_climbs_its_chain_once_per_deadline_to_its_end(
    db: Database, boss: Actor
) -> None:
    a1, a2, b1 = people(db, (Role.ANALYST, "a1"), (Role.COORDINATOR, "a2"), (Role.ANALYST, "b1"))
    chain_id = chain(db, boss, (10, [a1, a2]), (30, [b1]))
    alert = issued(db, boss, chain_id)
    assert alert.ack_deadline is not None
    assert clock(db, alert.ack_deadline - SECOND) == 0  # not yet due

    first = alert.ack_deadline + SECOND
    assert clock(db, first) == 1
    assert clock(db, first) == 0 and clock(db, first + timedelta(minutes=9)) == 0  # once
    now = fresh(db, alert.id)
    assert (now.escalation_level, now.ack_deadline) == (1, first + timedelta(minutes=10))
    sent = notices(db, alert.id)
    assert sorted(d.idempotency_key for d in sent) == sorted(
        f"{alert.identifier}:escalation:1:{p.user_id}" for p in (a1, a2))
    assert all(d.subscription_id is None and d.channel == "email" for d in sent)
    assert {d.recipient_user_id for d in sent} == {a1.user_id, a2.user_id}
    (one,) = records(db, alert.id)
    stamp = alert.ack_deadline.strftime("%Y-%m-%d %H:%M UTC")
    assert (one.level, one.kind, sorted(one.notified)) == (1, "escalated",
                                                           sorted([a1.user_id, a2.user_id]))
    assert one.reason == f"not acknowledged by {stamp}"
    assert one.missed_deadline == alert.ack_deadline

    second = first + timedelta(minutes=10) + SECOND
    assert clock(db, second) == 1 and clock(db, second) == 0
    assert fresh(db, alert.id).escalation_level == 2
    assert [d.recipient_user_id for d in notices(db, alert.id)].count(b1.user_id) == 1

    end = second + timedelta(minutes=30) + SECOND
    assert clock(db, end) == 1
    assert clock(db, end + timedelta(days=3)) == 0  # shown as run out, never looped
    last = fresh(db, alert.id)
    assert (last.escalation_level, last.escalation_exhausted_at) == (2, end)
    assert len(notices(db, alert.id)) == 3
    history = escalation_history_of(db, alert.id)
    assert [(h.level, h.kind, len(h.notified)) for h in history] == [
        (1, "escalated", 2), (2, "escalated", 1), (3, "exhausted", 0)]
    assert history[2].next_deadline is None and "no more steps" in history[2].reason
    with db.session() as s:
        status = escalation_status(s, alert.id, end + SECOND)
        audited = s.scalars(select(AuditEntry.detail).where(AuditEntry.entity_id == alert.id,
                                                            AuditEntry.user_id.is_(None))
                            .order_by(AuditEntry.at)).all()  # fmt: skip
    assert status.overdue_ack and status.exhausted_at == end and status.steps == 2
    assert [d["event"] for d in audited] == ["escalation_escalated", "escalation_escalated",
                                             "escalation_exhausted"]


def escalation_history_of(db: Database, alert_id: str) -> list[Any]:
    with db.session() as s:
        return list(escalation_history(s, alert_id))


def test_an_acknowledged_alert_never_escalates(db: Database, boss: Actor) -> None:
    a1, b1 = people(db, (Role.ANALYST, "a1"), (Role.ANALYST, "b1"))
    chain_id = chain(db, boss, (10, [a1]), (10, [b1]))
    early = issued(db, boss, chain_id)
    with db.session() as s:
        lifecycle.acknowledge(s, boss, early.id)  # the owner takes it on in time
    assert early.ack_deadline is not None
    assert clock(db, early.ack_deadline + timedelta(hours=5)) == 0
    late = issued(db, boss, chain_id)
    assert late.ack_deadline is not None
    assert clock(db, late.ack_deadline + SECOND) == 1
    with db.session() as s:  # the first step's analyst takes it on
        lifecycle.acknowledge(s, a1, late.id)
    assert clock(db, late.ack_deadline + timedelta(hours=5)) == 0
    assert records(db, early.id) == [] and len(records(db, late.id)) == 1
    assert notices(db, early.id) == []


def test_an_alert_without_a_chain_is_only_overdue(db: Database, boss: Actor) -> None:
    alert = issued(db, boss, None)
    assert alert.ack_deadline is not None
    assert clock(db, alert.ack_deadline + timedelta(hours=1)) == 0
    with db.session() as s:
        status = escalation_status(s, alert.id, alert.ack_deadline + SECOND)
    assert status.overdue_ack and not status.overdue_act and status.level == 0


def test_who_cannot_act_is_passed_over_and_an_empty_step_is_skipped(
    db: Database, boss: Actor
) -> None:
    gone, outsider, named = people(db, (Role.ANALYST, "gone"), (Role.ANALYST, "outsider"),
                                   (Role.COORDINATOR, "named"))  # fmt: skip
    chain_id = chain(db, boss, (10, [gone]), (20, [outsider, named]), (30, [boss]))
    with db.session() as s:  # the analyst's account is disabled after the chain was made
        s.execute(update(User).where(User.id == gone.user_id).values(active=False))
    # RED: only the people it names may see it; the analyst is not cleared for it either.
    alert = issued(db, boss, chain_id, tlp="RED", recipients=[boss.user_id, named.user_id])
    assert alert.ack_deadline is not None
    now = alert.ack_deadline + SECOND
    assert clock(db, now) == 1
    first, second = records(db, alert.id)
    assert (first.level, first.notified, first.skipped) == (
        1, [], [{"user_id": gone.user_id, "why": "inactive"}])
    assert "nobody on step 1 could be told" in first.reason
    assert (second.level, second.notified) == (2, [named.user_id])
    assert second.skipped == [{"user_id": outsider.user_id, "why": "not_cleared"}]
    assert [d.recipient_user_id for d in notices(db, alert.id)] == [named.user_id]
    assert fresh(db, alert.id).ack_deadline == now + timedelta(minutes=20)


def test_a_notice_carries_the_public_text_and_a_link_never_a_protected_name(
    db: Database, boss: Actor
) -> None:
    (watcher,) = people(db, (Role.ANALYST, "watcher"))
    with db.session() as s:  # the watcher reads French: the frame follows them
        s.execute(update(User).where(User.id == watcher.user_id).values(language="fr"))
    chain_id = chain(db, boss, (15, [watcher]))
    seed = Seeder(db, boss)
    person = seed.person("GREEN", names=[NameIn(value="Layla Hassan")])
    given = seed.consent("GREEN", person_id=person.id, share_with=["publication"])
    event = seed.event("GREEN")
    seed.act("GREEN", event_id=event.id, victim_person_id=person.id)
    plain = issued(db, boss, chain_id, title="Armed men near the clinic",
                   admin_area="Tawila", links={"event_ids": [event.id]})  # fmt: skip
    named = issued(db, boss, chain_id, title="Layla Hassan threatened at the market",
                   links={"event_ids": [event.id]})  # fmt: skip
    with db.session() as s:  # she withdraws her consent after the alert went out
        consent.withdraw(s, boss, given.id, ConsentWithdrawIn(reason="afraid"))
    assert plain.ack_deadline is not None and named.ack_deadline is not None
    assert clock(db, max(plain.ack_deadline, named.ack_deadline) + SECOND) == 2
    (shown,) = notices(db, plain.id)
    body = shown.payload["text"]
    assert shown.payload["subject"] == (
        "[TLP:GREEN] Escalade, étape 1 sur 1: Armed men near the clinic")
    assert "Armed men near the clinic" in body and "Tawila" in body
    assert f"{BASE}/alerts/{plain.id}" in body and shown.idempotency_key in body
    assert "Seen by the school guard" not in body  # the description stays in Tocsin
    assert "boss@esc.example.org" not in body and "Chain" not in body
    (hidden,) = notices(db, named.id)
    assert "Layla" not in hidden.payload["text"] and "Layla" not in hidden.payload["subject"]
    assert f"{BASE}/alerts/{named.id}" in hidden.payload["text"]
    assert "ne peut pas être envoyé" in hidden.payload["text"]


def test_escalation_notices_never_make_an_alert_version_look_dispatched(
    db: Database, boss: Actor
) -> None:
    (a1,) = people(db, (Role.ANALYST, "a1"))
    chain_id = chain(db, boss, (10, [a1]))
    alert = issued(db, boss, chain_id, tlp="GREEN")
    assert alert.ack_deadline is not None
    now = alert.ack_deadline + SECOND
    assert clock(db, now) == 1  # the notice is in the outbox before any subscriber's row
    with db.session() as s:
        s.add(AlertSubscription(name="Desk", channel="email", address="desk@example.org",
                                max_tlp=2, created_at=alert.issued_at))  # fmt: skip
        s.flush()
        assert dispatch(s, now, base_url=BASE) == 1
        kinds = s.execute(select(AlertDelivery.purpose, func.count())
                          .group_by(AlertDelivery.purpose)).all()  # fmt: skip
    assert dict(kinds) == {"alert": 1, "escalation": 1}


def test_a_notice_is_claimed_with_its_persons_address_even_past_busy_subscriptions(
    db: Database, boss: Actor
) -> None:
    (a1,) = people(db, (Role.ANALYST, "a1"))
    alert = issued(db, boss, chain(db, boss, (10, [a1])))
    assert alert.ack_deadline is not None
    now = alert.ack_deadline + SECOND
    clock(db, now)
    with db.session() as s:
        (got,) = outbox.claim(s, "w1", now, 10, lease_s=30, skip=["some-busy-subscription"])
    assert (got.address, got.subscription_id, got.channel) == ("a1@esc.example.org", "", "email")
    assert got.key == f"{alert.identifier}:escalation:1:{a1.user_id}"


def test_two_clocks_at_once_move_an_alert_once(db: Database, boss: Actor) -> None:
    team = people(db, *((Role.ANALYST, f"p{i}") for i in range(3)))
    chain_id = chain(db, boss, (10, team), (10, [boss]))
    alerts = [issued(db, boss, chain_id) for _ in range(6)]
    now = max(a.ack_deadline for a in alerts if a.ack_deadline) + SECOND
    moved: list[int] = []
    failed: list[BaseException] = []
    start = threading.Barrier(4)

    def turn() -> None:
        start.wait()
        try:
            moved.append(clock(db, now))
        except OperationalError:  # SQLite: the other clock held the database; nothing written
            moved.append(0)
        except Exception as exc:  # anything else is a bug, and must fail the test
            failed.append(exc)

    threads = [threading.Thread(target=turn) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failed == [] and sum(moved) == 6
    for alert in alerts:
        assert [r.level for r in records(db, alert.id)] == [1]
        keys = [d.idempotency_key for d in notices(db, alert.id)]
        assert len(keys) == len(set(keys)) == 3


def test_a_clock_passes_over_alerts_another_clock_holds(db: Database, boss: Actor) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite has one writer at a time: the second clock waits instead")
    alert = issued(db, boss, chain(db, boss, (10, [boss])))
    assert alert.ack_deadline is not None
    now = alert.ack_deadline + SECOND
    with db.sessions() as first:
        assert escalate_due(first, now, BASE) == 1  # not committed yet: the row stays locked
        assert clock(db, now) == 0
        first.commit()
    assert clock(db, now) == 0 and len(records(db, alert.id)) == 1


def test_the_escalation_record_refuses_update_and_delete(db: Database, boss: Actor) -> None:
    alert = issued(db, boss, chain(db, boss, (10, [boss])))
    assert alert.ack_deadline is not None
    clock(db, alert.ack_deadline + SECOND)
    for sql in ("UPDATE alert_escalations SET reason = 'rewritten'",
                "DELETE FROM alert_escalations"):  # fmt: skip
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(sql))
    assert [r.reason.startswith("not acknowledged by") for r in records(db, alert.id)] == [True]


def test_overdue_lists_the_late_to_acknowledge_and_to_act_within_clearance(
    db: Database, boss: Actor
) -> None:
    (partner,) = people(db, (Role.PARTNER_VIEWER, "partner"))
    unheeded = issued(db, boss, None, ack_minutes=5, tlp="GREEN")
    idle = issued(db, boss, None, ack_minutes=5, tlp="GREEN")
    guarded = issued(db, boss, None, ack_minutes=5, tlp="AMBER")
    acted = issued(db, boss, None, ack_minutes=5, tlp="GREEN")
    with db.session() as s:
        lifecycle.acknowledge(s, boss, idle.id)  # taken on, but nothing done yet
        lifecycle.acknowledge(s, boss, acted.id)
        lifecycle.record_action(s, boss, acted.id, ActionIn(kind="urgent_appeal"))
    assert unheeded.act_deadline is not None and unheeded.ack_deadline is not None
    late = unheeded.act_deadline + timedelta(minutes=1)  # both deadlines passed for all four
    with db.session() as s:
        seen = {o.alert_id: o for o in overdue(s, boss, late)}
        partner_sees = {o.alert_id for o in overdue(s, partner, late)}
        early = overdue(s, boss, unheeded.ack_deadline - SECOND)
    assert set(seen) == {unheeded.id, idle.id, guarded.id}
    assert (seen[unheeded.id].overdue_ack, seen[unheeded.id].overdue_act) == (True, True)
    assert (seen[idle.id].overdue_ack, seen[idle.id].overdue_act) == (False, True)
    assert seen[unheeded.id].title == "Armed men gathering near the market"
    assert partner_sees == {unheeded.id, idle.id}  # the AMBER one is above a partner's clearance
    assert early == []
