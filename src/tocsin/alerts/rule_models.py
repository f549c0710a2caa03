"""Tables of alert rules (thresholds and spikes over the data, changes in risk level) and of
their firings. A firing's ``key`` names what fired, such as an area and a time window; it is
unique per rule, so re-running a rule over the same window never raises a second alert.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from tocsin.core.clock import utcnow
from tocsin.core.db import Base
from tocsin.core.ids import new_id
from tocsin.core.types import UTCDateTime


class AlertRule(Base):
    """A rule, as data: its ``kind`` and ``params`` say what to watch; the rest is what the
    alerts it raises will say."""

    __tablename__ = "alert_rules"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    category: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(12))
    urgency: Mapped[str] = mapped_column(String(12))
    certainty: Mapped[str] = mapped_column(String(12))
    tlp: Mapped[int] = mapped_column(SmallInteger, default=2)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    escalation_chain_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AlertRuleFiring(Base):
    """A rule fired once for ``key``, raising ``alert_id`` (empty if no alert was made)."""

    __tablename__ = "alert_rule_firings"
    __table_args__ = (UniqueConstraint("rule_id", "key", name="uq_alert_rule_firings_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    rule_id: Mapped[str] = mapped_column(ForeignKey("alert_rules.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(300))
    alert_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
