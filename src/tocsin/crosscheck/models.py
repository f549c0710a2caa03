"""Tables of the cross-check engine: proposed matches, decisions, and clusters of records.

A merge never touches the records merged. Records that a person has decided are the same
(a victim named in two reports, an incident told by three sources) are put in one cluster; each
keeps its own fields, sources and history. Undoing a wrong merge takes a record back out of its
cluster. Every decision is kept in ``cluster_changes``, which the database keeps append-only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tocsin.core.clock import utcnow
from tocsin.core.db import Base
from tocsin.core.ids import new_id
from tocsin.core.types import UTCDateTime


class MatchCandidate(Base):
    """Two records an engine or a rule thinks may be the same, and what a person decided.

    One row per pair (``left_id`` < ``right_id``) and kind, ever: a rejected pair keeps its row,
    so no later run can propose it again."""

    __tablename__ = "match_candidates"
    __table_args__ = (
        UniqueConstraint("kind", "left_id", "right_id", name="uq_match_candidates_pair"),
        Index("ix_match_candidates_queue", "kind", "status", "score"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))  # person, organisation, event
    left_id: Mapped[str] = mapped_column(String(36), index=True)
    right_id: Mapped[str] = mapped_column(String(36), index=True)
    score: Mapped[float] = mapped_column(Float)  # probability that they are the same, 0..1
    features: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    engine: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class ClusterMember(Base):
    """Which cluster a record belongs to. A record with no row is alone (its own cluster)."""

    __tablename__ = "cluster_members"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cluster_id: Mapped[str] = mapped_column(String(36), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClusterChange(Base):
    """One merge or split, as decided: the provenance of every cluster (append-only)."""

    __tablename__ = "cluster_changes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(12))  # merge, split
    cluster_id: Mapped[str] = mapped_column(String(36), index=True)
    record_ids: Mapped[list[str]] = mapped_column(JSON)
    candidate_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    automatic: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EngineSetting(Base):
    """Settings an admin changes at run time, e.g. the auto-accept threshold per kind."""

    __tablename__ = "crosscheck_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    changed_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
