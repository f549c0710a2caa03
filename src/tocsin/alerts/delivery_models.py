"""Tables of delivery: who subscribes to which alerts, and the durable outbox.

A delivery row is written in the same transaction as the alert change that causes it, so a
crash can neither lose it nor send an alert that was never committed. Its ``idempotency_key``
("<alert identifier>:<version>:<subscription id>") is unique: enqueueing twice is a no-op, and
receivers see the same key on a retry so they can drop a duplicate. A worker claims a row by
setting ``locked_by`` and ``locked_until``; a row whose lock has run out is claimable again.

Most rows carry an alert version to a subscription (``purpose`` "alert"). An escalation notice
(``purpose`` "escalation", alerts/escalation.py) goes to one person's account email instead:
``recipient_user_id`` is set and ``subscription_id`` is empty; exactly one of the two is set.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from tocsin.alerts import models as _alert_tables  # noqa: F401 - registers "alerts" for the FK
from tocsin.core.clock import utcnow
from tocsin.core.db import Base
from tocsin.core.ids import new_id
from tocsin.core.types import EncryptedText, UTCDateTime


class AlertSubscription(Base):
    """A person or organisation that wants alerts matching these filters, by email or webhook.
    Empty filter lists mean "all"."""

    __tablename__ = "alert_subscriptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(Text)
    user_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # a Tocsin user
    organisation: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(12))
    address: Mapped[str] = mapped_column(Text)  # an email address or an https URL
    # The webhook's HMAC key: encrypted at rest, as it lets anyone forge our signature.
    secret: Mapped[str | None] = mapped_column(
        EncryptedText("alert_subscriptions.secret"), nullable=True
    )
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    min_severity: Mapped[str] = mapped_column(String(12), default="unknown")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_tlp: Mapped[int] = mapped_column(SmallInteger, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DeliveryPurpose(StrEnum):
    ALERT = "alert"  # an alert version, to a subscription
    ESCALATION = "escalation"  # "nobody acknowledged this: you are next", to a person


class AlertDelivery(Base):
    """One version of one alert to one subscription (or one escalation notice to one person):
    the outbox row and its delivery record."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        Index("ix_alert_deliveries_due", "status", "next_attempt_at"),
        CheckConstraint("(subscription_id IS NULL) <> (recipient_user_id IS NULL)",
                        name="one_recipient"),
    )  # fmt: skip

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id"), index=True)
    alert_version: Mapped[int] = mapped_column(Integer)
    subscription_id: Mapped[str | None] = mapped_column(
        ForeignKey("alert_subscriptions.id"), nullable=True
    )
    recipient_user_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    purpose: Mapped[str] = mapped_column(
        String(12), default=DeliveryPurpose.ALERT.value, server_default=DeliveryPurpose.ALERT.value
    )
    channel: Mapped[str] = mapped_column(String(12))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Rendered when enqueued, so what is sent is what the alert said at that version.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    enqueued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
