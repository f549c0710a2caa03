"""Delivery channels, as a registry: each says which addresses it accepts, how it sends, and
what counts as one endpoint. A new channel is a new entry here and a sender module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from tocsin.alerts import delivery_email, delivery_webhook
from tocsin.alerts.outbox import Claimed
from tocsin.alerts.sending import ConnectionCache, SendConfig, is_loopback
from tocsin.alerts.vocab import Channel
from tocsin.core.errors import ValidationFailed

MAX_ADDRESS = 2000
Sender = Callable[[Claimed, SendConfig, ConnectionCache | None], None]


def check_email(address: str, field: str = "address") -> str:
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationFailed.on(field, f"is not a usable email address ({exc})") from None


def check_url(address: str, field: str = "address") -> str:
    """An https address; plain http only to this machine (a local relay, or tests)."""
    address = address.strip()
    if len(address) > MAX_ADDRESS:
        raise ValidationFailed.on(field, f"is longer than {MAX_ADDRESS} characters")
    try:
        parts = urlsplit(address)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise ValidationFailed.on(field, f"is not a web address ({exc})") from None
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise ValidationFailed.on(field, "must be a web address starting with https://")
    if parts.scheme == "http" and not is_loopback(host):
        raise ValidationFailed.on(field, "must use https:// (http:// only to 127.0.0.1)")
    if parts.username or parts.password:
        raise ValidationFailed.on(field, "must not carry a user name or password")
    if parts.fragment:
        raise ValidationFailed.on(field, "must not have a #fragment")
    return address


def _relay(_address: str) -> str:
    return ""  # every email leaves through the one relay: the pool's size is its only limit


def _origin(address: str) -> str:
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or ''}"


@dataclass(frozen=True)
class ChannelSpec:
    check_address: Callable[[str, str], str]
    send: Sender
    close: Callable[[Any], None]
    # Deliveries to one destination share a limit, so one slow receiver cannot take every
    # sending thread; "" means no limit of its own.
    destination: Callable[[str], str]
    signed: bool  # has a secret of its own


CHANNELS: dict[str, ChannelSpec] = {
    Channel.EMAIL.value: ChannelSpec(check_email, delivery_email.send_email,
                                     delivery_email.close, _relay, signed=False),
    Channel.WEBHOOK.value: ChannelSpec(check_url, delivery_webhook.send_webhook,
                                       delivery_webhook.close, _origin, signed=True),
}  # fmt: skip


def channel_spec(name: str, field: str = "channel") -> ChannelSpec:
    spec = CHANNELS.get(name)
    if spec is None:
        raise ValidationFailed.on(field, f"unknown channel {name!r}; use one of "
                                         f"{', '.join(CHANNELS)}")  # fmt: skip
    return spec
