"""The vocabulary of event data (perpetrator types, area levels, windows) and the plain results
the services return. Defined once here; the importers, the indicators and the CLI read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from tocsin.risk.events.countries import alpha2_of


class Perpetrator(StrEnum):
    """Who committed the violence, as coarse as the datasets allow."""

    STATE_FORCES = "state_forces"
    REBELS = "rebels"
    MILITIAS = "militias"  # political and identity (communal, ethnic, religious) militias
    NON_STATE = "non_state"  # an armed group the source does not class as rebel or militia
    OTHER = "other"  # anyone else, or unknown

    @property
    def label(self) -> str:
        return _PERPETRATOR_LABELS[self]


_PERPETRATOR_LABELS = {
    Perpetrator.STATE_FORCES: "State forces",
    Perpetrator.REBELS: "Rebel groups",
    Perpetrator.MILITIAS: "Militias (political or identity)",
    Perpetrator.NON_STATE: "Non-state armed groups (not further classed)",
    Perpetrator.OTHER: "Other or unknown",
}


class Level(StrEnum):
    """How finely events are grouped into areas."""

    COUNTRY = "country"
    ADMIN1 = "admin1"
    ADMIN2 = "admin2"

    @property
    def columns(self) -> tuple[str, ...]:
        return _LEVEL_COLUMNS[self]


_LEVEL_COLUMNS = {
    Level.COUNTRY: ("country",),
    Level.ADMIN1: ("country", "admin1"),
    Level.ADMIN2: ("country", "admin1", "admin2"),
}


class Window(StrEnum):
    """The length of one period of counting. Weeks start on Monday (ISO 8601)."""

    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Area:
    """A country, or an admin area inside one, as the datasets name it. None: not given."""

    level: Level
    country: str | None
    admin1: str | None = None
    admin2: str | None = None

    @property
    def country_alpha2(self) -> str | None:
        return alpha2_of(self.country)

    @property
    def label(self) -> str:
        parts = [self.country or "?"]
        if self.level is not Level.COUNTRY:
            parts.append(self.admin1 or "(admin1 not given)")
        if self.level is Level.ADMIN2:
            parts.append(self.admin2 or "(admin2 not given)")
        return " / ".join(parts)


@dataclass(frozen=True)
class Tally:
    events: int = 0
    fatalities: int = 0


@dataclass(frozen=True)
class Breakdown:
    """Violence against civilians in one span: in all, and by perpetrator type."""

    total: Tally
    by_perpetrator: dict[Perpetrator, Tally] = field(default_factory=dict)


@dataclass(frozen=True)
class Trend:
    """The latest window against the area's own baseline (docs/risk-events.md, "Baseline")."""

    baseline_windows: int
    baseline_mean: float  # events per window over the baseline windows, empty windows included
    expected: float  # the Poisson rate tested: the mean, floored at one event per baseline
    ratio: float  # latest events / expected
    z: float  # (latest - expected) / sqrt(expected)
    p_value: float  # P(X >= latest) for X ~ Poisson(expected)


@dataclass(frozen=True)
class AreaIndicator:
    area: Area
    window: Window
    period_start: date
    period_end: date
    period: Breakdown  # the whole period asked for
    latest_start: date  # first day of the latest window (the one holding period_end)
    latest: Breakdown
    trend: Trend


@dataclass(frozen=True)
class SeriesPoint:
    start: date  # first day of the window
    total: Tally
    by_perpetrator: dict[Perpetrator, Tally]


@dataclass(frozen=True)
class AreaSeries:
    """One line of a trend chart: every window of the span, empty ones included."""

    area: Area
    window: Window
    points: list[SeriesPoint]


@dataclass(frozen=True)
class ImportReport:
    dataset: str
    rows: int  # data rows in the file
    added: int
    replaced: int  # rows that replaced an earlier import of the same event
    kept_newer: int  # rows refused because the stored copy was updated later
    duplicates_in_file: int  # rows of the file superseded by a later row with the same id
    seconds: float


@dataclass(frozen=True)
class SyncReport:
    events: int  # documented events read
    rows: int  # rows written (an event with acts at several sharing levels writes several)
    skipped_undated: int
    skipped_rejected: int
    seconds: float
