"""What a linkage returns: scored pairs, each explained field by field, and the clusters."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tocsin.core.errors import NotFound
from tocsin.crosscheck.linkage.spec import LinkSpec


@dataclass(frozen=True)
class Level:
    """One comparison level of the trained model."""

    label: str
    bayes_factor: float


# The level of a field Splink left out of the model (it could learn nothing about it here).
UNUSED = Level("not used: nothing to learn from in these records", 1.0)


@dataclass(frozen=True)
class Feature:
    """How one field of a pair counted: the level it fell in and the evidence that level is."""

    field: str
    left: Any
    right: Any
    gamma: int
    label: str
    bayes_factor: float
    rechecked: bool

    @property
    def match_weight(self) -> float:
        return math.log2(self.bayes_factor) if self.bayes_factor > 0 else -math.inf


def weight_to_probability(weight: float) -> float:
    return float(1.0 / (1.0 + 2.0 ** (-weight)))


def probability_to_weight(probability: float) -> float:
    return math.log2(probability / (1.0 - probability))


@dataclass
class LinkResult:
    """``pairs`` holds every link at or above the threshold, strongest first: ``id_l``,
    ``id_r`` (and ``source_l``/``source_r``: "left" or "right"), ``match_weight``,
    ``match_probability``, and per field its two values (``F_l``, ``F_r``), ``gamma_F``,
    ``bf_F`` (Bayes factor, term frequencies included) and ``recheck_F`` (True when rapidfuzz
    moved it to a better level). ``clusters`` has one row per input record: ``source``,
    ``record_id``, ``cluster_id``; a record in no pair is a cluster of its own.
    ``levels[field][gamma]`` describes the model; ``prior_weight`` is lambda as a match weight.
    """

    spec: LinkSpec
    pairs: pd.DataFrame
    clusters: pd.DataFrame
    levels: dict[str, dict[int, Level]]
    prior_weight: float
    seconds: dict[str, float]

    def explain(self, pair: int | tuple[Any, Any]) -> list[Feature]:
        """Every field's contribution to one pair, by row position or by ``(id_l, id_r)``."""
        if isinstance(pair, tuple):
            hit = self.pairs[(self.pairs["id_l"] == pair[0]) & (self.pairs["id_r"] == pair[1])]
            if hit.empty:
                hit = self.pairs[(self.pairs["id_l"] == pair[1]) & (self.pairs["id_r"] == pair[0])]
            if hit.empty:
                raise NotFound(f"no link between {pair[0]!r} and {pair[1]!r}")
            row = hit.iloc[0]
        else:
            if not 0 <= pair < len(self.pairs):
                raise NotFound(f"no pair at position {pair}")
            row = self.pairs.iloc[pair]
        features = []
        for f in self.spec.fields:
            gamma = int(row[f"gamma_{f.name}"])
            features.append(
                Feature(
                    field=f.name,
                    left=_plain(row[f"{f.name}_l"]),
                    right=_plain(row[f"{f.name}_r"]),
                    gamma=gamma,
                    label=self.levels.get(f.name, {}).get(gamma, UNUSED).label,
                    bayes_factor=float(row[f"bf_{f.name}"]),
                    rechecked=bool(row[f"recheck_{f.name}"]),
                )
            )
        return features

    def cluster_of(self, record_id: Any, source: str = "left") -> int:
        hit = self.clusters[
            (self.clusters["record_id"] == record_id) & (self.clusters["source"] == source)
        ]
        if hit.empty:
            raise NotFound(f"no record {record_id!r} in the {source} records")
        return int(hit["cluster_id"].iloc[0])


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
