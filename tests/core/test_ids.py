"""Record ids: valid UUIDv7, unique, ordered by creation time."""

from __future__ import annotations

import time
import uuid

from tocsin.core.ids import new_id


def test_ids_are_uuid7_unique_and_time_ordered() -> None:
    first = [new_id() for _ in range(20_000)]
    time.sleep(0.002)
    later = new_id()
    assert len(set(first)) == len(first)
    parsed = uuid.UUID(first[0])
    assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert str(parsed) == first[0]
    assert all(later > i for i in first)
    # The leading 48 bits are the creation time in milliseconds.
    ms = int(later.replace("-", "")[:12], 16)
    assert abs(ms - time.time_ns() // 1_000_000) < 5_000
