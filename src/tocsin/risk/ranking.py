"""The risk ranking: one forecast run's countries in order, beside the run before it.

"What changed since the last forecast" is the question a desk officer asks first, so each row
carries the previous run's rank and probability for the same country (None when the country was
not in it), and the rows that entered the top of the list are marked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.core.errors import NotFound
from tocsin.risk.forecast_tables import CountryForecast, ForecastRun, RiskModel

# The Early Warning Project reads its list by the top 30; so does the "entered the top" flag.
TOP = 30


@dataclass(frozen=True)
class RankedCountry:
    rank: int
    ccode: int
    country: str | None
    name: str
    probability: float
    previous_rank: int | None
    previous_probability: float | None
    explanation: list[dict[str, Any]]

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive: the country moved up the list, towards rank 1)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank

    @property
    def entered_top(self) -> bool:
        return self.rank <= TOP and (self.previous_rank is None or self.previous_rank > TOP)


@dataclass(frozen=True)
class Ranking:
    run: ForecastRun
    model: RiskModel
    previous: ForecastRun | None
    rows: list[RankedCountry] = field(default_factory=list)

    @property
    def created_at(self) -> datetime:
        return self.run.created_at


def visible_runs(session: Session, actor: Actor) -> list[ForecastRun]:
    """Every run the actor may see, newest first."""
    runs = session.scalars(
        select(ForecastRun).order_by(ForecastRun.created_at.desc(), ForecastRun.id.desc())
    )
    return [run for run in runs if actor.may_see(run.tlp, run.created_by)]


def ranking(session: Session, actor: Actor, run_id: str | None = None) -> Ranking | None:
    """The ranking of ``run_id`` (by default the newest run the actor may see), or None when
    no forecast has been made yet."""
    runs = visible_runs(session, actor)
    if run_id is None:
        if not runs:
            return None
        index = 0
    else:
        index = next((i for i, run in enumerate(runs) if run.id == run_id), -1)
        if index < 0:
            raise NotFound("no such forecast")
    run = runs[index]
    previous = runs[index + 1] if index + 1 < len(runs) else None
    before = _by_ccode(session, previous.id) if previous else {}
    rows = [
        RankedCountry(
            rank=row.rank,
            ccode=row.ccode,
            country=row.country,
            name=row.name,
            probability=row.probability,
            previous_rank=before[row.ccode].rank if row.ccode in before else None,
            previous_probability=(
                before[row.ccode].probability if row.ccode in before else None
            ),
            explanation=row.explanation,
        )
        for row in _by_ccode(session, run.id).values()
    ]
    rows.sort(key=lambda r: (r.rank, r.name))
    model = session.get(RiskModel, run.model_id)
    assert model is not None  # a run's model is never deleted (foreign key)
    return Ranking(run=run, model=model, previous=previous, rows=rows)


def _by_ccode(session: Session, run_id: str) -> dict[int, CountryForecast]:
    rows = session.scalars(select(CountryForecast).where(CountryForecast.run_id == run_id))
    return {row.ccode: row for row in rows}


@dataclass(frozen=True)
class TrendPoint:
    run_id: str
    year: int
    created_at: datetime
    probability: float
    rank: int


def country_trend(session: Session, actor: Actor, country: str) -> list[TrendPoint]:
    """A country's forecasts over the runs the actor may see, oldest first (a trend chart)."""
    seen = {run.id: run for run in visible_runs(session, actor)}
    rows = session.scalars(
        select(CountryForecast).where(
            CountryForecast.country == country, CountryForecast.run_id.in_(list(seen))
        )
    )
    points = [
        TrendPoint(
            row.run_id, seen[row.run_id].year, seen[row.run_id].created_at, row.probability,
            row.rank,
        )
        for row in rows
    ]
    return sorted(points, key=lambda p: (p.created_at, p.run_id))
