"""A pair's features (what the score rests on) as table rows.

Engines differ in what they record per field (Splink: comparison level, Bayes factor; incident
rules: similarity and a note), so every key is shown: the known ones in their own column under
a label, anything else in the detail column under its own name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tocsin.web.i18n import N_

FIELD_NAMES = {
    "field": N_("Field"), "level": N_("Level"), "label": N_("Level"), "gamma": N_("Level number"),
    "similarity": N_("Similarity"), "weight": N_("Weight"), "bayes_factor": N_("Bayes factor"),
    "match_weight": N_("Match weight"), "detail": "", "left": N_("First record"),
    "right": N_("Second record"), "rechecked": N_("Checked again by string comparison"),
}  # fmt: skip
COMPARISON = ("level", "label", "gamma", "similarity")
WEIGHT = ("weight", "bayes_factor", "match_weight")


@dataclass
class FeatureRow:
    name: str
    comparison: list[tuple[str, Any]] = field(default_factory=list)
    weight: list[tuple[str, Any]] = field(default_factory=list)
    detail: list[tuple[str, Any]] = field(default_factory=list)


def _shown(value: Any) -> Any:
    """Floats rounded for reading; the template formats numbers in the reader's locale."""
    return round(value, 3) if isinstance(value, float) else value


def rows(features: list[dict[str, Any]]) -> list[FeatureRow]:
    out = []
    for feature in features:
        row = FeatureRow(str(feature.get("field", "")))
        for key, value in feature.items():
            if key == "field":
                continue
            label = FIELD_NAMES.get(key, key)  # "" for the note that is the column itself
            part = row.comparison if key in COMPARISON else (
                row.weight if key in WEIGHT else row.detail)  # fmt: skip
            part.append((label, _shown(value)))
        out.append(row)
    return out
