"""The model card: what a model learnt from, how, and how well its design did in a backtest."""

from __future__ import annotations

from typing import Any

from tocsin.risk.forecast.backtest import BacktestResult
from tocsin.risk.forecast.data import TARGET
from tocsin.risk.forecast.design import DEFAULT_DESIGN
from tocsin.risk.forecast.features import describe
from tocsin.risk.forecast.metrics import BacktestMetrics
from tocsin.risk.forecast.model import ForecastModel

PROTOCOL = (
    "Rolling backtest as the Early Warning Project runs it: for each forecast year t, fit only "
    "on country-years up to t-2 (their outcome, an onset in the next two years, is known at t), "
    "forecast every country from year t's predictors; an onset in year Y is scored with the "
    "higher of the forecasts made from Y-1 and Y-2 and the better of their ranks."
)
MISSING_VALUES = (
    "A missing predictor takes the country's most recent earlier value; with none, the median "
    "of the training rows (kept in the model). Nothing from a later year is used."
)
DESIGN_CHOICE = (
    "The design was chosen on a development backtest of the onsets of 1975-1993 only (forecasts "
    "from 1974-1992, each trained on the years before), among a ridge logit, the logit with "
    "derived features, LightGBM trees and an ensemble of both; the ensemble caught the most "
    "development onsets in the top 30. The 1994-2024 backtest was run once, afterwards."
)


def model_card(
    model: ForecastModel,
    backtest: BacktestResult | None = None,
    baseline: BacktestMetrics | None = None,
) -> dict[str, Any]:
    """JSON-compatible card; ``backtest`` should be of this model's design, ``baseline`` the
    figures it is compared with (e.g. ``ewp_foos_metrics``)."""
    derived = model.features[len(model.predictors) :]
    card: dict[str, Any] = {
        "model": model.design.name,
        "description": model.design.description,
        "target": f"onset of a mass killing in year t+1 or t+2 ({TARGET})",
        "data": {
            "file": model.data.name,
            "sha256": model.data.sha256,
            "years": [model.data.first_year, model.data.last_year],
            "rows": model.data.rows,
            "countries": model.data.countries,
        },
        "period": {
            "forecasts_from": model.until,
            "training_years": list(model.training_years),
            "training_rows": model.training_rows,
            "training_onsets": model.training_onsets,
        },
        "predictors": list(model.predictors),
        "derived_features": {name: describe(name) for name in derived},
        "missing_values": MISSING_VALUES,
        "components": [
            {"learner": c.learner, "weight": c.weight, "params": dict(c.params)}
            for c in model.design.components
        ],
        "calibration": {
            "method": model.design.calibration if model.calibration.fitted else "none",
            **model.calibration.to_dict(),
        },
        "protocol": PROTOCOL,
        "design_choice": (
            DESIGN_CHOICE if model.design.name == DEFAULT_DESIGN
            else f"{DESIGN_CHOICE} This model uses another design, {model.design.name}."
        ),
        "training_seconds": round(model.train_seconds, 3),
        "trained_at": model.trained_at,
        "library_versions": dict(model.versions),
        "backtest": None,
    }
    if backtest is not None:
        card["backtest"] = {
            "design": backtest.design,
            "onsets": [backtest.start, backtest.end],
            "metrics": backtest.metrics.as_dict(),
            "expected_calibration_error": backtest.calibration.expected_calibration_error,
            "seconds": round(backtest.seconds, 1),
            "baseline": baseline.as_dict() if baseline is not None else None,
        }
    return card
