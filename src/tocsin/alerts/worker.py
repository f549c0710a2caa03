"""The delivery worker: dispatch new alert versions, claim what is due, send it, record it.

Each channel sends from its own thread pool, every request has a timeout, and no receiver may
have more than half of a pool's threads (worker_lanes.py), so a webhook that hangs delays
neither email nor the other webhooks. Twice as many deliveries are claimed as there are
threads, so a thread that finishes finds the next one waiting. The loop wakes every ``poll``
seconds, or as soon as a batch of sends has finished; their outcomes are recorded in one
transaction (kept and tried again if the database is busy). A worker killed outright loses
nothing: what it had claimed is claimed again when the lease runs out.

The loop also runs the alert rules (worker_rules.py: at once when the data changed, else every
minute), whose issued alerts are dispatched on the next turn, and every
``alert_escalation_interval_s`` seconds the escalation clock
(alerts/escalation.py): unacknowledged alerts past their deadline call the next step of their
chain, whose notices join the outbox and leave with the next claim.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import socket
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Event

from sqlalchemy import select

from tocsin.alerts import outbox
from tocsin.alerts.channels import CHANNELS
from tocsin.alerts.delivery_models import AlertSubscription
from tocsin.alerts.dispatch import dispatch
from tocsin.alerts.escalation import escalate_due
from tocsin.alerts.outbox import Claimed, Outcome, RetryPolicy
from tocsin.alerts.sending import ConnectionCache, DeliveryFailed, SendConfig
from tocsin.alerts.worker_lanes import Lanes
from tocsin.alerts.worker_rules import RuleClock
from tocsin.core.clock import utcnow
from tocsin.core.db import Database
from tocsin.core.settings import Settings

log = logging.getLogger(__name__)
FULL_SCAN_S = 60.0  # a full search for pending alert versions, beside the quick ones
SLACK = timedelta(seconds=5)  # the quick search looks this far back (commits land late)


@dataclass
class WorkerStats:
    enqueued: int = 0
    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    escalated: int = 0
    raised: int = 0


@dataclass(frozen=True)
class InFlight:
    item: Claimed
    destination: str


class Worker:
    def __init__(self, db: Database, settings: Settings, concurrency: int | None = None,
                 name: str | None = None) -> None:  # fmt: skip
        self.db = db
        self.cfg = SendConfig.from_settings(settings)
        self.concurrency = max(1, concurrency or settings.alert_workers)
        self.window = 2 * self.concurrency  # claimed and not yet recorded, per channel
        self.batch = self.concurrency  # claim and record in batches of this many
        self.policy = RetryPolicy(settings.alert_max_attempts, settings.alert_retry_base_s)
        self.lease_s, self.poll_s = settings.alert_lease_s, settings.alert_poll_s
        self.escalation_s = settings.alert_escalation_interval_s
        self.base_url = settings.public_url
        self.name = (name or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}")[:80]
        self.stats = WorkerStats()
        self._stop = Event()
        self._pools = {ch: ThreadPoolExecutor(self.concurrency, f"tocsin-{ch}") for ch in CHANNELS}
        self._caches = {ch: ConnectionCache(spec.close) for ch, spec in CHANNELS.items()}
        self._lanes = Lanes(max(1, self.concurrency // 2))
        self._flying: dict[Future[Outcome], InFlight] = {}
        self._unrecorded: list[Outcome] = []
        self._since: datetime | None = None
        self._full_at = float("-inf")
        self._next_dispatch = float("-inf")
        self._next_escalation = float("-inf")
        self._rules = RuleClock(db)
        self._learned = False
        self._rng = random.Random()  # noqa: S311 - jitter, not secrecy

    def stop(self) -> None:
        """Ask the loop to finish: no new claims, sends under way complete and are recorded."""
        self._stop.set()

    def run(self, once: bool = False) -> WorkerStats:
        """Loop until ``stop()``; with ``once``, until nothing is due or under way."""
        try:
            while not self._stop.is_set():
                progressed = self.step()
                if once and not progressed and self._idle():
                    break
                if not progressed:
                    self._pause()
        finally:
            self._finish()
        return self.stats

    def step(self) -> bool:
        recorded = self._record()
        raised = 0 if self._stop.is_set() else self._rules.tick()
        self.stats.raised += raised
        if raised:
            self._next_dispatch = float("-inf")  # send what the rules issued without waiting
        enqueued = self._dispatch() if time.monotonic() >= self._next_dispatch else 0
        escalated = self._escalate() if time.monotonic() >= self._next_escalation else 0
        claimed = 0 if self._stop.is_set() else self._claim()
        self._hand_back(self._lanes.expire(self.lease_s / 2))
        return bool(recorded or raised or enqueued or escalated or claimed)

    # -- the loop's parts -------------------------------------------------------------------

    def _idle(self) -> bool:
        return not (self._flying or self._unrecorded or self._lanes.waiting())

    def _pause(self) -> None:
        """Until a batch of sends has finished, all have, or the poll interval is over."""
        if not self._flying:
            self._stop.wait(self.poll_s)
            return
        end = time.monotonic() + self.poll_s
        while (left := end - time.monotonic()) > 0:
            waiting = [f for f in self._flying if not f.done()]
            if len(self._flying) - len(waiting) >= self.batch or not waiting:
                return
            wait(waiting, timeout=left, return_when=FIRST_COMPLETED)

    def _dispatch(self) -> int:
        self._next_dispatch = time.monotonic() + self.poll_s
        now = utcnow()
        full = time.monotonic() - self._full_at >= FULL_SCAN_S
        try:
            with self.db.session() as session:
                made = dispatch(session, now, None if full else self._since, self.base_url)
        except Exception:
            log.exception("dispatch failed; the next loop tries again")
            return 0
        if full:
            self._full_at = time.monotonic()
            self._learned = False  # addresses may have changed: look again on the next claim
        self._since = now - SLACK
        self.stats.enqueued += made
        return made

    def _escalate(self) -> int:
        self._next_escalation = time.monotonic() + self.escalation_s
        try:
            with self.db.session() as session:
                made = escalate_due(session, utcnow(), self.base_url)
        except Exception:
            # Another worker may have moved the same alert first (SQLite: the database was
            # busy); nothing was written, and the next turn of the clock tries again.
            log.exception("escalation failed; the next turn of the clock tries again")
            return 0
        self.stats.escalated += made
        return made

    def _learn(self) -> None:
        s = AlertSubscription
        with self.db.session() as session:
            rows = session.execute(select(s.id, s.channel, s.address))
            self._lanes.learn((sid, channel, address) for sid, channel, address in rows)
        self._learned = True

    def _claim(self) -> int:
        total = 0
        for channel in self._pools:
            held = sum(1 for f in self._flying.values() if f.item.channel == channel)
            held += self._lanes.waiting(channel)
            free = self.window - held
            if free <= 0 or (held and free < self.batch):
                continue  # wait for a batch of free places: one claim fills them all
            try:
                if not self._learned:
                    self._learn()
                with self.db.session() as session:
                    items = outbox.claim(session, self.name, utcnow(), free, self.lease_s,
                                         channel, self._lanes.full())  # fmt: skip
            except Exception:
                log.exception("claiming %s deliveries failed", channel)
                continue
            if any(item.subscription_id and not self._lanes.knows(item) for item in items):
                self._learned = False  # a new subscription: learn where it goes next time
            for item in items:
                if self._lanes.admit(item):
                    self._submit(item)
            total += len(items)
        return total

    def _submit(self, item: Claimed) -> None:
        future = self._pools[item.channel].submit(self._send, item)
        self._flying[future] = InFlight(item, self._lanes.destination(item))

    def _hand_back(self, items: list[Claimed]) -> None:
        if not items:
            return
        try:
            with self.db.session() as session:
                outbox.release(session, self.name, [i.id for i in items], utcnow())
        except Exception:
            log.exception("handing back deliveries failed; their lease will run out")

    def _send(self, item: Claimed) -> Outcome:
        try:
            CHANNELS[item.channel].send(item, self.cfg, self._caches[item.channel])
        except DeliveryFailed as exc:
            return Outcome(item.id, item.attempts, False, utcnow(), str(exc))
        except Exception as exc:  # a sender's bug fails one delivery, not the worker
            log.exception("sending %s failed unexpectedly", item.key)
            return Outcome(item.id, item.attempts, False, utcnow(), f"{type(exc).__name__}: {exc}")
        return Outcome(item.id, item.attempts, True, utcnow())

    def _record(self) -> int:
        for future in [f for f in self._flying if f.done()]:
            flight = self._flying.pop(future)
            self._lanes.done(flight.destination)
            self._unrecorded.append(future.result())
        for item in self._lanes.ready():
            self._submit(item)
        if not self._unrecorded:
            return 0
        try:
            with self.db.session() as session:
                counts = outbox.record(session, self.name, self._unrecorded, self.policy,
                                       self._rng)  # fmt: skip
        except Exception:
            log.exception("recording %d outcomes failed; trying again", len(self._unrecorded))
            return 0
        self._unrecorded = []
        self.stats.delivered += counts["delivered"]
        self.stats.retrying += counts["retrying"]
        self.stats.dead += counts["dead"]
        return sum(counts.values())

    def _finish(self) -> None:
        unsent = self._lanes.drain()
        for future in [f for f in self._flying if f.cancel()]:  # queued, not started
            unsent.append(self._flying.pop(future).item)
        self._hand_back(unsent)  # another worker may take them at once
        wait(list(self._flying))  # each send under way is bounded by its timeout
        for _ in range(3):
            self._record()
            if not self._unrecorded:
                break
            time.sleep(self.poll_s)
        for pool in self._pools.values():
            pool.shutdown(wait=True)
        for cache in self._caches.values():
            cache.close_all()
