"""Statistical forecast of mass-killing onsets: EWP country-year tables, train, forecast with
explanations, model card, JSON model files and EWP's rolling backtest (docs/risk-forecast.md).

No database here: storage, CLI, API and pages call these functions.
"""

from tocsin.risk.forecast.backtest import (
    BacktestResult,
    Progress,
    ScoredCountryYear,
    YearForecast,
    backtest,
)
from tocsin.risk.forecast.calibration import Calibration, CalibrationBin
from tocsin.risk.forecast.card import model_card
from tocsin.risk.forecast.data import (
    EWP_PREDICTORS,
    CountryYearTable,
    read_table,
    table_from_frame,
)
from tocsin.risk.forecast.design import DEFAULT_DESIGN, DESIGNS, Component, ModelDesign
from tocsin.risk.forecast.ewp import ewp_foos_metrics
from tocsin.risk.forecast.explain import Contribution, CountryForecast
from tocsin.risk.forecast.metrics import BacktestMetrics
from tocsin.risk.forecast.model import ForecastModel, forecast, rank_descending, train
from tocsin.risk.forecast.serialise import (
    model_from_dict,
    model_from_json,
    model_to_dict,
    model_to_json,
)

__all__ = [
    "DEFAULT_DESIGN",
    "DESIGNS",
    "EWP_PREDICTORS",
    "BacktestMetrics",
    "BacktestResult",
    "Calibration",
    "CalibrationBin",
    "Component",
    "Contribution",
    "CountryForecast",
    "CountryYearTable",
    "ForecastModel",
    "ModelDesign",
    "Progress",
    "ScoredCountryYear",
    "YearForecast",
    "backtest",
    "ewp_foos_metrics",
    "forecast",
    "model_card",
    "model_from_dict",
    "model_from_json",
    "model_to_dict",
    "model_to_json",
    "rank_descending",
    "read_table",
    "table_from_frame",
    "train",
]
