"""Lanes: a receiver never holds more than its share; what waits goes as soon as there is room."""

from __future__ import annotations

from tocsin.alerts.outbox import Claimed
from tocsin.alerts.worker_lanes import Lanes


def item(n: int, sub: str, address: str, channel: str = "webhook") -> Claimed:
    return Claimed(f"d{n}", f"k{n}", channel, 1, {}, address, "s", sub)


def test_one_receiver_holds_at_most_its_share_and_the_rest_wait_in_order() -> None:
    lanes = Lanes(limit=2)
    lanes.learn([("slow1", "webhook", "https://slow.example/a"),
                 ("slow2", "webhook", "https://slow.example/b"),
                 ("fast", "webhook", "https://fast.example/"),
                 ("mail", "email", "x@example.org")])  # fmt: skip
    slow = [item(i, f"slow{1 + i % 2}", "https://slow.example/a") for i in range(4)]
    assert [lanes.admit(i) for i in slow] == [True, True, False, False]
    assert lanes.admit(item(9, "fast", "https://fast.example/"))
    assert all(lanes.admit(item(20 + i, "mail", "x@example.org", "email")) for i in range(10))
    assert sorted(lanes.full()) == ["slow1", "slow2"]  # not claimed while their receiver is full
    assert lanes.waiting("webhook") == 2 and lanes.waiting("email") == 0
    assert lanes.ready() == []
    lanes.done(lanes.destination(slow[0]))
    assert lanes.ready() == [slow[2]] and lanes.waiting() == 1
    assert lanes.full() == ["slow1", "slow2"]


def test_waiting_too_long_is_handed_back_and_a_stop_drains_the_rest() -> None:
    lanes = Lanes(limit=1)
    first, second, third = (item(i, "s", "https://one.example/") for i in range(3))
    assert lanes.admit(first) and not lanes.admit(second) and not lanes.admit(third)
    assert lanes.expire(older_than_s=60) == []
    assert lanes.expire(older_than_s=-1) == [second, third]
    assert not lanes.admit(second)
    assert lanes.drain() == [second] and lanes.waiting() == 0
