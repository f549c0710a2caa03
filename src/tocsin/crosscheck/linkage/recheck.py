"""The final comparison of candidate pairs near the threshold, with rapidfuzz.

Splink compares each name field with the same field of the other record; settings.py adds a
level for a name found exactly in another name field (given name and surname swapped). A
swapped name that also carries a typo falls through both. For pairs whose weight is within the
band of the threshold (either side, so explanations of links just above it are right too), each
name field in the "anything else" level is compared again with rapidfuzz's Jaro-Winkler against
the other name fields of the other record; a similarity
at the field's lowest threshold or above moves it to the swapped level, with that level's
trained Bayes factor (the evidence stays the model's; only the alignment changes).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler

from tocsin.crosscheck.linkage.result import Level
from tocsin.crosscheck.linkage.spec import FieldSpec, LinkSpec

SWAPPED = 1  # gamma of the swapped level: just above "anything else" (0)


def _trained(f: FieldSpec, levels: dict[str, dict[int, Level]]) -> bool:
    """A name field whose swapped and "anything else" levels are in the model (Splink leaves
    out a comparison it could learn nothing about)."""
    table = levels.get(f.name, {})
    return f.kind == "name" and SWAPPED in table and 0 in table


def band(spec: LinkSpec, levels: dict[str, dict[int, Level]]) -> float:
    """How far below the threshold a pair can be and still reach it after the recheck."""
    gain = sum(
        max(
            0.0,
            math.log2(levels[f.name][SWAPPED].bayes_factor)
            - math.log2(levels[f.name][0].bayes_factor),
        )
        for f in spec.fields
        if _trained(f, levels)
    )
    return min(spec.recheck_band, gain)


def _cross_similarity(mine: str | None, theirs: list[str | None]) -> float:
    if mine is None:
        return -1.0
    return max((JaroWinkler.similarity(mine, t) for t in theirs if t), default=-1.0)


def recheck(
    pairs: pd.DataFrame,
    spec: LinkSpec,
    levels: dict[str, dict[int, Level]],
    threshold_weight: float,
    reach: float,
) -> pd.DataFrame:
    names = [f for f in spec.fields if _trained(f, levels)]
    for f in spec.fields:
        pairs[f"recheck_{f.name}"] = False
    if len(names) < 2 or pairs.empty:
        return pairs
    weight = pairs["match_weight"].to_numpy()
    near = np.flatnonzero(np.abs(weight - threshold_weight) <= reach)
    if near.size == 0:
        return pairs
    weights = weight.copy()
    values = {
        (g.name, side): pairs[f"{g.name}_{side}"].to_numpy()[near] for g in names for side in "lr"
    }
    for f in names:
        gamma = pairs[f"gamma_{f.name}"].to_numpy()[near].copy()
        bf = pairs[f"bf_{f.name}"].to_numpy()[near].astype("float64").copy()
        moved = np.zeros(near.size, dtype=bool)
        swapped_bf = levels[f.name][SWAPPED].bayes_factor
        others = [g.name for g in names if g is not f]
        for k in np.flatnonzero(gamma == 0):
            # The same direction as the swapped level (settings.swapped_level).
            best = _cross_similarity(values[f.name, "l"][k], [values[g, "r"][k] for g in others])
            if best >= min(f.thresholds):
                weights[near[k]] += math.log2(swapped_bf) - math.log2(max(bf[k], 1e-300))
                gamma[k], bf[k], moved[k] = SWAPPED, swapped_bf, True
        rows = pairs.index[near]
        pairs.loc[rows, f"gamma_{f.name}"] = gamma
        pairs.loc[rows, f"bf_{f.name}"] = bf
        pairs.loc[rows, f"recheck_{f.name}"] = moved
    pairs["match_weight"] = weights
    pairs["match_probability"] = 1.0 / (1.0 + np.exp2(-weights))
    return pairs
