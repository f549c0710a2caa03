"""Design options beyond the default: monotone trees and the extra derived features, each
checked against a known answer."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from test_forecast import quick, synthetic_frame

from tocsin.core.errors import ValidationFailed
from tocsin.risk.forecast import (
    DESIGNS,
    CountryYearTable,
    forecast,
    model_from_json,
    model_to_json,
    table_from_frame,
    train,
)
from tocsin.risk.forecast.features import DERIVATIONS, feature_frame
from tocsin.risk.forecast.learners import resolve_params
from tocsin.risk.forecast.model import ForecastModel


def test_monotone_directions_follow_the_models_column_order() -> None:
    params = {"rounds": 5, "monotone": {"b": -1, "a": 1, "not-used": 1}}
    resolved = resolve_params(params, ("a", "x", "b"))
    assert resolved == {"rounds": 5, "monotone_constraints": [1, 0, -1]}
    assert resolve_params({"rounds": 5}, ("a",)) == {"rounds": 5}
    with pytest.raises(ValidationFailed) as caught:
        resolve_params({"monotone": {"a": 2}}, ("a",))
    assert caught.value.errors[0].field == "monotone"


def _log_odds_along(model: ForecastModel, table: CountryYearTable, feature: str) -> np.ndarray:
    """Each 1990 country's log-odds as ``feature`` sweeps its range, everything else fixed."""
    derived = model.features[len(model.predictors) :]
    frame = feature_frame(table, model.predictors, derived)
    x = model.matrix(frame[(table.frame["year"] == 1990).to_numpy()])
    j = model.features.index(feature)
    grid = np.linspace(frame[feature].min(), frame[feature].max(), 25)
    out = np.empty((len(x), len(grid)))
    for k, value in enumerate(grid):
        moved = x.copy()
        moved[:, j] = value
        out[:, k] = model.log_odds(moved)
    return out


def test_monotone_trees_never_lower_the_risk_as_a_risk_factor_grows() -> None:
    # Battle deaths turned upside down: in this table more of them means fewer onsets, which
    # free trees learn and trees held to "battle deaths never lower the risk" cannot.
    frame = synthetic_frame()
    frame["battledeaths.log2"] = 40.0 - frame["battledeaths.log2"]
    table = table_from_frame(frame)
    assert DESIGNS["boosted-monotone"].components[0].params["monotone"]["battledeaths.log2"] == 1
    free = train(table, 1990, design=quick("boosted-derived"))
    tied = train(table, 1990, design=quick("boosted-monotone"))
    free_steps = np.diff(_log_odds_along(free, table, "battledeaths.log2"), axis=1)
    tied_steps = np.diff(_log_odds_along(tied, table, "battledeaths.log2"), axis=1)
    assert (free_steps < -1e-9).any()  # the check can fail
    assert (tied_steps >= -1e-12).all()


def test_a_monotone_model_reads_back_identically() -> None:
    table = table_from_frame(synthetic_frame())
    model = train(table, 1994, design=quick("boosted-monotone"))
    again = model_from_json(json.loads(json.dumps(model_to_json(model))))
    assert forecast(again, table, 1995) == forecast(model, table, 1995)


def _tiny() -> pd.DataFrame:
    """Three countries of one region and one elsewhere, 1990-1995, with hand-set episodes."""
    rows = []
    for code, region in ((1, 0), (2, 0), (3, 0), (4, 1)):
        for year in range(1990, 1996):
            rows.append({"ccode": code, "year": year, "mk_onset": 0, "reg.na": 0.0,
                         "reg.eap": float(region), "reg.sca": 0.0, "reg.mna": 0.0,
                         "reg.eur": 0.0, "mk_ongoing_count_log2": 0.0,
                         "battledeaths.log2": float(code)})  # fmt: skip
    frame = pd.DataFrame(rows)
    frame.loc[(frame.ccode == 1) & (frame.year == 1991), "mk_onset"] = 1
    frame.loc[(frame.ccode == 1) & frame.year.isin([1991, 1992]), "mk_ongoing_count_log2"] = 1.0
    frame.loc[(frame.ccode == 4) & (frame.year == 1994), "mk_onset"] = 1
    return frame


def test_regional_and_episode_features_have_known_values() -> None:
    frame = _tiny()
    by = {name: DERIVATIONS[name].compute(frame, None) for name in
          ("years_since_ongoing", "region_onsets_3y")}  # fmt: skip
    mean_bd = DERIVATIONS["region_mean"].compute(frame, "battledeaths.log2")
    at = {(int(r.ccode), int(r.year)): i for i, r in frame.iterrows()}
    since = by["years_since_ongoing"]
    assert since[at[1, 1990]] == pytest.approx(np.log2(65))  # no episode yet
    assert since[at[1, 1992]] == 0.0 and since[at[1, 1995]] == pytest.approx(np.log2(4))
    near = by["region_onsets_3y"]
    # Country 2 sees country 1's onset of 1991 in 1991-1993, one of its two regional neighbours.
    assert [near[at[2, y]] for y in range(1990, 1996)] == [0, 0.5, 0.5, 0.5, 0, 0]
    assert near[at[1, 1991]] == 0.0  # its own onset is not its neighbours'
    assert near[at[4, 1994]] == 0.0  # alone in its region
    assert mean_bd[at[1, 1990]] == pytest.approx(2.5)  # countries 2 and 3
    assert mean_bd[at[4, 1990]] == 0.0
