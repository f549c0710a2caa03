"""Horizon scanning: countries and areas ranked by statistical risk and by analysts' assessment,
what changed since a date, and the watchlist first, each watched place with its latest figures.

Everything is read as the actor may see it: forecast runs and assessments within their
clearance (protected assessments read this way are audited), event data counted within it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.roles import Permission
from tocsin.core.settings import Settings
from tocsin.risk.events.models import AreaIndicator
from tocsin.risk.forecast_tables import ForecastRun, WatchItem
from tocsin.risk.horizon_assessed import (
    AssessedPlace,
    approved_by_place,
    approved_since,
    assessment_level_changes,
    latest_by_place,
)
from tocsin.risk.horizon_events import EventFigures, event_figures, events_path
from tocsin.risk.horizon_forecast import forecast_level_changes, rank_moves
from tocsin.risk.horizon_levels import LevelChange
from tocsin.risk.ranking import RankedCountry, Ranking, ranking
from tocsin.risk.watch import watched

PERIOD_DAYS = 90  # the default period: a quarter, as most horizon-scanning notes are written


@dataclass(frozen=True)
class Changes:
    since: date
    approvals: list[AssessedPlace] = field(default_factory=list)
    level_changes: list[LevelChange] = field(default_factory=list)
    forecast_run: ForecastRun | None = None  # the newest run made in the period
    baseline_run: ForecastRun | None = None  # the run it is compared with (see rank_moves)
    rank_moves: list[RankedCountry] = field(default_factory=list)
    spikes: list[AreaIndicator] = field(default_factory=list)


@dataclass(frozen=True)
class PlaceFigures:
    """A country (``area`` "") or an area in it, with every figure the scan has for it."""

    country: str
    area: str
    watch_id: str | None = None
    watch_reason: str = ""
    forecast: RankedCountry | None = None  # always the country's: the model is national
    assessment: AssessedPlace | None = None  # this place's latest approved assessment
    events: AreaIndicator | None = None
    spike: bool = False


@dataclass(frozen=True)
class HorizonScan:
    since: date
    ranking: Ranking | None
    assessed: list[AssessedPlace]
    changes: Changes
    watchlist: list[PlaceFigures]
    places: list[PlaceFigures]  # watched places first, then every other place with a figure
    events: EventFigures


def default_since(today: date | None = None) -> date:
    return (today or utcnow().date()) - timedelta(days=PERIOD_DAYS)


def horizon_scan(
    session: Session,
    actor: Actor,
    settings_or_events_path: Settings | Path,
    since: date | None = None,
) -> HorizonScan:
    """The scan of everything the actor may see; changes are those since ``since`` (by
    default ``PERIOD_DAYS`` ago)."""
    actor.require(Permission.READ)
    since = since or default_since()
    ranked = ranking(session, actor)
    by_place = approved_by_place(session, actor)
    assessed = latest_by_place(session, actor, by_place)
    approvals = approved_since(session, actor, by_place, since)
    events = event_figures(events_path(settings_or_events_path), actor)
    moves = rank_moves(session, actor, since)
    changes = Changes(
        since, approvals,
        _newest_first(forecast_level_changes(session, actor, since)
                      + assessment_level_changes(approvals)),
        moves.run, moves.baseline, moves.moves,
        events.spikes if events.as_of and events.as_of >= since else [],
    )  # fmt: skip
    places = _places(ranked, assessed, events, watched(session))
    return HorizonScan(since, ranked, assessed, changes,
                       [p for p in places if p.watch_id], places, events)  # fmt: skip


def risk_level_changes(session: Session, actor: Actor, since: date | datetime) -> list[LevelChange]:
    """Every change of risk level since ``since``, newest first: a forecast run whose band for a
    country (``horizon_levels.FORECAST_BANDS``) differs from the run before it, and an approved
    assessment whose overall level differs from the previous approved one of the same place.

    This is what the alert rule "risk level changed" is to call (with the rule's last check as
    ``since``): each change carries the sharing level of the record behind it, so an alert only
    goes to people cleared to see that record; the actor's own clearance already limits what is
    returned. Plain dataclasses, no storage rows.
    """
    actor.require(Permission.READ)
    approvals = approved_since(session, actor, approved_by_place(session, actor), since)
    return _newest_first(
        forecast_level_changes(session, actor, since) + assessment_level_changes(approvals)
    )


def _newest_first(changes: list[LevelChange]) -> list[LevelChange]:
    """Newest first; at one time, rises before falls, the highest level reached first."""
    by_place = sorted(changes, key=lambda c: (c.country, c.area or ""))
    return sorted(by_place, key=lambda c: (c.at, c.raised, c.after), reverse=True)


def _places(
    ranked: Ranking | None,
    assessed: list[AssessedPlace],
    events: EventFigures,
    watchlist: list[WatchItem],
) -> list[PlaceFigures]:
    forecasts: dict[str, RankedCountry] = {}
    for row in ranked.rows if ranked else []:
        if row.country is not None:
            forecasts.setdefault(row.country, row)  # rows come best rank first
    assessments = {(a.country, (a.area or "").casefold()): a for a in assessed}
    keys = [(w.country, w.area) for w in watchlist]
    keys += [(code, "") for code in forecasts]
    keys += [(a.country, a.area or "") for a in assessed]
    keys += [(s.area.country_alpha2, s.area.admin1 or "") for s in events.spikes
             if s.area.country_alpha2]  # fmt: skip
    watches = {(w.country, w.area.casefold()): w for w in watchlist}
    seen: set[tuple[str, str]] = set()
    places = []
    for country, area in keys:
        key = (country, area.casefold())
        if country is None or key in seen:
            continue
        seen.add(key)
        item = watches.get(key)
        places.append(PlaceFigures(
            country, area, item.id if item else None, item.reason if item else "",
            forecasts.get(country), assessments.get(key), events.at(country, area),
            events.spiking(country, area),
        ))  # fmt: skip
    watched_first = [p for p in places if p.watch_id]
    rest = sorted((p for p in places if not p.watch_id), key=lambda p: (
        p.forecast.rank if p.forecast else 1_000_000, p.country, p.area.casefold()))  # fmt: skip
    return watched_first + rest
