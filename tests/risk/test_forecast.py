"""The statistical forecast on small synthetic country-year tables: reading and checking a table,
a known-answer fit, explanations, JSON round trip, the model card."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tocsin.core.errors import ValidationFailed
from tocsin.risk.forecast import (
    DEFAULT_DESIGN,
    DESIGNS,
    EWP_PREDICTORS,
    Component,
    ModelDesign,
    forecast,
    model_card,
    model_from_json,
    model_to_json,
    rank_descending,
    read_table,
    table_from_frame,
    train,
)
from tocsin.risk.forecast.data import NA_TOKENS
from tocsin.risk.forecast.learners import Logit
from tocsin.risk.forecast.metrics import roc_auc

SIGNAL = ("battledeaths.log2", "repress_civilsoc")


def synthetic_frame(
    countries: int = 24, first: int = 1960, last: int = 1995, seed: int = 3
) -> pd.DataFrame:
    """EWP's shape with random predictors; onsets are likelier with conflict and repression.
    Leads are computed from the onsets, as EWP does (empty where the year is not in the table)."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(countries):
        conflict, repressive = 0.0, float(rng.random() < 0.3)  # repression: a lasting trait
        for year in range(first, last + 1):
            conflict = max(0.0, 0.85 * conflict + rng.normal(0, 3))
            row = {p: float(rng.normal()) for p in EWP_PREDICTORS}
            row.update({
                "ewp_name": f"Country {c}", "ccode": 100 + c, "year": year,
                "year_sq": float(year * year), "battledeaths.log2": conflict,
                "repress_civilsoc": repressive,
                "mk_ongoing_count_log2": float(rng.random() < 0.1),
                **{r: float(c % 6 == i) for i, r in enumerate(
                    ("reg.na", "reg.eap", "reg.sca", "reg.mna", "reg.eur"))},
            })  # fmt: skip
            z = -4.5 + 0.2 * conflict + 2.0 * repressive
            row["mk_onset"] = int(rng.random() < 1 / (1 + np.exp(-z)))
            rows.append(row)
    return with_leads(pd.DataFrame(rows))


def with_leads(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.sort_values(["ccode", "year"]).reset_index(drop=True)
    by_country = frame.groupby("ccode")["mk_onset"]
    frame["mk_onset_1"] = by_country.shift(-1)
    frame["mk_onset_2"] = by_country.shift(-2)
    frame["mk_onset_1or2"] = np.fmax(frame["mk_onset_1"].fillna(0), frame["mk_onset_2"].fillna(0))
    return frame


def quick(design: str = DEFAULT_DESIGN) -> ModelDesign:
    """The registered design with fewer trees, so tests stay fast."""
    base = DESIGNS[design]
    return replace(
        base,
        components=tuple(
            replace(c, params={**c.params, "rounds": 40}) if c.learner == "boosted" else c
            for c in base.components
        ),
    )


# Reading and checking a table


def test_a_table_reads_back_with_its_hash(tmp_path: Path) -> None:
    path = tmp_path / "ewp.csv"
    synthetic_frame(countries=3, first=1990, last=1994).to_csv(path, index=False)
    table = read_table(path)
    assert table.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (table.first_year, table.last_year, table.countries) == (1990, 1994, 3)
    assert table.predictors == EWP_PREDICTORS
    assert table.frame["mk_onset_1"].isna().sum() == 3  # each country's last year


def _csv(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    return path


def _problem(path: Path) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        read_table(path)
    problem = caught.value.errors[0]
    return problem.field, problem.message


def test_bad_tables_are_refused_naming_column_and_line(tmp_path: Path) -> None:
    good = synthetic_frame(countries=2, first=1990, last=1995)
    assert _problem(_csv(tmp_path, good.drop(columns="gdppcgrowth")))[0] == "gdppcgrowth"
    assert _problem(_csv(tmp_path, good.drop(columns="mk_onset_2")))[0] == "mk_onset_2"
    assert _problem(_csv(tmp_path, good.drop(columns="ewp_name")))[0] == "ewp_name"

    text = good.astype(object)
    text.loc[4, "efindex"] = "high"
    field, message = _problem(_csv(tmp_path, text))
    assert field == "efindex" and "line 6" in message and "'high'" in message

    twice = pd.concat([good, good.iloc[[3]]], ignore_index=True)
    field, message = _problem(_csv(tmp_path, twice))
    assert field == "year" and "line 14" in message and "line 5" in message

    odd = good.copy()
    odd.loc[2, "mk_onset"] = 2
    assert _problem(_csv(tmp_path, odd)) == ("mk_onset", "line 4: '2' is not 0 or 1")

    empty_year = good.astype(object)
    empty_year.loc[0, "year"] = ""
    assert _problem(_csv(tmp_path, empty_year)) == ("year", "line 2: empty")

    lying = good.copy()
    lying.loc[0, "mk_onset_1"] = 1 - lying.loc[1, "mk_onset"]
    lying.loc[0, "mk_onset_1or2"] = max(lying.loc[0, "mk_onset_1"], lying.loc[0, "mk_onset_2"])
    field, message = _problem(_csv(tmp_path, lying))
    assert field == "mk_onset_1" and message.startswith("line 2:")

    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert _problem(empty)[0] == "data"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cell=st.text(min_size=1, max_size=12), column=st.sampled_from(["ccode", "discrimpop"]))
def test_any_non_number_in_a_numeric_cell_is_a_named_error(cell: str, column: str) -> None:
    frame = synthetic_frame(countries=2, first=1990, last=1993).astype(object)
    frame.loc[1, column] = cell
    try:
        value = float(cell.strip())
    except ValueError:
        value = None
    try:
        table_from_frame(frame)
    except ValidationFailed as exc:
        assert exc.errors[0].field == column
        assert "row 2" in exc.errors[0].message or exc.errors[0].field == "year"
        return
    # Accepted only if the cell is a number, or an NA mark in a predictor (predictors may be empty).
    is_number = value is not None and bool(np.isfinite(value))
    assert is_number or (column == "discrimpop" and cell.strip() in NA_TOKENS)


def test_a_custom_predictor_list_is_used(tmp_path: Path) -> None:
    frame = synthetic_frame(countries=8, first=1970, last=1990)[
        ["ewp_name", "ccode", "year", "mk_onset", "mk_onset_1", "mk_onset_2", "mk_onset_1or2",
         *SIGNAL]
    ]  # fmt: skip
    table = table_from_frame(frame, SIGNAL)
    model = train(table, 1990, design="logit")
    assert model.features == SIGNAL
    with pytest.raises(ValidationFailed) as caught:
        table_from_frame(frame)  # EWP's 39 by default: the table lacks them
    assert caught.value.errors[0].field == "widetargeting"


# The model


def one_binary_predictor(rates: dict[int, float], years: range, per_group: int) -> pd.DataFrame:
    """Countries in two groups (x = 0 or 1); each country-year's two-year target is drawn so the
    group's share of onsets is known exactly; onsets sit on even years only so leads agree."""
    rng = np.random.default_rng(11)
    rows = []
    for group, rate in rates.items():
        for c in range(per_group):
            ccode = 200 + 100 * group + c
            onsets = rng.random(len(years)) < rate
            for year, onset in zip(years, onsets, strict=True):
                rows.append({"ewp_name": f"{group}-{c}", "ccode": ccode, "year": year,
                             "x": float(group), "mk_onset": int(onset)})  # fmt: skip
    return with_leads(pd.DataFrame(rows))


def test_unpenalised_logit_on_one_binary_predictor_gives_each_groups_rate() -> None:
    frame = one_binary_predictor({0: 0.03, 1: 0.12}, range(1960, 2001), per_group=20)
    until = 1990
    # After the training window every country has onsets, which a fit that looked ahead would see.
    frame.loc[frame["year"] > until, "mk_onset"] = 1
    frame = with_leads(frame)
    table = table_from_frame(frame, ("x",))
    design = ModelDesign("plain", "maximum likelihood logit", (Component("logit", 1.0, {}),),
                         calibration_years=0)  # fmt: skip
    model = train(table, until, design=design)
    known = frame[(frame["year"] <= until - 2) & frame["mk_onset_2"].notna()]
    assert model.training_rows == len(known)
    forecasts = {f.ccode: f for f in forecast(model, table, until)}
    for group in (0, 1):
        rate = known.loc[known["x"] == group, "mk_onset_1or2"].mean()
        probability = forecasts[200 + 100 * group].probability
        assert probability == pytest.approx(rate, abs=1e-9)


def test_ridge_logit_agrees_with_scikit_learn() -> None:
    sklearn = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(5)
    x = rng.normal(size=(400, 4)) * [1, 3, 0.5, 2]
    y = (rng.random(400) < 1 / (1 + np.exp(-(x @ [0.8, -0.3, 1.5, 0.0] - 2)))).astype(float)
    ours = Logit.fit(x, y, {"penalty": 4.0})
    scaled = (x - x.mean(axis=0)) / x.std(axis=0)
    theirs = sklearn.LogisticRegression(C=1 / 4.0, tol=1e-12, max_iter=10_000).fit(scaled, y)
    np.testing.assert_allclose(ours.coef, theirs.coef_[0], atol=1e-5)
    assert ours.intercept == pytest.approx(theirs.intercept_[0], abs=1e-5)


def test_explanations_add_up_to_the_forecast() -> None:
    table = table_from_frame(synthetic_frame())
    model = train(table, 1995, design=quick())
    forecasts = forecast(model, table, 1995)
    assert [f.rank for f in forecasts] == sorted(f.rank for f in forecasts)
    assert forecasts[0].rank == 1
    for f in forecasts:
        total = f.base_log_odds + sum(c.log_odds for c in f.contributions)
        assert total == pytest.approx(f.log_odds, abs=1e-9)
        assert 1 / (1 + np.exp(-f.log_odds)) == pytest.approx(f.probability, rel=1e-9)
        assert len(f.contributions) == len(model.features)
        sizes = [abs(c.log_odds) for c in f.contributions]
        assert sizes == sorted(sizes, reverse=True)
        assert all(c.log_odds > 0 for c in f.pushes_up())
        assert all(c.log_odds < 0 for c in f.pushes_down())
        for c in f.contributions[:3]:  # the probability effect has the contribution's sign
            assert np.sign(c.probability_effect) == np.sign(c.log_odds)
    rows = forecasts[0].explanation(3)
    assert {r["direction"] for r in rows} <= {"up", "down"} and len(rows) <= 6
    json.dumps(rows)  # storable as it is


def test_the_logit_explanation_is_coefficient_times_distance() -> None:
    frame = one_binary_predictor({0: 0.02, 1: 0.2}, range(1960, 1991), per_group=10)
    table = table_from_frame(frame, ("x",))
    model = train(table, 1990, design="logit")
    high, low = (next(f for f in forecast(model, table, 1990) if f.ccode == code)
                 for code in (300, 200))  # fmt: skip
    assert high.contributions[0].log_odds > 0 > low.contributions[0].log_odds
    logit = model.components[0][1]
    assert isinstance(logit, Logit)
    expected = logit.coef[0] * (1 - logit.mean[0]) / logit.scale[0]
    assert high.contributions[0].log_odds == pytest.approx(expected)


def test_gaps_take_the_countrys_earlier_value_then_the_training_median() -> None:
    frame = synthetic_frame(countries=10, first=1970, last=1990)
    frame.loc[(frame["ccode"] == 100) & (frame["year"] == 1990), "gdppcgrowth"] = np.nan
    frame.loc[frame["ccode"] == 101, "gdppcgrowth"] = np.nan
    table = table_from_frame(frame)
    model = train(table, 1990, design="logit")
    by_code = {f.ccode: f for f in forecast(model, table, 1990)}
    used = {c.feature: c for c in by_code[100].contributions}["gdppcgrowth"]
    earlier = frame.loc[(frame["ccode"] == 100) & (frame["year"] == 1989), "gdppcgrowth"]
    assert used.filled and used.value == pytest.approx(float(earlier.iloc[0]))
    never = {c.feature: c for c in by_code[101].contributions}["gdppcgrowth"]
    index = model.features.index("gdppcgrowth")
    assert never.filled and never.value == pytest.approx(model.fill[index])


def test_a_model_refuses_an_in_sample_year_and_a_table_without_its_predictors() -> None:
    table = table_from_frame(synthetic_frame(countries=10, first=1970, last=1990))
    model = train(table, 1988, design="logit")
    with pytest.raises(ValidationFailed) as caught:
        forecast(model, table, 1986)
    assert caught.value.errors[0].field == "year"
    assert forecast(model, table, 1986, in_sample=True)
    other = table_from_frame(synthetic_frame(countries=4, first=1985, last=1990)[
        ["ewp_name", "ccode", "year", "mk_onset", "mk_onset_1", "mk_onset_2", "mk_onset_1or2",
         *SIGNAL]], SIGNAL)  # fmt: skip
    with pytest.raises(ValidationFailed) as caught:
        forecast(model, other, 1990)
    assert caught.value.errors[0].field == EWP_PREDICTORS[0]
    with pytest.raises(ValidationFailed) as caught:
        train(table, 1995)
    assert caught.value.errors[0].field == "until"


def test_json_round_trip_gives_identical_forecasts() -> None:
    table = table_from_frame(synthetic_frame())
    model = train(table, 1994, design=quick())
    text = model_to_json(model)
    assert "pickle" not in text
    again = model_from_json(json.loads(json.dumps(text)))
    assert forecast(again, table, 1995) == forecast(model, table, 1995)
    assert model_to_json(again) == text


def test_broken_model_files_are_refused() -> None:
    table = table_from_frame(synthetic_frame(countries=8, first=1970, last=1990))
    data = json.loads(model_to_json(train(table, 1990, design="logit")))
    for broken in ("{", json.dumps({"format": "other"}),
                   json.dumps({**data, "fill": data["fill"][:-1]}),
                   json.dumps({**data, "components": [{"weight": 1, "learner": {"kind": "x"}}]}),
                   json.dumps({k: v for k, v in data.items() if k != "calibration"})):  # fmt: skip
        with pytest.raises(ValidationFailed):
            model_from_json(broken)


def test_model_card_names_data_period_and_protocol(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    synthetic_frame(countries=10, first=1970, last=1990).to_csv(path, index=False)
    table = read_table(path)
    model = train(table, 1990, design=quick())
    card = model_card(model)
    json.dumps(card)
    assert card["data"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert card["data"]["file"] == "table.csv"
    assert card["period"]["training_years"] == [1970, 1988]
    assert card["period"]["forecasts_from"] == 1990
    assert card["predictors"] == list(EWP_PREDICTORS)
    assert "t-2" in card["protocol"] and "1975-1993" in card["design_choice"]
    assert card["library_versions"]["lightgbm"]
    assert card["calibration"]["method"] in ("slope", "none")


def test_rank_is_one_for_the_highest_and_ties_share_the_best_place() -> None:
    ranks = rank_descending(np.array([0.1, 0.5, 0.5, 0.2, 0.05]))
    assert ranks.tolist() == [4, 1, 1, 3, 5]


def test_auc_matches_counting_every_pair() -> None:
    rng = np.random.default_rng(2)
    y = (rng.random(300) < 0.1).astype(float)
    score = np.round(rng.random(300) + y * 0.3, 1)  # rounded: many ties
    pairs = [(s1 > s0) + 0.5 * (s1 == s0) for s1 in score[y == 1] for s0 in score[y == 0]]
    assert roc_auc(y, score) == pytest.approx(np.mean(pairs))
