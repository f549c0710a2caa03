"""Train a forecast model for a year and forecast every country from that year's predictors.

``train(table, until)`` makes the model for forecasts from year ``until``: it learns only from
country-years whose two-year outcome is known by then, i.e. years up to ``until - 2`` with both
lead outcomes observed (the Early Warning Project's rule; a country that ceased to exist before
its outcome could be seen is left out). ``forecast(model, table, year)`` gives each country of
that year its probability of an onset in ``year + 1`` or ``year + 2``, its rank and why.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

from tocsin.core.errors import ValidationFailed
from tocsin.risk.forecast.calibration import Platt, fit_platt, match_base_rate
from tocsin.risk.forecast.data import LEADS, TARGET, CountryYearTable
from tocsin.risk.forecast.design import DEFAULT_DESIGN, ModelDesign, design_named
from tocsin.risk.forecast.explain import CountryForecast, contribution
from tocsin.risk.forecast.features import feature_frame
from tocsin.risk.forecast.learners import Array, Learner, fit_learner, resolve_params, sigmoid


@dataclass(frozen=True)
class DataSource:
    name: str
    sha256: str
    first_year: int
    last_year: int
    rows: int
    countries: int


@dataclass(frozen=True)
class ForecastModel:
    design: ModelDesign
    predictors: tuple[str, ...]
    features: tuple[str, ...]  # predictors, then derived features: the learners' columns
    fill: tuple[float, ...]  # per feature: the training median for gaps nothing else fills
    components: tuple[tuple[float, Learner], ...]
    calibration: Platt
    until: int  # forecasts from this year; outcomes learnt from are all known by then
    training_years: tuple[int, int]
    training_rows: int
    training_onsets: int  # training rows with an onset in the next two years
    data: DataSource
    train_seconds: float
    versions: dict[str, str] = field(default_factory=dict)
    trained_at: str = ""

    def matrix(self, frame: pd.DataFrame) -> Array:
        values: Array = frame[list(self.features)].to_numpy(dtype=float)
        return np.where(np.isnan(values), np.asarray(self.fill), values)

    def log_odds(self, x: Array) -> Array:
        raw = sum((w * learner.log_odds(x) for w, learner in self.components), np.zeros(len(x)))
        return self.calibration.apply(raw)

    def probability(self, x: Array) -> Array:
        return sigmoid(self.log_odds(x))


def known_outcome(frame: pd.DataFrame, last_year: int) -> pd.Series:
    """Rows up to ``last_year`` whose two-year outcome has been observed."""
    known = frame["year"] <= last_year
    for column in (*LEADS, TARGET):
        known &= frame[column].notna()
    return known


def train(
    table: CountryYearTable,
    until: int,
    *,
    design: str | ModelDesign = DEFAULT_DESIGN,
    predictors: Sequence[str] | None = None,
) -> ForecastModel:
    """The model for forecasts from year ``until`` (default design: ``DEFAULT_DESIGN``)."""
    chosen = design_named(design)
    names = tuple(table.predictors if predictors is None else predictors)
    if until > table.last_year:
        raise ValidationFailed.on("until", f"the table ends in {table.last_year}")
    frame = feature_frame(table, names, chosen.derived)
    return fit_frame(table, frame, until, chosen, names)


def fit_frame(
    table: CountryYearTable,
    frame: pd.DataFrame,
    until: int,
    design: ModelDesign,
    predictors: tuple[str, ...],
) -> ForecastModel:
    """``train`` on a feature frame already computed for the whole table (the backtest makes
    it once; every feature looks backwards, so later rows change nothing here)."""
    started = time.perf_counter()
    last = until - design.horizon
    rows = known_outcome(table.frame, last).to_numpy()
    y_all = table.frame[TARGET].to_numpy(dtype=float)
    if not rows.any():
        raise ValidationFailed.on("until", f"no country-year up to {last} has a known outcome")
    if y_all[rows].sum() == 0:
        raise ValidationFailed.on("until", f"no onset up to {until} to learn from")
    values = frame.to_numpy(dtype=float)
    with np.errstate(all="ignore"):
        fill = np.nanmedian(values[rows], axis=0)
    fill = np.where(np.isnan(fill), 0.0, fill)  # a feature never observed in training
    x_all = np.where(np.isnan(values), fill, values)
    years = table.frame["year"].to_numpy()
    features = tuple(str(c) for c in frame.columns)
    components = _fit_components(design, x_all[rows], y_all[rows], features)
    platt = _calibrate(design, x_all, y_all, years, table.frame, last, features)
    if design.calibration == "slope" and platt.fitted:
        raw = sum((w * m.log_odds(x_all[rows]) for w, m in components), np.zeros(int(rows.sum())))
        platt = match_base_rate(platt, raw, y_all[rows])
    return ForecastModel(
        design=design,
        predictors=predictors,
        features=features,
        fill=tuple(float(v) for v in fill),
        components=components,
        calibration=platt,
        until=until,
        training_years=(int(years[rows].min()), int(years[rows].max())),
        training_rows=int(rows.sum()),
        training_onsets=int(y_all[rows].sum()),
        data=DataSource(
            table.source,
            table.sha256,
            table.first_year,
            table.last_year,
            len(table.frame),
            table.countries,
        ),
        train_seconds=time.perf_counter() - started,
        versions=_versions(design),
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _fit_components(
    design: ModelDesign, x: Array, y: Array, features: tuple[str, ...]
) -> tuple[tuple[float, Learner], ...]:
    return tuple(
        (c.weight, fit_learner(c.learner, x, y, resolve_params(c.params, features), design.seed))
        for c in design.components
    )


def _calibrate(
    design: ModelDesign,
    x: Array,
    y: Array,
    years: Any,
    frame: pd.DataFrame,
    last: int,
    features: tuple[str, ...],
) -> Platt:
    """Out-of-time predictions for the last training years, each from components fitted on
    the rows known at that year, then the logistic map fitted on them."""
    if design.calibration_years <= 0:
        return Platt()
    scores: list[Array] = []
    outcomes: list[Array] = []
    first = last - design.calibration_years + 1
    for year in range(first, last + 1, design.calibration_stride):
        fit_rows = known_outcome(frame, year - design.horizon).to_numpy()
        if y[fit_rows].sum() < 2:
            continue
        scored = known_outcome(frame, min(year + design.calibration_stride - 1, last)).to_numpy()
        scored &= years >= year
        if not scored.any():
            continue
        inner = _fit_components(design, x[fit_rows], y[fit_rows], features)
        z = sum((w * m.log_odds(x[scored]) for w, m in inner), np.zeros(int(scored.sum())))
        scores.append(z)
        outcomes.append(y[scored])
    if not scores:
        return Platt()
    return fit_platt(np.concatenate(scores), np.concatenate(outcomes))


def _versions(design: ModelDesign) -> dict[str, str]:
    packages = ["numpy", "pandas"]
    if any(c.learner == "boosted" for c in design.components):
        packages.append("lightgbm")
    return {"python": platform.python_version(), **{p: metadata.version(p) for p in packages}}


def forecast(
    model: ForecastModel, table: CountryYearTable, year: int, *, in_sample: bool = False
) -> list[CountryForecast]:
    """Every country of ``year`` in the table, highest probability first. A year before the
    model's ``until`` is refused (its outcomes may be in the training data) unless
    ``in_sample``."""
    if year < model.until and not in_sample:
        raise ValidationFailed.on(
            "year", f"the model learnt outcomes up to {model.until}; forecast from {model.until} on"
        )
    derived = model.features[len(model.predictors) :]
    frame = feature_frame(table, model.predictors, derived)
    return forecast_frame(model, table, frame, year)


def forecast_frame(
    model: ForecastModel, table: CountryYearTable, frame: pd.DataFrame, year: int
) -> list[CountryForecast]:
    rows = (table.frame["year"] == year).to_numpy()
    if not rows.any():
        raise ValidationFailed.on("year", f"the table has no country in {year}")
    raw = frame[list(model.features)].to_numpy(dtype=float)[rows]
    x = np.where(np.isnan(raw), np.asarray(model.fill), raw)
    # A gap the table had, whether the country's earlier value or the median filled it.
    gap = np.isnan(raw)
    for j, name in enumerate(model.predictors):
        gap[:, j] = table.frame[name].isna().to_numpy()[rows]
    z = model.log_odds(x)
    probability = sigmoid(z)
    ranks = rank_descending(probability)
    base = np.zeros(len(x))
    shares = np.zeros(x.shape)
    for weight, learner in model.components:
        b, c = learner.contributions(x)
        base += weight * b
        shares += weight * c
    base = model.calibration.a + model.calibration.b * base
    shares *= model.calibration.b
    meta = table.frame.loc[rows, ["country", "ccode"]].to_numpy()
    out = []
    for i in range(len(x)):
        order = np.argsort(-np.abs(shares[i]), kind="stable")
        out.append(
            CountryForecast(
                country=str(meta[i, 0]),
                ccode=int(meta[i, 1]),
                year=year,
                probability=float(probability[i]),
                rank=int(ranks[i]),
                log_odds=float(z[i]),
                base_log_odds=float(base[i]),
                contributions=tuple(
                    contribution(
                        model.features[j],
                        float(x[i, j]),
                        bool(gap[i, j]),
                        float(shares[i, j]),
                        float(z[i]),
                    )
                    for j in order
                ),
            )
        )
    return sorted(out, key=lambda f: (f.rank, f.country))


def rank_descending(values: Array) -> Array:
    """Rank 1 for the highest value; ties share the best rank of their group (R's
    ``rank(-x, ties.method = "min")``, as in EWP's backtest)."""
    ranks: Array = pd.Series(values).rank(ascending=False, method="min").to_numpy()
    return ranks
