"""The Early Warning Project's rolling backtest, on any design.

For each forecast year t from ``start - 1`` to ``end - 1``: train on the country-years up to
t - 2 (their two-year outcomes are known at t), forecast every country from year t's predictors
and rank them. An onset year Y from ``start`` to ``end`` is scored with the higher of the
forecasts made from Y - 1 and Y - 2 and the better of their two ranks; the first year has only
the forecast from Y - 1, as in EWP's ``FOOSforecasts`` file. Country-years with neither
forecast (a country new that year) are not scored.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tocsin.core.errors import ValidationFailed
from tocsin.risk.forecast.calibration import Calibration, calibration
from tocsin.risk.forecast.data import ONSET, TARGET, CountryYearTable
from tocsin.risk.forecast.design import DEFAULT_DESIGN, ModelDesign, design_named
from tocsin.risk.forecast.features import feature_frame
from tocsin.risk.forecast.metrics import BacktestMetrics, score
from tocsin.risk.forecast.model import fit_frame, known_outcome, rank_descending

Progress = Callable[[int, int, int], None]  # (forecast years done, all of them, year just done)
TOP = 30


@dataclass(frozen=True)
class YearForecast:
    year: int  # forecast made from this year's predictors
    ccode: int
    country: str
    probability: float
    rank: int


@dataclass(frozen=True)
class ScoredCountryYear:
    year: int
    ccode: int
    country: str
    onset: int
    max_probability: float  # the higher of the forecasts from year - 1 and year - 2
    min_rank: int  # the better of their ranks


@dataclass(frozen=True)
class BacktestResult:
    design: str
    start: int
    end: int
    metrics: BacktestMetrics
    calibration: Calibration  # each forecast against the two-year outcome it was made for
    forecasts: tuple[YearForecast, ...]
    scored: tuple[ScoredCountryYear, ...]
    seconds: float

    def onsets(self) -> list[ScoredCountryYear]:
        return [s for s in self.scored if s.onset]


def backtest(
    table: CountryYearTable,
    start: int,
    end: int,
    *,
    design: str | ModelDesign = DEFAULT_DESIGN,
    predictors: Sequence[str] | None = None,
    top: int = TOP,
    progress: Progress | None = None,
) -> BacktestResult:
    """Score onsets ``start``..``end`` with forecasts that never saw a later outcome."""
    started = time.perf_counter()
    chosen = design_named(design)
    names = tuple(table.predictors if predictors is None else predictors)
    if start > end:
        raise ValidationFailed.on("start", f"{start} is after the end year {end}")
    if end > table.last_year:
        raise ValidationFailed.on("end", f"the table ends in {table.last_year}")
    if start - 1 - chosen.horizon < table.first_year:
        raise ValidationFailed.on(
            "start", f"the first forecast needs outcomes before {start - 1}; the table starts "
            f"in {table.first_year}",
        )  # fmt: skip
    frame = feature_frame(table, names, chosen.derived)
    years = table.frame["year"].to_numpy()
    rows_known = known_outcome(table.frame, table.last_year).to_numpy()
    forecast_years = list(range(start - 1, end))
    made: list[pd.DataFrame] = []
    two_year: list[tuple[np.ndarray, np.ndarray]] = []
    train_s = 0.0
    for done, year in enumerate(forecast_years, start=1):
        model = fit_frame(table, frame, year, chosen, names)
        train_s += model.train_seconds
        rows = years == year
        x = model.matrix(frame[rows])
        probability = model.probability(x)
        made.append(
            pd.DataFrame({
                "year": year,
                "ccode": table.frame.loc[rows, "ccode"].to_numpy(),
                "country": table.frame.loc[rows, "country"].to_numpy(),
                "probability": probability,
                "rank": rank_descending(probability).astype(int),
            })
        )  # fmt: skip
        known = rows_known[rows]
        two_year.append((probability[known], table.frame.loc[rows, TARGET].to_numpy()[known]))
        if progress is not None:
            progress(done, len(forecast_years), year)
    forecasts = pd.concat(made, ignore_index=True)
    scored = _score_years(table, forecasts, start, end)
    p2 = np.concatenate([p for p, _ in two_year])
    y2 = np.concatenate([y for _, y in two_year]).astype(float)
    metrics = score(
        scored[ONSET].to_numpy(dtype=float),
        scored["max_probability"].to_numpy(),
        scored["min_rank"].to_numpy(),
        top=top,
        two_year=(p2, y2),
        train_s=train_s,
    )
    return BacktestResult(
        design=chosen.name,
        start=start,
        end=end,
        metrics=metrics,
        calibration=calibration(p2, y2),
        forecasts=tuple(
            YearForecast(int(r.year), int(r.ccode), str(r.country), float(r.probability),
                         int(r.rank))
            for r in forecasts.itertuples(index=False)
        ),
        scored=tuple(
            ScoredCountryYear(int(r.year), int(r.ccode), str(r.country), int(r.mk_onset),
                              float(r.max_probability), int(r.min_rank))
            for r in scored.itertuples(index=False)
        ),
        seconds=time.perf_counter() - started,
    )


def _score_years(
    table: CountryYearTable, forecasts: pd.DataFrame, start: int, end: int
) -> pd.DataFrame:
    frame = table.frame
    onsets = frame.loc[(frame["year"] >= start) & (frame["year"] <= end),
                       ["year", "ccode", "country", ONSET]]  # fmt: skip
    columns = ["ccode", "year", "probability", "rank"]
    one = forecasts[columns].assign(year=forecasts["year"] + 1)
    two = forecasts[columns].assign(year=forecasts["year"] + 2)
    merged = onsets.merge(one, on=["ccode", "year"], how="left").merge(
        two, on=["ccode", "year"], how="left", suffixes=("_1", "_2")
    )
    merged["max_probability"] = merged[["probability_1", "probability_2"]].max(axis=1)
    merged["min_rank"] = merged[["rank_1", "rank_2"]].min(axis=1)
    merged = merged.dropna(subset=["max_probability"])
    return merged[["year", "ccode", "country", ONSET, "max_probability", "min_rank"]].reset_index(
        drop=True
    )
