"""Who did what to whom: events, acts, persons, organisations, sources, consent, interventions.

Identifying person data (names, birth date, contact, group identities, notes) is held only in
encrypted columns. Names carry a blind index so they can be found by exact token.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from tocsin.core.clock import utcnow
from tocsin.core.db import Base
from tocsin.core.ids import new_id
from tocsin.core.types import EncryptedJSON, EncryptedText, UTCDateTime


class Record:
    """Columns every case record carries: identity, sharing level and who touched it."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tlp: Mapped[int] = mapped_column(SmallInteger, default=2, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @declared_attr
    def created_by(cls) -> Mapped[str | None]:
        return mapped_column(String(36), nullable=True, index=True)

    @declared_attr
    def updated_by(cls) -> Mapped[str | None]:
        return mapped_column(String(36), nullable=True)


class Place:
    """Where something happened, inline on the record that happened there."""

    place_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    admin_area: Mapped[str | None] = mapped_column(String(200), nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)


class Dated:
    """A time span with the precision the source gave (day, month, year, approximate)."""

    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    start_precision: Mapped[str | None] = mapped_column(String(12), nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_precision: Mapped[str | None] = mapped_column(String(12), nullable=True)


class VocabularyTerm(Base):
    __tablename__ = "vocabulary_terms"
    __table_args__ = (UniqueConstraint("vocabulary", "code"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    vocabulary: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(80))
    parent: Mapped[str | None] = mapped_column(String(80), nullable=True)
    labels: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    descriptions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Organisation(Record, Base):
    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), nullable=True, index=True
    )
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)


class Person(Record, Base):
    __tablename__ = "persons"

    sex: Mapped[str | None] = mapped_column(String(20), nullable=True)
    age: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    age_min: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    age_max: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    birth_date: Mapped[str | None] = mapped_column(
        EncryptedText("persons.birth_date"), nullable=True
    )
    nationality: Mapped[str | None] = mapped_column(String(2), nullable=True)
    identities: Mapped[dict[str, Any] | None] = mapped_column(
        EncryptedJSON("persons.identities"), nullable=True
    )
    contact: Mapped[dict[str, Any] | None] = mapped_column(
        EncryptedJSON("persons.contact"), nullable=True
    )
    notes: Mapped[str | None] = mapped_column(EncryptedText("persons.notes"), nullable=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)

    names: Mapped[list[PersonName]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PersonName.position"
    )


class PersonName(Base):
    __tablename__ = "person_names"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(EncryptedText("person_names.value"))
    script: Mapped[str] = mapped_column(String(8), default="Latn")
    kind: Mapped[str] = mapped_column(String(24), default="full")
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    search_tokens: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship(back_populates="names")


class Event(Record, Place, Dated, Base):
    __tablename__ = "events"
    __table_args__ = (
        # Each list order has its index, so a page is read in order instead of sorted.
        Index("ix_events_start_id", "start_date", "id"),
        Index("ix_events_title_id", "title", "id"),
        # Date-range filters test both ends, and every query the reader's clearance: with
        # both in one index, counting a date range reads no rows.
        Index("ix_events_span", "start_date", "end_date", "tlp", "created_by"),
        Index("ix_events_area", "country", "admin_area"),
        Index("ix_events_end_date", "end_date"),
        # The dashboard's data-version check and its newest-awaiting-verification list.
        Index("ix_events_updated_at", "updated_at"),
        Index("ix_events_status_created", "status", "created_at", "id"),
        # The dashboard's count by day and place reads this index alone, in order (no sort).
        Index("ix_events_day_place", "start_date", "country", "admin_area", "tlp", "created_by"),
    )

    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(32), default="reported", index=True)
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)

    acts: Mapped[list[Act]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Act.created_at"
    )


class EventStatusChange(Base):
    __tablename__ = "event_status_changes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    to_status: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Act(Record, Place, Dated, Base):
    __tablename__ = "acts"
    __table_args__ = (
        CheckConstraint("victim_count >= 1", name="victim_count_positive"),
        # Covering indexes (clearance columns included) for "events with an act of type T":
        # counting starts from the type, paging probes each event in order.
        # victim_count rides along so the dashboard's victims by act type read no rows.
        Index(
            "ix_acts_type_event", "act_type", "event_id", "tlp", "created_by", "victim_count"
        ),
        Index("ix_acts_event_type", "event_id", "act_type", "tlp", "created_by"),
        Index("ix_acts_start_id", "start_date", "id"),
        # A victim-group search reads this index alone, never the acts themselves.
        Index("ix_acts_victim_group", "victim_group", "event_id", "tlp", "created_by"),
        Index("ix_acts_updated_at", "updated_at"),  # the dashboard's data-version check
        # The dashboard's victims by day and place, from the index alone, in order.
        Index(
            "ix_acts_day_place",
            "start_date",
            "country",
            "admin_area",
            "victim_count",
            "tlp",
            "created_by",
            "event_id",
        ),
    )

    # Indexed first in ix_acts_event_type, which also serves the foreign key.
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    act_type: Mapped[str] = mapped_column(String(80))
    victim_person_id: Mapped[str | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), nullable=True, index=True
    )
    victim_group: Mapped[str | None] = mapped_column(String(200), nullable=True)
    victim_count: Mapped[int] = mapped_column(Integer, default=1)
    description: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship(back_populates="acts")
    perpetrators: Mapped[list[ActPerpetrator]] = relationship(
        back_populates="act", cascade="all, delete-orphan"
    )


class ActPerpetrator(Base):
    __tablename__ = "act_perpetrators"
    __table_args__ = (
        CheckConstraint(
            "organisation_id IS NOT NULL OR person_id IS NOT NULL", name="has_perpetrator"
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    act_id: Mapped[str] = mapped_column(ForeignKey("acts.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=True, index=True
    )
    person_id: Mapped[str | None] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), nullable=True, index=True
    )
    involvement: Mapped[str] = mapped_column(String(40), default="direct")

    act: Mapped[Act] = relationship(back_populates="perpetrators")


class Source(Record, Base):
    __tablename__ = "sources"

    title: Mapped[str] = mapped_column(String(500))
    source_type: Mapped[str] = mapped_column(String(40))
    reliability: Mapped[str] = mapped_column(String(1), default="F")
    credibility: Mapped[int] = mapped_column(SmallInteger, default=6)
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    obtained_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    person_id: Mapped[str | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), nullable=True, index=True
    )
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    # The source this one repeats (an article quoting a report): not independent of it, so
    # corroboration counts the two once.
    repeats_id: Mapped[str | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), nullable=True, index=True
    )


class SourceLink(Base):
    """A fact (event, act, person, organisation, intervention) and one source behind it."""

    __tablename__ = "source_links"
    __table_args__ = (
        UniqueConstraint("source_id", "target_type", "target_id"),
        Index("ix_source_links_target", "target_type", "target_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str] = mapped_column(String(36))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class Consent(Record, Base):
    __tablename__ = "consents"

    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    use_in_case_file: Mapped[bool] = mapped_column(Boolean, default=True)
    share_with: Mapped[list[str]] = mapped_column(JSON, default=list)
    given_on: Mapped[date] = mapped_column(Date)
    recorded_how: Mapped[str] = mapped_column(String(40))
    recorded_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    notes: Mapped[str | None] = mapped_column(EncryptedText("consents.notes"), nullable=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    withdrawn_reason: Mapped[str | None] = mapped_column(
        EncryptedText("consents.withdrawn_reason"), nullable=True
    )
    withdrawn_recorded_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class Intervention(Record, Base):
    __tablename__ = "interventions"
    __table_args__ = (
        CheckConstraint("event_id IS NOT NULL OR person_id IS NOT NULL", name="has_target"),
    )

    event_id: Mapped[str | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), nullable=True, index=True
    )
    person_id: Mapped[str | None] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), nullable=True, index=True
    )
    intervention_type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    on_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    actor: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")


# The kinds of record a source can stand behind, by the name links use for them.
LINK_TARGETS: dict[str, type[Record]] = {
    "event": Event,
    "act": Act,
    "person": Person,
    "organisation": Organisation,
    "intervention": Intervention,
}
