"""Signed webhooks: how Tocsin signs a delivery, and how a receiver checks one.

The signature is ``sha256=<hex>``, an HMAC-SHA256 with the subscription's secret over
``"<timestamp>.<body>"``: binding the timestamp means an old request cannot be replayed with a
fresh time, and a receiver that refuses old timestamps and signatures it has already accepted
cannot be fooled by a captured request sent again. Receivers copy ``verify_webhook`` (it needs
only the standard library).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import MutableSet
from datetime import datetime

TIMESTAMP_HEADER = "X-Tocsin-Timestamp"
SIGNATURE_HEADER = "X-Tocsin-Signature"
KEY_HEADER = "Idempotency-Key"
SCHEME = "sha256="
DEFAULT_TOLERANCE_S = 300


def new_secret() -> str:
    """A webhook secret: 256 random bits, URL-safe so it pastes into any receiver's settings."""
    return secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SCHEME + mac.hexdigest()


def signed_headers(secret: str, body: bytes, key: str, timestamp: int) -> dict[str, str]:
    """The headers of one delivery attempt (a retry is signed again with its own time)."""
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        KEY_HEADER: key,
    }


def verify_webhook(
    secret: str,
    timestamp: str | int,
    body: bytes,
    signature: str,
    now: datetime | float,
    tolerance: int = DEFAULT_TOLERANCE_S,
    seen: MutableSet[str] | None = None,
) -> bool:
    """True if ``signature`` is Tocsin's for this body and time, the time is within
    ``tolerance`` seconds of ``now``, and (when ``seen`` is given) this signed request was not
    accepted before; an accepted signature is added to ``seen``.

    A retry of the same delivery is a new request (new timestamp, new signature) and passes:
    de-duplicate those by the ``Idempotency-Key`` header (also inside the signed body) and
    answer 2xx to a duplicate, or Tocsin keeps retrying it."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = now.timestamp() if isinstance(now, datetime) else float(now)
    if abs(current - stamp) > tolerance:
        return False
    signature = signature.strip()
    if not hmac.compare_digest(sign(secret, stamp, body), signature):
        return False
    if seen is not None:
        if signature in seen:
            return False
        seen.add(signature)
    return True
