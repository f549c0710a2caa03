"""Tables of response plans: a plan drawn from a situation for one actor, its items (library
paragraphs with the explanation that put them there), and the history of its changes.

A plan keeps its situation as it was when planned (factors and levels, a JSON snapshot of
``SituationPublic``) and each item its explanation and score then: a later assessment changes
what is proposed next time, not why this plan holds what it holds. The history is append-only
(migration 0014). Values of the string columns come from ``tocsin.response.plans.vocab``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from tocsin.cases.models import Record
from tocsin.core.clock import utcnow
from tocsin.core.db import Base
from tocsin.core.ids import new_id
from tocsin.core.types import UTCDateTime


class ResponsePlan(Record, Base):
    __tablename__ = "response_plans"

    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    country: Mapped[str | None] = mapped_column(String(2), nullable=True, index=True)
    admin_area: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # No foreign keys: a plan records where it came from, and outlives what it came from.
    alert_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    assessment_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    situation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor: Mapped[str] = mapped_column(String(40))
    sphere: Mapped[str | None] = mapped_column(String(20), nullable=True)
    phase: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    owner_id: Mapped[str | None] = mapped_column(String(36), nullable=True)


class ResponsePlanItem(Base):
    __tablename__ = "response_plan_items"
    __table_args__ = (UniqueConstraint("plan_id", "node_id", name="uq_response_plan_items_node"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("response_plans.id"), index=True)
    node_id: Mapped[str] = mapped_column(ForeignKey("library_nodes.id"), index=True)
    reference: Mapped[str] = mapped_column(String(500))  # as it was when added
    by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rationale: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[str] = mapped_column(String(300), default="")
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    position: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResponsePlanChange(Base):
    """One change of a plan or of one of its items: who, when, which fields, old and new
    values. Append-only: the database refuses UPDATE and DELETE."""

    __tablename__ = "response_plan_changes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("response_plans.id"), index=True)
    item_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    action: Mapped[str] = mapped_column(String(20))
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
