"""Tables of the risk framework and of analysts' assessments on it.

The framework (UN Framework of Analysis: factors and their indicators) is stored per version, so
an assessment keeps meaning what it meant when it was made even after the framework file changes.
An assessment rates indicators of one version; its factor and overall levels are derived from the
ratings (see ``tocsin.risk.assessments.levels``) and stored with it so lists need not recompute
them. Every workflow step is kept in ``risk_assessment_transitions``, which the database keeps
append-only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from tocsin.cases.models import Record
from tocsin.core.clock import utcnow
from tocsin.core.db import Base
from tocsin.core.ids import new_id
from tocsin.core.types import UTCDateTime


class FrameworkVersion(Base):
    """One version of the framework file, as loaded. ``digest`` covers its English content, so a
    file changed without a new version is noticed instead of silently rewriting history."""

    __tablename__ = "risk_framework_versions"

    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    digest: Mapped[str] = mapped_column(String(64))
    current: Mapped[bool] = mapped_column(Boolean, default=False)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    categories: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {code: {lang: name}}


class RiskFactor(Base):
    __tablename__ = "risk_factors"

    version: Mapped[str] = mapped_column(
        ForeignKey("risk_framework_versions.version", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(12), primary_key=True)  # RF1 .. RF14
    category: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer)
    names: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {lang: text}
    descriptions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RiskIndicator(Base):
    """An indicator under a factor: from the framework file, or added by this organisation
    (``local``, with an id such as RF3.L1 that no framework version will ever use)."""

    __tablename__ = "risk_indicators"
    __table_args__ = (
        ForeignKeyConstraint(
            ["version", "factor"],
            ["risk_factors.version", "risk_factors.code"],
            name="fk_risk_indicators_factor_risk_factors",
            ondelete="CASCADE",
        ),
    )

    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    code: Mapped[str] = mapped_column(String(20), primary_key=True)  # RF1.3, RF3.L1
    factor: Mapped[str] = mapped_column(String(12))
    position: Mapped[int] = mapped_column(Integer)
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {lang: text}
    local: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RiskAssessment(Record, Base):
    """An analyst's assessment of one country, or one area in it, at a date."""

    __tablename__ = "risk_assessments"
    __table_args__ = (Index("ix_risk_assessments_place", "country", "admin_area", "as_of"),)

    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2, as events
    admin_area: Mapped[str | None] = mapped_column(String(200), nullable=True)
    as_of: Mapped[date] = mapped_column(Date)
    framework_version: Mapped[str] = mapped_column(
        ForeignKey("risk_framework_versions.version", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    overall_level: Mapped[str | None] = mapped_column(String(12), nullable=True)
    factor_levels: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {RF1: level}
    approved_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RiskRating(Base):
    """One indicator as rated in one assessment. An indicator with no row is not assessed."""

    __tablename__ = "risk_ratings"

    assessment_id: Mapped[str] = mapped_column(
        ForeignKey("risk_assessments.id", ondelete="CASCADE"), primary_key=True
    )
    indicator: Mapped[str] = mapped_column(String(20), primary_key=True)
    rating: Mapped[str] = mapped_column(String(12))  # absent, present, serious
    confidence: Mapped[str | None] = mapped_column(String(8), nullable=True)
    narrative: Mapped[str] = mapped_column(Text, default="")
    # Who is affected, by age, gender, ethnicity, religion, race or other: [{dimension, group,
    # note}]. Groups of people, never named persons.
    groups: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class RiskAssessmentLink(Base):
    """An event, source or evidence record that supports one rating."""

    __tablename__ = "risk_assessment_links"
    __table_args__ = (Index("ix_risk_assessment_links_target", "target_type", "target_id"),)

    assessment_id: Mapped[str] = mapped_column(
        ForeignKey("risk_assessments.id", ondelete="CASCADE"), primary_key=True
    )
    indicator: Mapped[str] = mapped_column(String(20), primary_key=True)
    target_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    target_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class RiskAssessmentTransition(Base):
    """One step of an assessment's workflow (created, submitted, approved, returned), with who,
    when and why. Append-only: the database refuses UPDATE and DELETE (migration 0008)."""

    __tablename__ = "risk_assessment_transitions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    assessment_id: Mapped[str] = mapped_column(
        ForeignKey("risk_assessments.id", ondelete="RESTRICT"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(12), nullable=True)
    to_status: Mapped[str] = mapped_column(String(12))
    by: Mapped[str] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
