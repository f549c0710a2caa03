"""Claiming with a lease, on SQLite and PostgreSQL: no row to two workers at once, a dead
worker's rows come back, failures back off and end dead, successes are never forgotten."""

from __future__ import annotations

import random
import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from outbox_seed import issue, subscription
from sqlalchemy import select
from typer.testing import CliRunner

from tocsin.alerts import outbox
from tocsin.alerts.delivery_models import AlertDelivery
from tocsin.alerts.dispatch import dispatch
from tocsin.alerts.outbox import Outcome, RetryPolicy
from tocsin.cli_alerts import alerts_app
from tocsin.core.clock import utcnow
from tocsin.core.db import Database

POLICY = RetryPolicy(max_attempts=3, base_s=10)


def queue(db: Database, n: int, channel: str = "email") -> list[str]:
    with db.session() as s:
        for _ in range(n):
            subscription(s, channel=channel)
        issue(s)
        dispatch(s, utcnow(), base_url="https://t.example")
        return list(s.scalars(select(AlertDelivery.id)))


def row(db: Database, delivery_id: str) -> AlertDelivery:
    with db.session() as s:
        return s.get_one(AlertDelivery, delivery_id)


def test_a_claim_is_a_lease_and_a_lapsed_lease_is_claimed_again(db: Database) -> None:
    (only,) = queue(db, 1)
    now = utcnow()
    with db.session() as s:
        (got,) = outbox.claim(s, "w1", now, 10, lease_s=30)
    assert got.id == only and got.attempts == 1 and got.address.endswith("@example.org")
    assert got.payload["subject"].startswith("[TLP:GREEN]")
    with db.session() as s:
        assert outbox.claim(s, "w2", now + timedelta(seconds=29), 10, lease_s=30) == []
    with db.session() as s:  # w1 died: its lease runs out and w2 takes the row
        (again,) = outbox.claim(s, "w2", now + timedelta(seconds=31), 10, lease_s=30)
    assert again.id == only and again.attempts == 2
    assert (row(db, only).status, row(db, only).locked_by) == ("sending", "w2")


def test_workers_claiming_together_never_share_a_row(db: Database) -> None:
    ids = queue(db, 40)
    taken: dict[str, list[str]] = {}

    def work(name: str) -> None:
        mine = taken.setdefault(name, [])
        while True:
            with db.session() as s:
                got = outbox.claim(s, name, utcnow(), 3, lease_s=60)
            if not got:
                return
            mine += [c.id for c in got]

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [i for got in taken.values() for i in got]
    assert sorted(every) == sorted(ids)  # all claimed, none twice


def test_skip_locked_passes_over_rows_another_worker_is_claiming(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite has one writer at a time: the second claim waits instead")
    queue(db, 4)
    with db.sessions() as first:
        held = outbox.claim(first, "w1", utcnow(), 2, lease_s=60)  # not committed yet
        with db.session() as second:
            other = outbox.claim(second, "w2", utcnow(), 10, lease_s=60)
        assert len(held) == 2 and len(other) == 2
        assert {c.id for c in held}.isdisjoint(c.id for c in other)
        first.commit()


def test_failures_back_off_then_go_dead(db: Database) -> None:
    (only,) = queue(db, 1, "webhook")
    now = utcnow()
    rng = random.Random(1)
    for attempt in (1, 2):
        with db.session() as s:
            (got,) = outbox.claim(s, "w", now, 1, lease_s=60)
        with db.session() as s:
            counts = outbox.record(s, "w", [Outcome(got.id, got.attempts, False, now, "HTTP 503")],
                                   POLICY, rng)  # fmt: skip
        assert counts["retrying"] == 1
        saved = row(db, only)
        wait = (saved.next_attempt_at - now).total_seconds()
        step = 10 * 2 ** (attempt - 1)
        assert step / 2 <= wait <= step and saved.status == "retrying"
        assert saved.last_error == "HTTP 503" and saved.locked_by is None
        with db.session() as s:
            assert outbox.claim(s, "w", now, 1, lease_s=60) == []  # not due yet
        now = saved.next_attempt_at
    with db.session() as s:
        (got,) = outbox.claim(s, "w", now, 1, lease_s=60)
    with db.session() as s:
        outbox.record(s, "w", [Outcome(got.id, got.attempts, False, now, "timed out")], POLICY)
    assert (row(db, only).status, row(db, only).attempts) == ("dead", 3)
    with db.session() as s:
        assert outbox.requeue_dead(s, now) == 1
    assert (row(db, only).status, row(db, only).attempts) == ("pending", 0)


def test_a_success_counts_whoever_holds_the_row_a_failure_only_for_its_holder(
    db: Database,
) -> None:
    a, b = queue(db, 2)
    now = utcnow()
    with db.session() as s:
        outbox.claim(s, "old", now, 2, lease_s=1)
    with db.session() as s:  # the old worker was slow; a new one took both rows
        outbox.claim(s, "new", now + timedelta(seconds=2), 2, lease_s=60)
    with db.session() as s:
        outbox.record(s, "old", [Outcome(a, 1, True, now), Outcome(b, 1, False, now, "late")],
                      POLICY)  # fmt: skip
    assert row(db, a).status == "delivered" and row(db, a).delivered_at is not None
    assert (row(db, b).status, row(db, b).locked_by) == ("sending", "new")


def test_a_released_row_is_due_again_without_losing_an_attempt(db: Database) -> None:
    (only,) = queue(db, 1)
    now = utcnow()
    with db.session() as s:
        outbox.claim(s, "w", now, 1, lease_s=60)
    with db.session() as s:
        outbox.release(s, "w", [only], now)
    saved = row(db, only)
    assert (saved.status, saved.attempts, saved.locked_by) == ("retrying", 0, None)
    with db.session() as s:
        assert outbox.summary(s)["retrying"] == 1 and outbox.due_count(s, now) == 1


def test_backoff_doubles_with_jitter_and_stops_at_the_cap() -> None:
    policy = RetryPolicy(max_attempts=20, base_s=30, cap_s=3600)
    rng = random.Random(7)
    for attempts in range(1, 15):
        step = min(3600, 30 * 2 ** (attempts - 1))
        delays = {policy.delay(attempts, rng) for _ in range(20)}
        assert all(step / 2 <= d <= step for d in delays)
        assert len(delays) > 1  # jittered


def test_the_outbox_commands_count_and_requeue(db: Database, cli_env: Any) -> None:
    (only,) = queue(db, 1)
    with db.session() as s:
        (got,) = outbox.claim(s, "w", utcnow(), 1, lease_s=60)
        outbox.record(s, "w", [Outcome(got.id, 3, False, utcnow(), "refused")], POLICY)
    runner = CliRunner()
    shown = runner.invoke(alerts_app, ["outbox"])
    assert shown.exit_code == 0, shown.output
    assert re.search(r"dead\s+1", shown.output) and re.search(r"pending\s+0", shown.output)
    again = runner.invoke(alerts_app, ["retry-dead"])
    assert again.exit_code == 0 and "1 dead deliveries are due again" in again.output
    assert (row(db, only).status, row(db, only).attempts) == ("pending", 0)
