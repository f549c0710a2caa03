"""Country-year tables in the Early Warning Project's format, read and checked.

One row per country and year: a country name (``ewp_name`` or ``country``), the COW number
``ccode``, ``year``, the onset ``mk_onset`` (1 when a new mass killing began that year), the lead
outcomes ``mk_onset_1`` and ``mk_onset_2`` (the onset in the next and the second next year, empty
where that year is not observed), ``mk_onset_1or2`` (the two-year target) and the predictors.
Other columns are ignored. Predictors may be empty; everything else must be there.

A bad table is refused whole with the column and line of the first problem: a missing column, a
value that is not a number, an outcome other than 0 or 1, a country-year given twice, or a lead
outcome that contradicts the onset recorded for that later year.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tocsin.core.errors import ValidationFailed

# The 39 predictors of the Early Warning Project's 2025 model (model_3Sep2025.R), in its order.
EWP_PREDICTORS: tuple[str, ...] = (
    "widetargeting", "narrowtargeting", "v2csgender_binary", "v2mecenefm_binary",
    "partyban.new.0", "partyban.new.1", "partyban.new.2", "minorityrule", "judicialreform",
    "religiousfreedom", "pol_killing_approved", "freediscussion", "social_inequality",
    "even_civilrights", "repress_civilsoc", "social_power_dist", "ses_power_dist",
    "popsize.log2", "gdppcgrowth", "un_imr_sqrt", "efindex", "discrimpop", "reg.na", "reg.eap",
    "reg.sca", "reg.mna", "reg.eur", "ios.iccpr1", "battledeaths.log2", "coup.try.5yr",
    "mk_ongoing_count_log2", "mean_mk_onset_interaction", "mk_onset_prev_year", "newcountry",
    "mk_ever", "year_sq", "year", "countryage.new.log2", "includesnonstate",
)  # fmt: skip
NAME_COLUMNS = ("ewp_name", "country")
ONSET = "mk_onset"
LEADS = ("mk_onset_1", "mk_onset_2")
TARGET = "mk_onset_1or2"
OUTCOMES = (ONSET, *LEADS, TARGET)
NA_TOKENS = frozenset({"", "NA", "NaN", "nan", "N/A", "NULL", "null", "None"})


@dataclass(frozen=True)
class CountryYearTable:
    """A checked table: ``frame`` has the columns ``country``, ``ccode``, ``year``, the outcomes
    and the predictors (floats, NaN where missing), sorted by country code and year."""

    frame: pd.DataFrame
    predictors: tuple[str, ...]
    source: str = ""
    sha256: str = ""

    @property
    def first_year(self) -> int:
        return int(self.frame["year"].min())

    @property
    def last_year(self) -> int:
        return int(self.frame["year"].max())

    @property
    def countries(self) -> int:
        return int(self.frame["ccode"].nunique())

    def years(self) -> list[int]:
        return sorted(int(y) for y in self.frame["year"].unique())


def read_table(
    path: str | Path, predictors: Sequence[str] | None = None
) -> CountryYearTable:
    """Read and check a CSV country-year table; ``predictors`` defaults to EWP's 39."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationFailed.on("data", f"cannot read {path}: {exc.strerror}") from exc
    try:
        frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValidationFailed.on("data", f"{path.name} is not a readable CSV file: {exc}") from exc
    return table_from_frame(
        frame, predictors, source=path.name, sha256=hashlib.sha256(raw).hexdigest(), csv=True
    )


def table_from_frame(
    frame: pd.DataFrame,
    predictors: Sequence[str] | None = None,
    *,
    source: str = "",
    sha256: str = "",
    csv: bool = False,
) -> CountryYearTable:
    """Check a country-year table already in memory (strings or numbers). Problems name the
    column and the row (``csv=True``: the line of the file, the header being line 1)."""
    names = tuple(EWP_PREDICTORS if predictors is None else predictors)
    if not names:
        raise ValidationFailed.on("predictors", "at least one predictor is needed")
    if len(set(names)) != len(names):
        raise ValidationFailed.on("predictors", "a predictor is listed twice")
    where = _Where(csv)
    name_column = next((c for c in NAME_COLUMNS if c in frame.columns), None)
    if name_column is None:
        raise ValidationFailed.on(
            "ewp_name", "missing column (a country name: ewp_name or country)"
        )
    for column in ("ccode", "year", *OUTCOMES, *names):
        if column not in frame.columns:
            raise ValidationFailed.on(column, "missing column")
    if len(frame) == 0:
        raise ValidationFailed.on("year", "the table has no rows")
    frame = frame.reset_index(drop=True)
    country = frame[name_column].astype(str).str.strip()
    blank = np.flatnonzero(country.isin(NA_TOKENS).to_numpy())
    if blank.size:
        raise ValidationFailed.on(name_column, f"{where(blank[0])}: the country name is empty")
    out = pd.DataFrame({"country": country})
    out["ccode"] = _numbers(frame, "ccode", where, required=True, integer=True)
    out["year"] = _numbers(frame, "year", where, required=True, integer=True)
    out[ONSET] = _numbers(frame, ONSET, where, required=True, binary=True)
    for column in (*LEADS, TARGET):
        out[column] = _numbers(frame, column, where, binary=True)
    for column in names:
        if column not in out.columns:  # "year" is both an identifier and a predictor
            out[column] = _numbers(frame, column, where)
    out["_row"] = np.arange(len(out))
    _check_unique(out, where)
    out = out.sort_values(["ccode", "year"], kind="stable").reset_index(drop=True)
    _check_leads(out, where)
    return CountryYearTable(out.drop(columns="_row"), names, source, sha256)


class _Where:
    def __init__(self, csv: bool) -> None:
        self.csv = csv

    def __call__(self, row: int) -> str:
        return f"line {row + 2}" if self.csv else f"row {row + 1}"


def _numbers(
    frame: pd.DataFrame,
    column: str,
    where: _Where,
    *,
    required: bool = False,
    integer: bool = False,
    binary: bool = False,
) -> pd.Series:
    raw = frame[column]
    if raw.dtype == object:
        text = raw.astype(str).str.strip()
        missing = text.isin(NA_TOKENS).to_numpy() | raw.isna().to_numpy()
        values = pd.to_numeric(text.where(~missing), errors="coerce")
    else:
        values = pd.to_numeric(raw, errors="coerce")
        missing = raw.isna().to_numpy()
    numbers = values.to_numpy(dtype=float)
    bad = np.flatnonzero(~missing & ~np.isfinite(numbers))
    if bad.size:
        row = int(bad[0])
        raise ValidationFailed.on(column, f"{where(row)}: {raw.iloc[row]!r} is not a number")
    if required and missing.any():
        raise ValidationFailed.on(column, f"{where(int(np.flatnonzero(missing)[0]))}: empty")
    present = ~missing
    if integer:
        odd = np.flatnonzero(present & (numbers != np.round(numbers)))
        if odd.size:
            row = int(odd[0])
            raise ValidationFailed.on(
                column, f"{where(row)}: {raw.iloc[row]!r} is not a whole number"
            )
    if binary:
        odd = np.flatnonzero(present & (numbers != 0) & (numbers != 1))
        if odd.size:
            row = int(odd[0])
            raise ValidationFailed.on(column, f"{where(row)}: {raw.iloc[row]!r} is not 0 or 1")
    if integer and required:
        return pd.Series(numbers.astype(np.int64), index=frame.index)
    return pd.Series(numbers, index=frame.index)


def _check_unique(out: pd.DataFrame, where: _Where) -> None:
    dup = out.duplicated(["ccode", "year"], keep=False)
    if not dup.any():
        return
    rows = out[dup].sort_values(["ccode", "year", "_row"])
    first, second = rows.iloc[0], rows.iloc[1]
    raise ValidationFailed.on(
        "year",
        f"{where(int(second['_row']))}: country {int(second['ccode'])} in {int(second['year'])} "
        f"is given twice (also {where(int(first['_row']))})",
    )


def _check_leads(out: pd.DataFrame, where: _Where) -> None:
    """A lead outcome must agree with the onset of the year it looks at, where that year is in
    the table; a table whose targets contradict its own onsets would train on the wrong answer."""
    by_country = out.groupby("ccode", sort=False)
    for step, column in enumerate(LEADS, start=1):
        later_year = by_country["year"].shift(-step)
        later_onset = by_country[ONSET].shift(-step)
        known = (later_year == out["year"] + step) & out[column].notna()
        wrong = np.flatnonzero((known & (out[column] != later_onset)).to_numpy())
        if wrong.size:
            row = out.iloc[int(wrong[0])]
            raise ValidationFailed.on(
                column,
                f"{where(int(row['_row']))}: says {int(row[column])} but the table records "
                f"mk_onset {int(1 - row[column])} for country {int(row['ccode'])} in "
                f"{int(row['year']) + step}",
            )
    implied = np.fmax(out[LEADS[0]].fillna(0), out[LEADS[1]].fillna(0))
    wrong = np.flatnonzero((out[TARGET].notna() & (out[TARGET] != implied)).to_numpy())
    if wrong.size:
        row = out.iloc[int(wrong[0])]
        raise ValidationFailed.on(
            TARGET,
            f"{where(int(row['_row']))}: says {int(row[TARGET])} but mk_onset_1 and mk_onset_2 "
            f"give {int(implied.iloc[int(wrong[0])])}",
        )
