"""Tables of commitments and the judgements of their implementation.

A commitment is what an actor (a State, a UN body, an organisation) said it would do, with where
it said so: a paragraph of the action library when there is one, or a document named in words.
Its status is never stored on it: it is the latest judgement, and judgements are append-only
(migration 0013), so a report can always show who said what, when, and on what evidence. A
correction is a new judgement.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tocsin.cases.models import Record
from tocsin.core.clock import utcnow
from tocsin.core.db import Base
from tocsin.core.ids import new_id
from tocsin.core.types import UTCDateTime
from tocsin.library.store import models as _library_tables  # noqa: F401 - registers the FKs' tables


class Commitment(Record, Base):
    __tablename__ = "response_commitments"
    __table_args__ = (Index("ix_response_commitments_actor_due", "actor_name", "due_on"),)

    actor_name: Mapped[str] = mapped_column(String(300))
    actor_kind: Mapped[str] = mapped_column(String(40))  # library taxonomy actor code
    action: Mapped[str] = mapped_column(Text)
    node_id: Mapped[str | None] = mapped_column(
        ForeignKey("library_nodes.id"), nullable=True, index=True
    )
    document_id: Mapped[str | None] = mapped_column(
        ForeignKey("library_documents.id"), nullable=True, index=True
    )
    # The node's document title when there is a node; otherwise the title the recorder typed.
    document_title: Mapped[str] = mapped_column(String(500), default="")
    made_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    indicators: Mapped[list[str]] = mapped_column(JSON, default=list)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True, index=True)


class CommitmentJudgement(Base):
    """Someone's word on how far a commitment has got, as of a date. Append-only."""

    __tablename__ = "response_judgements"
    __table_args__ = (
        Index("ix_response_judgements_order", "commitment_id", "as_of", "recorded_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    commitment_id: Mapped[str] = mapped_column(ForeignKey("response_commitments.id"))
    status: Mapped[str] = mapped_column(String(16))  # CommitmentStatus
    as_of: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500))  # who says so, in words
    source_kind: Mapped[str] = mapped_column(String(20))  # SourceKind
    event_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    indicators: Mapped[list[str]] = mapped_column(JSON, default=list)  # texts, as judged
    note: Mapped[str] = mapped_column(Text, default="")
    judged_by: Mapped[str] = mapped_column(String(36))  # user id of who recorded it
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
