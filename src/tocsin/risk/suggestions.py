"""Suggested evidence for an assessment: what the data already says about the place.

An analyst rating indicators for a country or an area at a date is shown the documented events
there in the months before, and the event-data indicators for its areas (violence against
civilians against each area's own baseline, with the spikes first). Nothing is cited
automatically: the analyst picks what supports a rating."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from tocsin.cases.events import EventFilters, list_events
from tocsin.cases.schemas import EventSummary
from tocsin.core.access import Actor
from tocsin.core.errors import ValidationFailed
from tocsin.risk.assessments.checks import check_place_country
from tocsin.risk.events import AreaIndicator, Level, Scope, Window, indicators

# Twelve months is the span an assessment usually looks back over; a spike is read against the
# twelve windows before it, as the event-data rules do.
LOOK_BACK_DAYS = 365
MAX_EVENTS = 50


@dataclass(frozen=True)
class Suggestions:
    country: str
    admin_area: str | None
    start: date
    end: date
    events: list[EventSummary] = field(default_factory=list)
    events_total: int = 0
    areas: list[AreaIndicator] = field(default_factory=list)  # the most unusual first

    @property
    def spikes(self) -> list[AreaIndicator]:
        return [a for a in self.areas if a.trend.ratio >= 2 and a.trend.p_value <= 0.01]


def suggest(
    session: Session,
    actor: Actor,
    events_path: Path,
    country: str,
    admin_area: str | None,
    as_of: date,
    days: int = LOOK_BACK_DAYS,
) -> Suggestions:
    """Documented events in the place over ``days`` before ``as_of`` (as far as the actor may
    see; protected titles are audited as read, as any list), and the event-data indicators of
    the country's areas, ranked by how far their latest month is above their own baseline."""
    code = check_place_country(country)
    if not 1 <= days <= 3660:
        raise ValidationFailed.on("days", "must be between 1 and 3660")
    start = as_of - timedelta(days=days)
    found = list_events(
        session, actor,
        EventFilters(date_from=start, date_to=as_of, country=code, admin_area=admin_area,
                     sort="-start"),
        page=1, page_size=MAX_EVENTS,
    )  # fmt: skip
    level = Level.ADMIN1
    areas = indicators(
        events_path, level=level, window=Window.MONTH, start=start, end=as_of,
        scope=Scope(max_tlp=actor.clearance, country=code),
    )  # fmt: skip
    if admin_area:
        wanted = admin_area.strip().casefold()
        areas = [a for a in areas if (a.area.admin1 or "").casefold() == wanted]
    areas.sort(key=lambda a: (a.trend.p_value, -a.trend.ratio))
    return Suggestions(code, admin_area, start, as_of, found.items, found.total, areas)
