"""Tables of the statistical forecast: trained models, forecast runs and each country's figure.

A trained model is kept whole (its parameters as JSON, never a pickle) with the hash of the data
it learnt from, so any forecast can be traced to the model and table behind it. Runs are never
edited: a new forecast is a new run, and the ranking page compares a run with the one before.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tocsin.core.clock import utcnow
from tocsin.core.db import Base
from tocsin.core.ids import new_id
from tocsin.core.types import UTCDateTime


class RiskModel(Base):
    """One trained model: what it learnt from and how to run it again."""

    __tablename__ = "risk_models"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    trained_until: Mapped[int] = mapped_column(Integer)
    data_name: Mapped[str] = mapped_column(Text)  # the file's name, as given
    data_path: Mapped[str] = mapped_column(Text)  # where to read predictors for later forecasts
    data_sha256: Mapped[str] = mapped_column(String(64))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    card: Mapped[dict[str, Any]] = mapped_column(JSON)
    train_seconds: Mapped[float] = mapped_column(Float)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ForecastRun(Base):
    """The forecast of one model from one year's predictors, for every country in the table."""

    __tablename__ = "risk_forecast_runs"
    __table_args__ = (Index("ix_risk_forecast_runs_year", "year", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    model_id: Mapped[str] = mapped_column(ForeignKey("risk_models.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)  # the predictors' year; onsets in year+1..year+2
    countries: Mapped[int] = mapped_column(Integer)
    tlp: Mapped[int] = mapped_column(SmallInteger)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CountryForecast(Base):
    """One country's probability of a mass-killing onset within two years, and why."""

    __tablename__ = "risk_country_forecasts"

    run_id: Mapped[str] = mapped_column(
        ForeignKey("risk_forecast_runs.id", ondelete="CASCADE"), primary_key=True
    )
    ccode: Mapped[int] = mapped_column(Integer, primary_key=True)  # the table's COW number
    country: Mapped[str | None] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    name: Mapped[str] = mapped_column(Text)
    probability: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    explanation: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class WatchItem(Base):
    """A country or area the team has chosen to follow closely, whatever the figures say."""

    __tablename__ = "risk_watch_items"
    __table_args__ = (Index("uq_risk_watch_items_place", "country", "area", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    country: Mapped[str] = mapped_column(String(2))
    area: Mapped[str] = mapped_column(String(200), default="")  # "" is the whole country
    reason: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
