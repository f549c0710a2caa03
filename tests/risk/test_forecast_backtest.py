"""EWP's rolling backtest: it never learns from the future, scores each onset as EWP does, and
on the real EWP files reproduces EWP's own figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_forecast import quick, synthetic_frame, with_leads

from tocsin.core.errors import ValidationFailed
from tocsin.risk.forecast import (
    DEFAULT_DESIGN,
    EWP_PREDICTORS,
    backtest,
    ewp_foos_metrics,
    forecast,
    rank_descending,
    read_table,
    table_from_frame,
    train,
)
from tocsin.risk.forecast.features import DERIVATIONS, feature_frame
from tocsin.risk.forecast.metrics import roc_auc

T = 1985


def rewritten_after(frame: pd.DataFrame, year: int, seed: int = 9) -> pd.DataFrame:
    """Every outcome after ``year`` flipped (leads recomputed to agree) and every predictor of
    those years replaced by noise: nothing a forecast from ``year`` may depend on."""
    rng = np.random.default_rng(seed)
    out = frame.copy()
    later = out["year"] > year
    out.loc[later, "mk_onset"] = 1 - out.loc[later, "mk_onset"]
    for column in EWP_PREDICTORS:
        if column not in ("year", "year_sq"):
            out.loc[later, column] = rng.normal(size=int(later.sum()))
    return with_leads(out)


@pytest.mark.parametrize("name", [DEFAULT_DESIGN, "boosted-monotone"])
def test_a_forecast_from_year_t_is_unchanged_when_everything_after_t_changes(name: str) -> None:
    frame = synthetic_frame()
    table, changed = table_from_frame(frame), table_from_frame(rewritten_after(frame, T))
    assert (changed.frame["mk_onset_1or2"] != table.frame["mk_onset_1or2"]).any()
    design = quick(name)
    assert forecast(train(changed, T, design=design), changed, T) == forecast(
        train(table, T, design=design), table, T
    )
    # The check can fail: outcomes of year t itself are allowed in, and do move the forecast.
    moved = frame.copy()
    moved.loc[moved["year"].isin([T - 1, T]), "mk_onset"] = 1
    moved_table = table_from_frame(with_leads(moved))
    assert forecast(train(moved_table, T, design=design), moved_table, T) != forecast(
        train(table, T, design=design), table, T
    )


def test_features_derived_from_outcomes_look_backwards_only() -> None:
    frame = synthetic_frame()
    table, changed = table_from_frame(frame), table_from_frame(rewritten_after(frame, T))
    # Every registered derivation, so a new one is checked without editing this test.
    derived = [f"{kind}(battledeaths.log2)" if d.needs_column else kind
               for kind, d in DERIVATIONS.items()]  # fmt: skip
    assert "region_onsets_3y" in derived and "years_since_ongoing" in derived
    before = feature_frame(table, EWP_PREDICTORS, derived)
    after = feature_frame(changed, EWP_PREDICTORS, derived)
    upto = (table.frame["year"] <= T).to_numpy()
    pd.testing.assert_frame_equal(before[upto], after[upto])
    assert not before[~upto].equals(after[~upto])


def test_backtest_forecasts_up_to_t_ignore_later_outcomes() -> None:
    frame = synthetic_frame()
    design = quick()
    ours = backtest(table_from_frame(frame), 1982, 1990, design=design)
    changed = backtest(table_from_frame(rewritten_after(frame, T)), 1982, 1990, design=design)
    assert [f for f in ours.forecasts if f.year <= T] == [
        f for f in changed.forecasts if f.year <= T
    ]
    assert [f for f in ours.forecasts if f.year > T] != [f for f in changed.forecasts if f.year > T]


def test_each_onset_year_is_scored_with_the_better_of_the_two_forecasts_before_it() -> None:
    table = table_from_frame(synthetic_frame())
    calls: list[tuple[int, int, int]] = []
    result = backtest(
        table, 1984, 1992, design=quick("logit"), top=5,
        progress=lambda done, total, year: calls.append((done, total, year)),
    )  # fmt: skip
    assert calls == [(i + 1, 9, year) for i, year in enumerate(range(1983, 1992))]
    made = {(f.year, f.ccode): f for f in result.forecasts}
    assert {f.year for f in result.forecasts} == set(range(1983, 1992))
    for row in result.scored:
        before = [made[k] for k in ((row.year - 1, row.ccode), (row.year - 2, row.ccode))
                  if k in made]  # fmt: skip
        assert row.max_probability == max(f.probability for f in before)
        assert row.min_rank == min(f.rank for f in before)
    first = [s for s in result.scored if s.year == 1984]
    assert all(s.max_probability == made[(1983, s.ccode)].probability for s in first)
    for year in range(1983, 1992):  # ranks within each forecast year
        ranks = [f.rank for f in result.forecasts if f.year == year]
        probabilities = np.array([f.probability for f in result.forecasts if f.year == year])
        assert ranks == rank_descending(probabilities).astype(int).tolist()
    onsets = result.onsets()
    assert result.metrics.onsets == len(onsets) > 0
    assert result.metrics.onsets_in_top == sum(s.min_rank <= 5 for s in onsets)
    scored_y = np.array([s.onset for s in result.scored], dtype=float)
    scored_p = np.array([s.max_probability for s in result.scored])
    assert result.metrics.auc == pytest.approx(roc_auc(scored_y, scored_p))
    assert result.metrics.auc > 0.6  # the planted signal is found
    assert result.calibration.count == result.metrics.forecasts_2y > 0


def test_backtest_refuses_years_it_cannot_score() -> None:
    table = table_from_frame(synthetic_frame(countries=6, first=1970, last=1990))
    for start, end, field in ((1985, 1980, "start"), (1980, 1999, "end"), (1972, 1980, "start")):
        with pytest.raises(ValidationFailed) as caught:
            backtest(table, start, end, design="logit")
        assert caught.value.errors[0].field == field


EWP = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ewp" / "raw" / "sra2025"


@pytest.mark.skipif(not EWP.exists(), reason="EWP data (../shared) not present")
def test_real_ewp_files_read_and_reproduce_ewps_own_backtest_figures() -> None:
    table = read_table(EWP / "prepared2024predictors-2025-09-03.csv")
    assert (len(table.frame), table.countries, table.first_year, table.last_year) == (
        9463, 173, 1960, 2024,
    )  # fmt: skip
    foos = EWP / "FOOSforecasts_3Sep2025.csv"
    ewp = ewp_foos_metrics(foos)
    assert round(ewp.auc, 3) == 0.825
    assert (ewp.onsets_in_top, ewp.onsets) == (27, 39)
    rows = pd.read_csv(foos).dropna(subset=["risk_prev"])
    same = sum(
        int((rank_descending(year["risk_prev"].to_numpy()) == year["rank_prev"]).sum())
        for _, year in rows.groupby("year")
    )
    assert same / len(rows) > 0.99  # the rank EWP's minrank2 is built from is ours
