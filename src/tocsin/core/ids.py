"""Record identifiers: time-ordered, made by the client so bulk imports need no round trip."""

from __future__ import annotations

import os
import time


def new_id() -> str:
    """A UUIDv7-shaped identifier (RFC 9562): 48-bit milliseconds then random bits."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (
        (ms << 80)
        | (0x7 << 76)
        | ((rand >> 68) & 0xFFF) << 64
        | (0b10 << 62)
        | (rand & ((1 << 62) - 1))
    )
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
