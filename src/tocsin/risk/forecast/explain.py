"""A country's forecast and the predictors that push it up or down.

The explanation is exact in log-odds: ``base_log_odds + sum(c.log_odds for c in contributions)
== log_odds == logit(probability)``. The base is the model's log-odds for a country at the
training mean (for trees, the mean training score), carried through the calibration map; each
contribution is that feature's share (the logit's coefficient times the standardised distance
from the mean; the trees' TreeSHAP value), scaled by the calibration slope and the component's
weight. ``probability_effect`` is how much lower (or higher) the probability would be without
that one contribution: readable, but these do not add up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tocsin.risk.forecast.features import describe


@dataclass(frozen=True)
class Contribution:
    feature: str
    value: float  # the value the model used (after filling a gap)
    filled: bool  # the table had no value for this country-year; see the missing-value rule
    log_odds: float
    probability_effect: float

    @property
    def description(self) -> str:
        return describe(self.feature)

    def as_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "description": self.description,
            "value": self.value,
            "filled": self.filled,
            "log_odds": self.log_odds,
            "probability_effect": self.probability_effect,
        }


@dataclass(frozen=True)
class CountryForecast:
    """The probability of a mass-killing onset in ``year + 1`` or ``year + 2`` (the forecast
    is made from ``year``'s predictors), the country's rank that year (1 = highest; tied
    probabilities share the best rank) and its explanation."""

    country: str
    ccode: int
    year: int
    probability: float
    rank: int
    log_odds: float
    base_log_odds: float
    contributions: tuple[Contribution, ...]  # every feature, largest |log_odds| first

    def pushes_up(self, n: int = 5) -> list[Contribution]:
        return [c for c in self.contributions if c.log_odds > 0][:n]

    def pushes_down(self, n: int = 5) -> list[Contribution]:
        return [c for c in self.contributions if c.log_odds < 0][:n]

    def explanation(self, n: int = 5) -> list[dict[str, Any]]:
        """The ``n`` strongest contributions each way, as JSON-compatible rows."""
        return [
            {**c.as_dict(), "direction": "up" if c.log_odds > 0 else "down"}
            for c in (*self.pushes_up(n), *self.pushes_down(n))
        ]


def contribution(
    feature: str, value: float, filled: bool, share: float, log_odds: float
) -> Contribution:
    probability = _sigmoid(log_odds)
    return Contribution(
        feature, value, filled, share, probability - _sigmoid(log_odds - share)
    )


def _sigmoid(z: float) -> float:
    return 0.5 * (1.0 + math.tanh(0.5 * z))

