"""One scale of risk for the statistical forecast and the analysts' assessments, and the shape of
a change of level, so the horizon scan and the alert rule "risk level changed" read both alike.

An assessment's level comes from its ratings (``assessments.levels``). A forecast's level is the
band its probability falls in. The bands are our choice, on the probability of a mass-killing
onset within two years: 1 in 100 is where a country stops being ordinary (most countries sit
well below it), 1 in 25 is the order of the share of countries that see an onset in a two-year
span, 1 in 10 puts a country among the handful the model is most worried about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum

from tocsin.risk.assessments.scale import Level

# (lowest probability, level), highest first.
FORECAST_BANDS: tuple[tuple[float, Level], ...] = (
    (0.10, Level.VERY_HIGH),
    (0.04, Level.HIGH),
    (0.01, Level.MODERATE),
)


def forecast_level(probability: float) -> Level:
    """The band of a forecast probability (``FORECAST_BANDS``)."""
    for floor, level in FORECAST_BANDS:
        if probability >= floor:
            return level
    return Level.LOW


class LevelSource(StrEnum):
    FORECAST = "forecast"
    ASSESSMENT = "assessment"


@dataclass(frozen=True)
class LevelChange:
    """A place whose level of risk changed: a forecast run against the run before it, or an
    approved assessment against the previous approved one of the same place."""

    source: LevelSource
    country: str  # ISO 3166-1 alpha-2
    area: str | None  # None: the whole country (forecasts are always national)
    before: Level
    after: Level
    at: datetime  # when the change became known: the run made, the assessment approved
    record_id: str  # the newer forecast run or assessment
    previous_id: str  # the run or assessment it is compared with
    tlp: int  # sharing level of the newer record: tell only people cleared to it
    probability: float | None = None  # forecasts: the figures behind the bands
    previous_probability: float | None = None

    @property
    def raised(self) -> bool:
        return self.after > self.before


def start_of(day: date | datetime) -> datetime:
    """A date as the first instant of that day in UTC (stored times are UTC)."""
    if isinstance(day, datetime):
        return day if day.tzinfo else day.replace(tzinfo=UTC)
    return datetime.combine(day, time.min, tzinfo=UTC)
