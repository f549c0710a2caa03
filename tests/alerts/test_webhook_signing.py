"""Webhook signatures: what we send verifies, anything altered, old or replayed does not."""

from __future__ import annotations

import hashlib
import hmac
import time

from hypothesis import given
from hypothesis import strategies as st

from tocsin.alerts.webhook_signing import new_secret, sign, signed_headers, verify_webhook

SECRET = "test-secret"


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = b'{"identifier":"tocsin:1"}'
    expected = hmac.new(b"test-secret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign(SECRET, 1700000000, body) == f"sha256={expected}"
    headers = signed_headers(SECRET, body, "tocsin:1:1:s", 1700000000)
    assert headers["X-Tocsin-Signature"] == f"sha256={expected}"
    assert (headers["X-Tocsin-Timestamp"], headers["Idempotency-Key"]) == ("1700000000",
                                                                          "tocsin:1:1:s")


@given(body=st.binary(max_size=2000), flip=st.integers(min_value=0))
def test_any_changed_byte_breaks_the_signature(body: bytes, flip: int) -> None:
    now = 1_700_000_000
    good = sign(SECRET, now, body)
    assert verify_webhook(SECRET, str(now), body, good, now)
    if body:
        i = flip % len(body)
        changed = body[:i] + bytes([body[i] ^ 1]) + body[i + 1 :]
        assert not verify_webhook(SECRET, now, changed, good, now)
    assert not verify_webhook("other-secret", now, body, good, now)
    assert not verify_webhook(SECRET, now + 1, body, good, now)  # the time is signed too


def test_old_or_future_timestamps_are_refused() -> None:
    now = time.time()
    stamp = int(now) - 301
    assert not verify_webhook(SECRET, stamp, b"{}", sign(SECRET, stamp, b"{}"), now)
    assert verify_webhook(SECRET, stamp, b"{}", sign(SECRET, stamp, b"{}"), now, tolerance=600)
    ahead = int(now) + 400
    assert not verify_webhook(SECRET, ahead, b"{}", sign(SECRET, ahead, b"{}"), now)
    assert not verify_webhook(SECRET, "not a number", b"{}", "sha256=00", now)


def test_a_replayed_request_is_refused_but_a_fresh_retry_is_not() -> None:
    seen: set[str] = set()
    now = int(time.time())
    first = sign(SECRET, now, b"{}")
    assert verify_webhook(SECRET, now, b"{}", first, now, seen=seen)
    assert not verify_webhook(SECRET, now, b"{}", first, now, seen=seen)  # captured, sent again
    retry = sign(SECRET, now + 2, b"{}")  # our retry: a new time, so a new signature
    assert verify_webhook(SECRET, now + 2, b"{}", retry, now + 2, seen=seen)


def test_secrets_are_long_and_random() -> None:
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50 and all(len(s) >= 43 for s in secrets)
