"""One country's risk in one place: its forecasts over the runs, the latest explanation, its
assessments (of the country and of areas in it), violence against civilians by admin1 area with
a monthly series, and whether the team watches it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.core.countries import check_country
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.settings import Settings
from tocsin.risk.assessments.schemas import AssessmentSummary
from tocsin.risk.assessments.views import list_assessments
from tocsin.risk.events.area_indicators import Scope, series
from tocsin.risk.events.models import AreaSeries, Level
from tocsin.risk.forecast_tables import WatchItem
from tocsin.risk.horizon_events import EventFigures, event_figures, events_path, guarded
from tocsin.risk.ranking import RankedCountry, Ranking, TrendPoint, country_trend, ranking
from tocsin.risk.watch import watched

ASSESSMENTS_SHOWN = 100  # a country's history rarely runs past a few dozen
SERIES_MONTHS = 24


@dataclass(frozen=True)
class CountryOutlook:
    country: str
    area: str | None  # the admin1 area looked at within the country, if any
    trend: list[TrendPoint]
    ranking: Ranking | None
    forecast: RankedCountry | None  # the country in the newest run the reader may see
    assessments: list[AssessmentSummary]
    assessments_total: int
    events: EventFigures
    series: AreaSeries | None  # monthly: the area's when one is looked at, else the country's
    watches: list[WatchItem] = field(default_factory=list)


def checked_country(alpha2: str) -> str:
    """An ISO alpha-2 code from an address; anything else is a page that does not exist."""
    try:
        code = check_country(alpha2, "country")
    except ValidationFailed:
        raise NotFound("no such country") from None
    if code is None or code != alpha2:
        raise NotFound("no such country")
    return code


def _series(path: Path, actor: Actor, country: str, area: str | None) -> AreaSeries | None:
    scope = Scope(max_tlp=actor.clearance, country=country, admin1=area)
    level = Level.ADMIN1 if area else Level.COUNTRY
    _, found = guarded(path, lambda: series(path, level=level, scope=scope,
                                            windows=SERIES_MONTHS))  # fmt: skip
    return found[0] if found else None


def country_outlook(
    session: Session,
    actor: Actor,
    settings_or_events_path: Settings | Path,
    alpha2: str,
    area: str | None = None,
) -> CountryOutlook:
    """Everything the country page shows, as ``actor`` may see it (``alpha2`` upper case)."""
    code = checked_country(alpha2)
    area = (area or "").strip()[:200] or None
    ranked = ranking(session, actor)
    forecast = next((r for r in ranked.rows if r.country == code), None) if ranked else None
    found = list_assessments(session, actor, country=code, page_size=ASSESSMENTS_SHOWN)
    path = events_path(settings_or_events_path)
    figures = event_figures(path, actor, country=code)
    return CountryOutlook(
        code, area, country_trend(session, actor, code), ranked, forecast, found.items,
        found.total, figures, _series(path, actor, code, area),
        [w for w in watched(session) if w.country == code],
    )  # fmt: skip
