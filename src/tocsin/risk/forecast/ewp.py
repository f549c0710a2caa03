"""The baseline: EWP's own pseudo-out-of-sample forecasts (``FOOSforecasts_*.csv``), scored
with the same metrics as ours.

Each row is a country and onset year with ``risk_prev`` / ``rank_prev`` (the forecast from the
year before) and ``risk_two_years_prior`` / ``rank_two_years_prior`` (from two years before);
``maxrisk2`` and ``minrank2`` are the higher risk and better rank of the two. A rank is the
country's place among every country forecast from that year, 1 the highest, ties sharing the
best place: the same rank as ``model.rank_descending``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tocsin.core.errors import ValidationFailed
from tocsin.risk.forecast.metrics import BacktestMetrics, score

FOOS_COLUMNS = ("year", "ccode", "mk_onset", "risk_prev", "maxrisk2", "minrank2")


def read_foos(path: str | Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ValidationFailed.on("foos", f"cannot read {path}: {exc}") from exc
    for column in FOOS_COLUMNS:
        if column not in frame.columns:
            raise ValidationFailed.on(column, "missing column in the FOOS file")
    return frame


def ewp_foos_metrics(
    path: str | Path, start: int = 1994, end: int = 2024, *, top: int = 30
) -> BacktestMetrics:
    """EWP's figures from its FOOS file: AUC of ``maxrisk2`` over the rows that have it, the
    share of onsets with ``minrank2 <= top``, Brier of ``maxrisk2`` against ``mk_onset``, and
    the two-year Brier of each ``risk_prev`` against the onset in its two following years."""
    full = read_foos(path)
    frame = full[(full["year"] >= start) & (full["year"] <= end)]
    scored = frame.dropna(subset=["maxrisk2"])
    onsets = frame[frame["mk_onset"] == 1]
    if onsets["minrank2"].isna().any():
        raise ValidationFailed.on("minrank2", "an onset has no rank")
    two_year = _two_year(full)
    two_year = two_year[(two_year["from"] >= start - 1) & (two_year["from"] <= end - 1)]
    metrics = score(
        scored["mk_onset"].to_numpy(dtype=float),
        scored["maxrisk2"].to_numpy(dtype=float),
        scored["minrank2"].to_numpy(dtype=float),
        top=top,
        two_year=(two_year["risk"].to_numpy(), two_year["outcome"].to_numpy(dtype=float)),
    )
    # An onset of a country with no forecast is still an onset that was missed.
    if len(onsets) != metrics.onsets:
        caught = int((onsets["minrank2"] <= top).sum())
        metrics = BacktestMetrics(**{
            **metrics.as_dict(), "onsets": len(onsets), "onsets_in_top": caught,
            "top_share": caught / len(onsets),
        })  # fmt: skip
    return metrics


def _two_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Each forecast (from year t = row year - 1) beside the onset in t + 1 or t + 2, where
    both years are in the file."""
    onset = frame.set_index(["ccode", "year"])["mk_onset"]
    rows = frame.dropna(subset=["risk_prev"])
    first = onset.reindex(list(zip(rows["ccode"], rows["year"], strict=True))).to_numpy()
    second = onset.reindex(list(zip(rows["ccode"], rows["year"] + 1, strict=True))).to_numpy()
    known = ~np.isnan(first) & ~np.isnan(second)
    return pd.DataFrame({
        "from": (rows["year"] - 1).to_numpy()[known],
        "risk": rows["risk_prev"].to_numpy()[known],
        "outcome": np.fmax(first, second)[known],
    })  # fmt: skip
