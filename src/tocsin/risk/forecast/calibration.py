"""Calibration: a logistic map of the combined log-odds, and how to measure calibration.

A design's raw log-odds (trees in particular) need not be probabilities. ``fit_platt`` learns
``p = sigmoid(a + b * z)`` from out-of-time predictions made inside the training window (see
model.py), so the map never sees a year after the one the model is trained for. With too few
onsets to learn from it keeps the identity and says so.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from tocsin.risk.forecast.learners import Array, sigmoid

MIN_ONSETS = 5  # fewer positives than this and a fitted slope is noise


@dataclass(frozen=True)
class Platt:
    a: float = 0.0
    b: float = 1.0
    rows: int = 0
    positives: int = 0

    @property
    def fitted(self) -> bool:
        return self.rows > 0

    def apply(self, z: Array) -> Array:
        out: Array = self.a + self.b * z
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "rows": self.rows, "positives": self.positives}


def fit_platt(z: Array, y: Array) -> Platt:
    """Maximum-likelihood ``a, b`` of ``y ~ sigmoid(a + b z)`` (Newton, tiny ridge for
    stability); the identity when there are fewer than ``MIN_ONSETS`` positives."""
    positives = int(y.sum())
    if positives < MIN_ONSETS or positives == len(y):
        return Platt()
    design = np.column_stack([np.ones(len(z)), z])
    beta = np.array([0.0, 1.0])
    for _ in range(50):
        p = sigmoid(design @ beta)
        gradient = design.T @ (y - p) - 1e-6 * (beta - [0.0, 1.0])
        hessian = (design.T * (p * (1 - p))) @ design + 1e-6 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    if not np.all(np.isfinite(beta)) or beta[1] <= 0:
        return Platt(rows=len(y), positives=positives)  # a map that reverses the order: keep raw
    return Platt(float(beta[0]), float(beta[1]), len(y), positives)


def match_base_rate(platt: Platt, z: Array, y: Array) -> Platt:
    """Keep the slope, move the intercept so the mean probability over ``z`` equals the onset
    rate of ``y`` (the whole training window: steadier than the last few years alone)."""
    target = float(y.mean())
    low, high = -20.0, 20.0
    for _ in range(100):  # the mean is increasing in the intercept: bisect
        middle = (low + high) / 2
        if float(sigmoid(middle + platt.b * z).mean()) < target:
            low = middle
        else:
            high = middle
    return Platt((low + high) / 2, platt.b, platt.rows, platt.positives)


@dataclass(frozen=True)
class CalibrationBin:
    """Forecasts whose probability fell in [low, high): how many, the mean forecast and the
    share that did see an onset within the two years."""

    low: float
    high: float
    count: int
    mean_probability: float
    observed_rate: float


@dataclass(frozen=True)
class Calibration:
    bins: tuple[CalibrationBin, ...]
    expected_calibration_error: float  # count-weighted |mean forecast - observed|
    mean_probability: float
    observed_rate: float
    brier: float  # of the two-year probability against the two-year outcome
    count: int


EDGES = (0.0, 0.01, 0.02, 0.04, 0.08, 0.16, 1.0 + 1e-9)


def calibration(
    probability: Array, outcome: Array, edges: tuple[float, ...] = EDGES
) -> Calibration:
    """Reliability table of probabilities against the outcome each one forecast."""
    bins = []
    gap = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (probability >= low) & (probability < high)
        count = int(inside.sum())
        if not count:
            continue
        mean_p = float(probability[inside].mean())
        rate = float(outcome[inside].mean())
        gap += count * abs(mean_p - rate)
        bins.append(CalibrationBin(low, min(high, 1.0), count, mean_p, rate))
    total = len(probability)
    return Calibration(
        tuple(bins),
        gap / total if total else float("nan"),
        float(probability.mean()) if total else float("nan"),
        float(outcome.mean()) if total else float("nan"),
        float(np.mean((probability - outcome) ** 2)) if total else float("nan"),
        total,
    )
