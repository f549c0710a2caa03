"""The statistical forecast as the horizon scan reads it: which countries moved since a date,
and which changed level from one run to the next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.risk.forecast_tables import CountryForecast, ForecastRun
from tocsin.risk.horizon_levels import LevelChange, LevelSource, forecast_level, start_of
from tocsin.risk.ranking import RankedCountry, visible_runs

# A move of this many places or more is news; smaller ones are the noise of a new year's data.
MOVE = 5


@dataclass(frozen=True)
class RankMoves:
    """The newest run made since a date against the run that was current on that date."""

    run: ForecastRun | None  # None: no forecast was made in the period
    baseline: ForecastRun | None  # None: no other run to compare with
    moves: list[RankedCountry] = field(default_factory=list)


def _rows(session: Session, run_ids: Sequence[str]) -> dict[str, dict[int, CountryForecast]]:
    """{run id: {ccode: row}} for several runs in one query."""
    found: dict[str, dict[int, CountryForecast]] = {run_id: {} for run_id in run_ids}
    if run_ids:
        query = select(CountryForecast).where(CountryForecast.run_id.in_(list(run_ids)))
        for row in session.scalars(query):
            found[row.run_id][row.ccode] = row
    return found


def _compared(now: dict[int, CountryForecast],
              before: dict[int, CountryForecast]) -> list[RankedCountry]:  # fmt: skip
    rows = []
    for row in now.values():
        old = before.get(row.ccode)
        rows.append(RankedCountry(
            rank=row.rank, ccode=row.ccode, country=row.country, name=row.name,
            probability=row.probability, previous_rank=old.rank if old else None,
            previous_probability=old.probability if old else None, explanation=row.explanation,
        ))  # fmt: skip
    return sorted(rows, key=lambda r: (r.rank, r.name))


def rank_moves(session: Session, actor: Actor, since: date | datetime) -> RankMoves:
    """Countries of the newest run made since ``since`` that moved ``MOVE`` places or more, or
    entered the top of the list, against the newest run made before ``since`` (or, when every
    run was made since then, against the first of them)."""
    runs = visible_runs(session, actor)
    start = start_of(since)
    if not runs or runs[0].created_at < start:
        return RankMoves(None, None)
    # The run current when the period began; failing one, the period's own first run.
    baseline = next((run for run in runs if run.created_at < start), None)
    if baseline is None and len(runs) > 1:
        baseline = runs[-1]
    if baseline is None:
        return RankMoves(runs[0], None)
    rows = _rows(session, [runs[0].id, baseline.id])
    moves = [
        r for r in _compared(rows[runs[0].id], rows[baseline.id])
        if r.entered_top or (r.rank_change is not None and abs(r.rank_change) >= MOVE)
    ]  # fmt: skip
    return RankMoves(runs[0], baseline, moves)


def forecast_level_changes(
    session: Session, actor: Actor, since: date | datetime
) -> list[LevelChange]:
    """Each run made since ``since`` against the run before it: the countries whose band
    (``horizon_levels.FORECAST_BANDS``) changed."""
    runs = visible_runs(session, actor)
    start = start_of(since)
    pairs = [
        (run, runs[i + 1]) for i, run in enumerate(runs)
        if run.created_at >= start and i + 1 < len(runs)
    ]  # fmt: skip
    rows = _rows(session, sorted({run.id for pair in pairs for run in pair}))
    changes = []
    for run, previous in pairs:
        before = rows[previous.id]
        for row in rows[run.id].values():
            old = before.get(row.ccode)
            if row.country is None or old is None:
                continue
            after, was = forecast_level(row.probability), forecast_level(old.probability)
            if after != was:
                changes.append(LevelChange(
                    LevelSource.FORECAST, row.country, None, was, after, run.created_at, run.id,
                    previous.id, run.tlp, row.probability, old.probability,
                ))  # fmt: skip
    return changes
