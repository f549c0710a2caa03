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
    rand = _rng().getrandbits(74)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64)
    value |= (0b10 << 62) | (rand & ((1 << 62) - 1))
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
