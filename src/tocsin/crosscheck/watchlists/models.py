"""Tables of imported watchlists (sanctions and perpetrator lists) and their blocking keys.

Public lists are not secret, so nothing here is encrypted. An entry keeps what its source said
beyond the fields screening compares (``properties``), so nothing is lost on import.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tocsin.core.clock import utcnow
from tocsin.core.db import Base
from tocsin.core.ids import new_id
from tocsin.core.types import UTCDateTime


class WatchlistEntry(Base):
    """One listed person or organisation, as one list states it."""

    __tablename__ = "watchlist_entries"
    __table_args__ = (
        UniqueConstraint("list_name", "external_id", name="uq_watchlist_entries_list_external"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    list_name: Mapped[str] = mapped_column(String(60), index=True)
    external_id: Mapped[str] = mapped_column(String(200))
    schema: Mapped[str] = mapped_column(String(20))  # person, organisation
    caption: Mapped[str] = mapped_column(Text)
    # [{"name": ..., "weak": bool}]: every name and alias; weak aliases (a nickname, a
    # "low quality" alias) count for less.
    names: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # 1970-01-31, 1970-01, 1970, or a range of years 1965/1969
    birth_dates: Mapped[list[str]] = mapped_column(JSON, default=list)
    nationalities: Mapped[list[str]] = mapped_column(JSON, default=list)
    identifiers: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    properties: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WatchlistKey(Base):
    """A blocking key of an entry: a phonetic name-token key (``n:``) or an identifier
    (``id:``). Screening looks candidates up here instead of comparing against every entry."""

    __tablename__ = "watchlist_keys"
    __table_args__ = (Index("ix_watchlist_keys_key", "key", "entry_id"),)

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("watchlist_entries.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
