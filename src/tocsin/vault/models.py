"""Tables of the custody log. All three are append-only: triggers refuse UPDATE and DELETE
(see migration 0003), so a past entry can only change by someone first disabling them, which
``tocsin.vault.custody.verify_log`` then catches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from tocsin.core.db import Base
from tocsin.core.types import UTCDateTime

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
