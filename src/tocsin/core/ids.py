"""Record identifiers: time-ordered, made by the client so bulk imports need no round trip."""

from __future__ import annotations

import os
import random
import threading
import time

# Ids must be unique, not secret: a generator seeded from the OS is enough, and costs a
# fraction of an os.urandom call per id (bulk imports make eight ids per event).
_local = threading.local()


def _rng() -> random.Random:
    rng: random.Random | None = getattr(_local, "rng", None)
    if rng is None or getattr(_local, "pid", None) != os.getpid():
        rng = random.Random(os.urandom(16))  # noqa: S311 - uniqueness, not secrecy
        _local.rng, _local.pid = rng, os.getpid()
    return rng


def new_id() -> str:
    """A UUIDv7-shaped identifier (RFC 9562): 48-bit milliseconds, version, variant, random."""
    ms = time.time_ns() // 1_000_000
    r = _rng().getrandbits(74)
    return "%08x-%04x-%04x-%04x-%012x" % (  # noqa: UP031 - one formatting step is fastest
        ms >> 16,
        ms & 0xFFFF,
        0x7000 | (r >> 62),  # version 7, then 12 random bits
        0x8000 | ((r >> 48) & 0x3FFF),  # variant 10, then 14 random bits
        r & 0xFFFF_FFFF_FFFF,  # 48 random bits
    )
