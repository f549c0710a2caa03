"""One lane per receiver: how many deliveries each destination has sending or queued, and
the ones already claimed that wait for room, so one slow or dead receiver can hold at most its
share of the sending threads while everyone else's deliveries go past it."""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Iterable

from tocsin.alerts.channels import CHANNELS
from tocsin.alerts.outbox import Claimed


class Lanes:
    def __init__(self, limit: int) -> None:
        self.limit = limit  # deliveries one destination may have sending or queued
        self.busy: Counter[str] = Counter()
        self.where: dict[str, str] = {}  # subscription id -> destination
        self._waiting: dict[str, deque[tuple[Claimed, float]]] = {}

    def learn(self, subscriptions: Iterable[tuple[str, str, str]]) -> None:
        """(id, channel, address) of every subscription: where each one's deliveries go."""
        self.where = {
            sid: CHANNELS[channel].destination(address)
            for sid, channel, address in subscriptions
            if channel in CHANNELS
        }

    def knows(self, item: Claimed) -> bool:
        return item.subscription_id in self.where

    def destination(self, item: Claimed) -> str:
        return self.where.get(item.subscription_id) or CHANNELS[item.channel].destination(
            item.address
        )

    def admit(self, item: Claimed) -> bool:
        """Take a lane place for the item, or queue it until its destination has room."""
        where = self.destination(item)
        if where and self.busy[where] >= self.limit:
            self._waiting.setdefault(where, deque()).append((item, time.monotonic()))
            return False
        self.busy[where] += 1
        return True

    def done(self, where: str) -> None:
        self.busy[where] -= 1

    def ready(self) -> list[Claimed]:
        """Waiting items whose destination has room now (their places taken)."""
        out = []
        for where, queue in self._waiting.items():
            while queue and self.busy[where] < self.limit:
                out.append(queue.popleft()[0])
                self.busy[where] += 1
        self._drop_empty()
        return out

    def full(self) -> list[str]:
        """Subscriptions whose destination has no room: not worth claiming for now."""
        crowded = {w for w, n in self.busy.items() if w and n >= self.limit}
        return [sid for sid, where in self.where.items() if where in crowded] if crowded else []

    def waiting(self, channel: str | None = None) -> int:
        return sum(1 for queue in self._waiting.values() for item, _ in queue
                   if channel is None or item.channel == channel)  # fmt: skip

    def expire(self, older_than_s: float) -> list[Claimed]:
        """Waiting items claimed longer ago than that, taken out (to hand back: their lease
        would otherwise run out while they wait)."""
        cutoff = time.monotonic() - older_than_s
        out = []
        for queue in self._waiting.values():
            while queue and queue[0][1] < cutoff:
                out.append(queue.popleft()[0])
        self._drop_empty()
        return out

    def drain(self) -> list[Claimed]:
        out = [item for queue in self._waiting.values() for item, _ in queue]
        self._waiting.clear()
        return out

    def _drop_empty(self) -> None:
        for where in [w for w, q in self._waiting.items() if not q]:
            del self._waiting[where]
