"""Tables of alerts: the alert itself, what lies behind it, what was done about it, its history,
and the escalation chains that decide who is called when nobody acknowledges it.

An alert is one record through all its CAP versions: ``identifier`` stays fixed, ``version``
goes up by one on each update, and ``references`` lists the versions it supersedes. Every change
of state is kept in ``alert_changes``, which the database keeps append-only (migration 0010).
Values of the string columns come from ``tocsin.alerts.vocab``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tocsin.core.clock import utcnow
from tocsin.core.db import Base
from tocsin.core.ids import new_id
from tocsin.core.types import UTCDateTime


class Alert(Base):
    """One early warning, from draft to closed, with its response clock."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_state_issued", "state", "issued_at"),
        Index("ix_alerts_country_state", "country", "state"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    identifier: Mapped[str] = mapped_column(String(120), unique=True)  # "tocsin:<id>" in CAP
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    instruction: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(12))
    urgency: Mapped[str] = mapped_column(String(12))
    certainty: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(10), default="en")
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)  # ISO 3166-1 alpha-2
    admin_area: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # [[lat, lon], ...] with the first point repeated last, as CAP <polygon> wants.
    polygon: Mapped[list[list[float]] | None] = mapped_column(JSON, nullable=True)
    tlp: Mapped[int] = mapped_column(SmallInteger, default=2)
    state: Mapped[str] = mapped_column(String(12), default="draft")
    source: Mapped[str] = mapped_column(String(20), default="manual")
    rule_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    owner_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # No foreign key: deleting a chain must not reach into the history of alerts that used it.
    escalation_chain_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    # Set when the escalation clock passed the chain's last step with nobody acknowledging
    # (migration 0011): the alert stays overdue, shown as such, and is not called around again.
    escalation_exhausted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ack_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    act_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # The three instants whose gaps measure how fast a report turns into action.
    first_report_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    references: Mapped[list[str]] = mapped_column(JSON, default=list)  # earlier CAP versions
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)  # user ids, for RED alerts
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AlertLink(Base):
    """A record behind an alert: an event, act, assessment, evidence item, forecast run or
    area. ``record_id`` is a free string because an area is named, not numbered."""

    __tablename__ = "alert_links"

    alert_id: Mapped[str] = mapped_column(
        ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(200), primary_key=True)


class AlertAction(Base):
    """Something done in response: an urgent appeal sent, authorities contacted, and so on."""

    __tablename__ = "alert_actions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    taken_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlertChange(Base):
    """One step of an alert's life (drafted, issued, updated, escalated, cancelled, closed).
    ``by`` is empty when a rule or the escalation clock acted. Append-only: the database
    refuses UPDATE and DELETE."""

    __tablename__ = "alert_changes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(12), nullable=True)
    to_state: Mapped[str] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(Integer)
    by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class EscalationChain(Base):
    """Who is called, and after how long without acknowledgement:
    ``steps`` is ``[{"after_minutes": 30, "user_ids": [...]}, ...]`` in order."""

    __tablename__ = "escalation_chains"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
