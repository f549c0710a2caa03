"""Event-data figures for the horizon scan and the country page, counted within the reader's
clearance. The event-data file is derived data that may not exist yet (nothing imported) or may
be held by an import running in another process: both are reported, never a failed page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from tocsin.core.access import Actor
from tocsin.core.errors import Conflict
from tocsin.core.roles import Permission
from tocsin.core.settings import Settings
from tocsin.risk.events.area_indicators import Scope, indicators, latest_date, spikes
from tocsin.risk.events.models import AreaIndicator, Level
from tocsin.risk.events.store import default_path

T = TypeVar("T")


class EventData(StrEnum):
    READY = "ready"
    MISSING = "missing"  # no event data imported yet
    BUSY = "busy"  # another process (an import) holds the file


@dataclass(frozen=True)
class EventFigures:
    state: EventData
    as_of: date | None = None  # the last day with an event the reader may see
    countries: list[AreaIndicator] = field(default_factory=list)
    areas: list[AreaIndicator] = field(default_factory=list)  # admin1
    spikes: list[AreaIndicator] = field(default_factory=list)  # admin1, latest window

    def at(self, country: str, area: str | None) -> AreaIndicator | None:
        """The figures of a country (``area`` empty) or of an admin1 area in it, matching the
        area's name without regard to case (datasets and analysts spell alike, case apart)."""
        return _find(self.areas if area else self.countries, country, area)

    def spiking(self, country: str, area: str | None) -> bool:
        return _find(self.spikes, country, area, whole_country=not area) is not None


def _find(
    rows: list[AreaIndicator], country: str, area: str | None, whole_country: bool = False
) -> AreaIndicator | None:
    wanted = (area or "").casefold()
    for row in rows:
        if row.area.country_alpha2 != country:
            continue
        if whole_country or not area or (row.area.admin1 or "").casefold() == wanted:
            return row
    return None


def events_path(settings_or_path: Settings | Path) -> Path:
    if isinstance(settings_or_path, Path):
        return settings_or_path
    return default_path(settings_or_path)


def guarded(path: Path, read: Callable[[], T]) -> tuple[EventData, T | None]:
    """Run ``read`` on the event-data file unless it is missing or busy."""
    if not path.exists():
        return EventData.MISSING, None
    try:
        return EventData.READY, read()
    except Conflict:
        return EventData.BUSY, None


def event_figures(path: Path, actor: Actor, country: str | None = None) -> EventFigures:
    """Violence against civilians by country and by admin1 (monthly, against each area's own
    baseline) and the admin1 spikes of the latest month, optionally of one country only."""
    actor.require(Permission.READ)
    scope = Scope(max_tlp=actor.clearance, country=country)

    def read() -> EventFigures:
        end = latest_date(path, scope)
        if end is None:
            return EventFigures(EventData.READY)
        return EventFigures(
            EventData.READY,
            end,
            indicators(path, level=Level.COUNTRY, end=end, scope=scope),
            indicators(path, level=Level.ADMIN1, end=end, scope=scope),
            spikes(path, level=Level.ADMIN1, end=end, scope=scope),
        )

    state, figures = guarded(path, read)
    return figures if figures is not None else EventFigures(state)
