"""Tables of the vault: evidence records, and the custody log.

The three custody tables are append-only: triggers refuse UPDATE and DELETE (see migration
0003), so a past entry can only change by someone first disabling them, which
``tocsin.vault.custody.verify_log`` then catches."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from tocsin.cases.models import Place, Record
from tocsin.core.db import Base
from tocsin.core.types import EncryptedText, UTCDateTime

# SQLite stores an INTEGER PRIMARY KEY as the rowid itself: one B-tree instead of two.
_BIGINT = BigInteger().with_variant(Integer, "sqlite")


class CustodyEntry(Base):
    """One leaf of the log. ``entry`` holds the canonical bytes that were hashed; the other
    columns repeat parts of it for queries and are checked against it on verification."""

    __tablename__ = "custody_entries"

    seq: Mapped[int] = mapped_column(_BIGINT, primary_key=True, autoincrement=False)
    entry: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    kind: Mapped[str] = mapped_column(String(16))
    subject_sha256: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    who: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CustodyNode(Base):
    """A complete perfect subtree above the leaves (level >= 1), kept so proofs never rehash
    the tree. Derived data: ``verify_log`` recomputes each one from the entries."""

    __tablename__ = "custody_nodes"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class StoredTreeHead(Base):
    __tablename__ = "tree_heads"

    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True, autoincrement=True)
    tree_size: Mapped[int] = mapped_column(BigInteger, index=True)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    timestamp_ms: Mapped[int] = mapped_column(BigInteger)
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))
    key_id: Mapped[str] = mapped_column(String(64))


class Evidence(Record, Place, Base):
    """One piece of evidence: a stored blob, what it shows, and what its collector states.

    The blob is named by ``sha256`` (no foreign key: blobs live in the file system). The same
    blob may back several records, one per event or person it is evidence for. What the
    collector states (``collected_*``, place, device, web address, notes) is kept apart from
    ``extracted``, what Tocsin itself read from the file. Free text that can identify someone
    is encrypted with the key ring, like a person's fields.
    """

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint("event_id IS NOT NULL OR person_id IS NOT NULL", name="has_target"),
        Index("ix_evidence_event_created", "event_id", "created_at"),
    )

    sha256: Mapped[str] = mapped_column(String(64), index=True)
    sha512: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(40))
    original_name: Mapped[str] = mapped_column(EncryptedText("evidence.original_name"))
    media_type: Mapped[str] = mapped_column(String(200), default="application/octet-stream")
    event_id: Mapped[str | None] = mapped_column(
        ForeignKey("events.id", ondelete="RESTRICT"), nullable=True
    )
    person_id: Mapped[str | None] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    collected_by: Mapped[str | None] = mapped_column(
        EncryptedText("evidence.collected_by"), nullable=True
    )
    collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    capture_device: Mapped[str | None] = mapped_column(
        EncryptedText("evidence.capture_device"), nullable=True
    )
    source_url: Mapped[str | None] = mapped_column(
        EncryptedText("evidence.source_url"), nullable=True
    )
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    notes: Mapped[str | None] = mapped_column(EncryptedText("evidence.notes"), nullable=True)
    # Random salt of the statement digest written to the custody log: the log is public to a
    # court and never erased, so it carries a salted digest of the statement, not the text.
    statement_salt: Mapped[str] = mapped_column(EncryptedText("evidence.statement_salt"))
    extracted: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # A working copy (metadata stripped for sharing) names the original it was made from.
    derived_from: Mapped[str | None] = mapped_column(
        ForeignKey("evidence.id", ondelete="RESTRICT", name="fk_evidence_derived_from_evidence"),
        nullable=True,
        index=True,
    )

    # Not stored: set by ``vault.evidence.add`` when the upload matched a record on file.
    duplicate = False
