"""The backtest's figures, computed the same way for our forecasts and for EWP's."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from tocsin.risk.forecast.learners import Array


def roc_auc(outcome: Array, score: Array) -> float:
    """Area under the ROC curve: the chance that a random onset country-year scores above a
    random other one, ties counting half (the Mann-Whitney statistic, as pROC computes it)."""
    positives = outcome == 1
    n_pos = int(positives.sum())
    n_neg = len(outcome) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = pd.Series(score).rank(method="average").to_numpy()
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def brier(outcome: Array, probability: Array) -> float:
    return float(np.mean((probability - outcome) ** 2))


@dataclass(frozen=True)
class BacktestMetrics:
    """Scored country-years are those of the onset years with at least one forecast; an onset
    counts as caught when its country ranked in the top ``top`` of either forecast that scores
    it. ``brier`` compares the higher of the two forecasts with the onset in that year (EWP's
    ``maxrisk2`` against ``mk_onset``); ``brier_2y`` compares each forecast with the two-year
    outcome it was made for, the calibrated quantity."""

    auc: float
    top_share: float
    top: int
    onsets: int
    onsets_in_top: int
    brier: float
    scored: int
    brier_2y: float
    forecasts_2y: int
    train_s: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def score(
    onset: Array,
    max_probability: Array,
    min_rank: Array,
    *,
    top: int,
    two_year: tuple[Array, Array] | None = None,
    train_s: float = 0.0,
) -> BacktestMetrics:
    """Metrics over scored country-years (``onset``, the higher forecast, the better rank);
    ``two_year`` is (probability, outcome) of every forecast whose two-year outcome is known."""
    caught = int(((min_rank <= top) & (onset == 1)).sum())
    onsets = int(onset.sum())
    p2, y2 = two_year if two_year is not None else (np.zeros(0), np.zeros(0))
    return BacktestMetrics(
        auc=roc_auc(onset, max_probability),
        top_share=caught / onsets if onsets else float("nan"),
        top=top,
        onsets=onsets,
        onsets_in_top=caught,
        brier=brier(onset, max_probability),
        scored=len(onset),
        brier_2y=brier(y2, p2) if len(y2) else float("nan"),
        forecasts_2y=len(y2),
        train_s=train_s,
    )
