"""The table of escalations: each time the escalation clock called the next step of an alert's
chain, whom it told, whom it could not, and why. Append-only: the database refuses UPDATE and
DELETE (migration 0011), as it does for ``alert_changes``.

``level`` is the chain step the alert moved to (1 for the first step). A chain's end is a row of
kind ``exhausted`` one level past its last step: nobody acknowledged in time and there is nobody
further to call. ``(alert_id, level)`` is unique, so two escalation clocks racing on one alert
cannot both record the same step.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tocsin.alerts import models as _alert_tables  # noqa: F401 - registers "alerts" for the FK
from tocsin.core.clock import utcnow
from tocsin.core.db import Base
from tocsin.core.ids import new_id
from tocsin.core.types import UTCDateTime


class EscalationKind(StrEnum):
    ESCALATED = "escalated"  # the next step's people were called
    EXHAUSTED = "exhausted"  # past the last step: nobody further to call


class SkipReason(StrEnum):
    """Why someone on a step was not told: the notice would reach nobody who could act on it,
    or would show an alert to someone not cleared for it."""

    UNKNOWN = "unknown_user"
    INACTIVE = "inactive"
    NO_PERMISSION = "no_alert_permission"
    NOT_CLEARED = "not_cleared"


class AlertEscalation(Base):
    __tablename__ = "alert_escalations"
    __table_args__ = (UniqueConstraint("alert_id", "level", name="uq_alert_escalations_level"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    # No foreign key: the record outlives the chain (a chain no live alert uses may be deleted).
    chain_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    notified: Mapped[list[str]] = mapped_column(JSON, default=list)  # user ids
    skipped: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # user_id, why
    missed_deadline: Mapped[datetime] = mapped_column(UTCDateTime)  # the deadline that passed
    next_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
