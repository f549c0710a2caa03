"""Webhook delivery: the alert as JSON, POSTed with a signature the receiver can check.

Any 2xx is a delivery; anything else, a timeout or a refused connection is a failed attempt.
Redirects are not followed: a receiver that moved says so in a new subscription, and a redirect
cannot lead the worker to an address nobody checked.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from tocsin import __version__
from tocsin.alerts.outbox import Claimed
from tocsin.alerts.sending import ConnectionCache, DeliveryFailed, SendConfig
from tocsin.alerts.webhook_signing import signed_headers


def body_bytes(document: dict[str, Any]) -> bytes:
    """One serialisation for every attempt: what is signed is exactly what is sent."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def new_client(cfg: SendConfig) -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(cfg.timeout_s), follow_redirects=False,
                        headers={"User-Agent": f"Tocsin/{__version__}"})  # fmt: skip


def close(client: Any) -> None:
    client.close()


def send_webhook(item: Claimed, cfg: SendConfig, cache: ConnectionCache | None = None) -> None:
    if not item.secret:
        raise DeliveryFailed("the subscription has no webhook secret")
    body = body_bytes(item.payload["document"])
    headers = signed_headers(item.secret, body, item.key, int(time.time()))
    client: httpx.Client | None = cache.get(cfg) if cache else None
    if client is None or client.is_closed:
        client = new_client(cfg)
        if cache is not None:
            cache.put(cfg, client)
    try:
        reply = client.post(item.address, content=body, headers=headers)
    except httpx.TimeoutException as exc:
        name = type(exc).__name__
        raise DeliveryFailed(f"no answer within {cfg.timeout_s:g} s ({name})") from exc
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
    finally:
        if cache is None:
            client.close()
    if not reply.is_success:
        raise DeliveryFailed(f"HTTP {reply.status_code} from the receiver")
