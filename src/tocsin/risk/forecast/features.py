"""The model's inputs: the table's predictors with gaps filled, and features derived from them.

Everything here looks backwards only: the value for a country in year t is computed from that
country's rows (and, for the regional and world counts, every country's rows) of year t and
earlier, so a forecast made from year t cannot see anything that happened later.

Missing predictors (the rule, also in the model card): a gap is filled with the country's most
recent earlier value of that predictor; what is still missing (no earlier value) is filled at
training time with the median of the training rows, and the model keeps those medians to fill
the rows it forecasts. Derived features are written ``kind(column)`` or just ``kind``; a new
derivation is one entry in ``DERIVATIONS``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tocsin.core.errors import ValidationFailed
from tocsin.risk.forecast.data import ONSET, CountryYearTable
from tocsin.risk.forecast.predictors import DESCRIPTIONS

REGIONS = ("reg.na", "reg.eap", "reg.sca", "reg.mna", "reg.eur")  # Africa: all zero
ONGOING = "mk_ongoing_count_log2"
NO_ONSET_YEARS = 64  # "never had an onset" reads as a long time ago


@dataclass(frozen=True)
class Derivation:
    description: str
    compute: Callable[[pd.DataFrame, str | None], pd.Series]
    needs_column: bool


def _by_country(frame: pd.DataFrame, column: str) -> pd.core.groupby.SeriesGroupBy:
    return frame.groupby("ccode", sort=False)[column]


def _change(years: int) -> Callable[[pd.DataFrame, str | None], pd.Series]:
    def compute(frame: pd.DataFrame, column: str | None) -> pd.Series:
        assert column is not None
        before = _by_country(frame, column).shift(years)
        # A country's first years have no earlier value: read as no change.
        return (frame[column] - before).fillna(0.0)

    return compute


def _rolling(years: int, how: str) -> Callable[[pd.DataFrame, str | None], pd.Series]:
    def compute(frame: pd.DataFrame, column: str | None) -> pd.Series:
        assert column is not None
        window = _by_country(frame, column).rolling(years, min_periods=1)
        result = window.max() if how == "max" else window.mean()
        return result.reset_index(level=0, drop=True).reindex(frame.index)

    return compute


def _years_since_onset(frame: pd.DataFrame, _: str | None) -> pd.Series:
    onset_year = frame["year"].where(frame[ONSET] == 1)
    last = onset_year.groupby(frame["ccode"], sort=False).ffill()
    gap = (frame["year"] - last).fillna(NO_ONSET_YEARS).clip(upper=NO_ONSET_YEARS)
    return np.log2(1.0 + gap)


def _region(frame: pd.DataFrame) -> pd.Series:
    missing = [c for c in REGIONS if c not in frame.columns]
    if missing:
        raise ValidationFailed.on(missing[0], "missing column (the regional features need it)")
    codes = np.zeros(len(frame), dtype=int)
    for number, column in enumerate(REGIONS, start=1):
        codes[frame[column].to_numpy() == 1] = number
    return pd.Series(codes, index=frame.index)


def _region_ongoing_share(frame: pd.DataFrame, _: str | None) -> pd.Series:
    if ONGOING not in frame.columns:
        raise ValidationFailed.on(ONGOING, "missing column (region_ongoing_share needs it)")
    ongoing = (frame[ONGOING].fillna(0) > 0).astype(float)
    keys = [_region(frame), frame["year"]]
    total = ongoing.groupby(keys).transform("sum")
    count = ongoing.groupby(keys).transform("size")
    # The other countries of the region: a country's own episode is already a predictor.
    return ((total - ongoing) / (count - 1).clip(lower=1)).astype(float)


def _world_onsets_3y(frame: pd.DataFrame, _: str | None) -> pd.Series:
    per_year = frame.groupby("year")[ONSET].sum().sort_index()
    full = per_year.reindex(range(int(per_year.index.min()), int(per_year.index.max()) + 1))
    window = full.fillna(0).rolling(3, min_periods=1).sum()
    return frame["year"].map(window).astype(float)


def _years_since_ongoing(frame: pd.DataFrame, _: str | None) -> pd.Series:
    ongoing_year = frame["year"].where(_ongoing(frame) > 0)
    last = ongoing_year.groupby(frame["ccode"], sort=False).ffill()
    gap = (frame["year"] - last).fillna(NO_ONSET_YEARS).clip(upper=NO_ONSET_YEARS)
    return np.log2(1.0 + gap)


def _ongoing(frame: pd.DataFrame) -> pd.Series:
    if ONGOING not in frame.columns:
        raise ValidationFailed.on(ONGOING, "missing column (a derived feature needs it)")
    return (frame[ONGOING].fillna(0) > 0).astype(float)


def _others_in_region(frame: pd.DataFrame, values: pd.Series) -> pd.Series:
    """Mean of ``values`` over the other countries of the same region in the same year."""
    keys = [_region(frame), frame["year"]]
    present = values.notna().astype(float)
    total = values.fillna(0).groupby(keys).transform("sum") - values.fillna(0)
    count = present.groupby(keys).transform("sum") - present
    return (total / count.clip(lower=1)).astype(float)


def _region_onsets_3y(frame: pd.DataFrame, _: str | None) -> pd.Series:
    recent = _rolling(3, "max")(frame, ONSET).fillna(0)
    return _others_in_region(frame, recent)


def _region_mean(frame: pd.DataFrame, column: str | None) -> pd.Series:
    assert column is not None
    return _others_in_region(frame, frame[column])


DERIVATIONS: dict[str, Derivation] = {
    "change1": Derivation("change since the year before", _change(1), True),
    "change3": Derivation("change over three years", _change(3), True),
    "max3": Derivation("highest value in the last three years", _rolling(3, "max"), True),
    "mean3": Derivation("mean of the last three years", _rolling(3, "mean"), True),
    "years_since_onset": Derivation(
        "log2(1 + years since the country's last onset), 64 years when it never had one",
        _years_since_onset, False,
    ),
    "region_ongoing_share": Derivation(
        "share of the other countries of its region with a mass killing under way",
        _region_ongoing_share, False,
    ),
    "world_onsets_3y": Derivation(
        "onsets in the whole table in the three years up to this one", _world_onsets_3y, False,
    ),
    "years_since_ongoing": Derivation(
        "log2(1 + years since a mass killing was last under way in the country), 0 while one is",
        _years_since_ongoing, False,
    ),
    "region_onsets_3y": Derivation(
        "share of the other countries of its region with an onset in the last three years",
        _region_onsets_3y, False,
    ),
    "region_mean": Derivation(
        "mean over the other countries of its region in the same year", _region_mean, True,
    ),
}  # fmt: skip
_REGIONAL = frozenset({"region_ongoing_share", "region_onsets_3y", "region_mean"})

_CHANGING = (
    "battledeaths.log2", "freediscussion", "ses_power_dist", "un_imr_sqrt", "gdppcgrowth",
    ONGOING, "repress_civilsoc", "pol_killing_approved", "even_civilrights", "social_power_dist",
)  # fmt: skip
# The derived features of the designs that use them (see design.py for how they were chosen).
STANDARD_DERIVED: tuple[str, ...] = (
    *(f"{kind}({column})" for column in _CHANGING for kind in ("change1", "change3")),
    "max3(battledeaths.log2)",
    "mean3(gdppcgrowth)",
    "years_since_onset",
    "region_ongoing_share",
    "world_onsets_3y",
)


def parse(name: str) -> tuple[str, str | None]:
    """``"change1(gdppcgrowth)"`` -> ("change1", "gdppcgrowth"); ``"world_onsets_3y"`` ->
    ("world_onsets_3y", None). An unknown or malformed name is refused."""
    kind, _, rest = name.partition("(")
    column = rest[:-1] if rest.endswith(")") else None
    derivation = DERIVATIONS.get(kind)
    if derivation is None or (rest and column is None) or derivation.needs_column != bool(column):
        raise ValidationFailed.on("derived", f"unknown derived feature {name!r}")
    return kind, column


def is_derived(name: str) -> bool:
    return name.partition("(")[0] in DERIVATIONS


def describe(name: str) -> str:
    """A feature in words: EWP's predictors from ``predictors.DESCRIPTIONS``, derived ones from
    their derivation."""
    if not is_derived(name):
        return DESCRIPTIONS.get(name, name)
    kind, column = parse(name)
    text = DERIVATIONS[kind].description
    return f"{column}: {text}" if column else text


def filled_predictors(table: CountryYearTable, predictors: Sequence[str]) -> pd.DataFrame:
    """The predictors with each gap filled by the country's most recent earlier value."""
    missing = [p for p in predictors if p not in table.frame.columns]
    if missing:
        raise ValidationFailed.on(missing[0], "missing column (the model uses this predictor)")
    frame = table.frame
    return frame[list(predictors)].groupby(frame["ccode"], sort=False).ffill()


def feature_frame(
    table: CountryYearTable, predictors: Sequence[str], derived: Sequence[str] = ()
) -> pd.DataFrame:
    """Predictors (gaps carried forward) and derived features, one row per row of the table."""
    filled = filled_predictors(table, predictors)
    if not derived:
        return filled
    base = table.frame[["ccode", "year", ONSET]].copy()
    extra: dict[str, pd.Series] = {}
    for name in derived:
        kind, column = parse(name)
        if column is not None and column not in base.columns:
            if column not in table.frame.columns:
                raise ValidationFailed.on(
                    column, f"missing column (derived feature {name} needs it)"
                )
            source = filled[column] if column in filled.columns else table.frame[column]
            base[column] = source.groupby(table.frame["ccode"], sort=False).ffill()
        if kind in _REGIONAL or kind == "years_since_ongoing":
            for needed in (*REGIONS, ONGOING):
                if needed in table.frame.columns and needed not in base.columns:
                    base[needed] = table.frame[needed]
        extra[name] = DERIVATIONS[kind].compute(base, column).astype(float)
    return pd.concat([filled, pd.DataFrame(extra, index=filled.index)], axis=1)
