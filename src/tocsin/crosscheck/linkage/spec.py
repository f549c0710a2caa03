"""What to link: the fields compared, how candidate pairs are found, and when a pair matches.

A spec names its fields once; blocking rules, deterministic rules and the comparisons built by
:mod:`tocsin.crosscheck.linkage.settings` all refer to fields by those names, so a spec that
mentions a field it does not define is refused before any data is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import pandas as pd

from tocsin.core.errors import ValidationFailed

Kind = Literal["name", "date", "category", "text", "number", "identifier"]
KINDS: tuple[str, ...] = get_args(Kind)
# A derivation turns the input frame into the column the engine compares (a phonetic key, a
# normalised date, a composite of several columns). Whole columns at once: a per-row Python call
# on a million records would cost more than the linkage itself.
Derive = Callable[[pd.DataFrame], "pd.Series[Any]"]
# Either the names of fields that must agree exactly, or an SQL condition over l. and r. columns.
Rule = Sequence[str] | str

DEFAULT_SIMILARITY: dict[str, tuple[float, ...]] = {
    "name": (0.92, 0.85),  # Jaro-Winkler, highest level first
    "text": (0.9, 0.75),
    "identifier": (1, 2),  # Levenshtein edits (DuckDB runs it ~7x faster than Damerau)
    "date": (1, 2),  # edits on the ISO text: a mistyped digit or a swapped day and month digits
    "number": (1, 5),  # absolute difference
    "category": (),
}


@dataclass(frozen=True)
class FieldSpec:
    """One compared field. ``source`` is the input column (default: ``name``); ``derive``, when
    given, computes the field from the whole input frame instead. ``similarity`` overrides the
    kind's thresholds (see ``DEFAULT_SIMILARITY``); ``term_frequency`` lets rare values weigh
    more than common ones (a rare surname agreeing is stronger evidence than "smith")."""

    name: str
    kind: Kind
    source: str | None = None
    derive: Derive | None = None
    similarity: tuple[float, ...] | None = None
    term_frequency: bool = False

    @property
    def column(self) -> str:
        return self.source or self.name

    @property
    def thresholds(self) -> tuple[float, ...]:
        return self.similarity if self.similarity is not None else DEFAULT_SIMILARITY[self.kind]


def per_value(column: str, fn: Callable[[Any], Any]) -> Derive:
    """A derivation from a function of one value (e.g. a name layer's key), missing stays
    missing."""

    def derive(frame: pd.DataFrame) -> pd.Series[Any]:
        values = frame[column]
        return values.map(lambda v: None if v is None or v != v else fn(v))

    return derive


@dataclass(frozen=True)
class LinkSpec:
    """A linkage: fields, blocking rules (a pair is scored only if some rule admits it), the
    match probability from which a pair is a link, and training choices.

    ``deterministic`` rules admit almost no false links; the share of pairs they find sets the
    prior (lambda) with ``deterministic_recall`` as the guess of how many true links they catch.
    Without them the prior comes from EM alone. ``em_rules`` are the blocking passes over which
    m is estimated (default: the blocking rules); no level's m goes below ``m_floor``.
    ``recheck_band`` is the match-weight distance
    from the threshold within which name fields are compared again with rapidfuzz, across
    fields, so a given name and surname written in each other's place still count.
    """

    fields: Sequence[FieldSpec]
    blocking: Sequence[Rule]
    threshold: float = 0.9
    unique_id: str = "unique_id"
    deterministic: Sequence[Rule] = ()
    deterministic_recall: float = 0.7
    em_rules: Sequence[Rule] | None = None
    recheck_band: float = 10.0
    m_floor: float = 1e-3
    u_max_pairs: float = 2e6
    seed: int = 42
    extra: dict[str, Any] = field(default_factory=dict)

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise ValidationFailed.on(name, "not a field of this link spec")

    def check(self, *frames: pd.DataFrame) -> None:
        """Refuse a spec that cannot run, naming the field at fault."""
        if not self.fields:
            raise ValidationFailed.on("fields", "at least one field is needed")
        if not self.blocking:
            raise ValidationFailed.on(
                "blocking",
                "at least one blocking rule is needed: without one every record "
                "would be compared with every other",
            )
        if not 0 < self.threshold < 1:
            raise ValidationFailed.on("threshold", f"must be between 0 and 1, not {self.threshold}")
        if not 0 < self.deterministic_recall <= 1:
            raise ValidationFailed.on("deterministic_recall", "must be in (0, 1]")
        names = [f.name for f in self.fields]
        for name in names:
            if names.count(name) > 1:
                raise ValidationFailed.on(name, "field defined twice")
            if name == self.unique_id or name.startswith(("__", "source_dataset")):
                raise ValidationFailed.on(name, "reserved column name")
        for f in self.fields:
            if f.kind not in KINDS:
                raise ValidationFailed.on(f.name, f"kind {f.kind!r} is not one of {KINDS}")
            if f.kind != "category" and len(f.thresholds) == 0:
                raise ValidationFailed.on(f.name, "needs at least one similarity threshold")
        for group in ("blocking", "deterministic", "em_rules"):
            for rule in getattr(self, group) or ():
                for name in rule_fields(rule):
                    if name not in names:
                        raise ValidationFailed.on(
                            name, f"used in a {group} rule but not a field of this link spec"
                        )
        for i, frame in enumerate(frames):
            side = ("left", "right")[i]
            if self.unique_id not in frame.columns:
                raise ValidationFailed.on(self.unique_id, f"no such column in the {side} records")
            if frame[self.unique_id].isna().any() or not frame[self.unique_id].is_unique:
                raise ValidationFailed.on(
                    self.unique_id, f"must be present and unique in the {side} records"
                )
            for f in self.fields:
                if f.derive is None and f.column not in frame.columns:
                    raise ValidationFailed.on(
                        f.name, f"no column {f.column!r} in the {side} records"
                    )


def rule_fields(rule: Rule) -> list[str]:
    """Fields a rule names; an SQL rule names them as l.field / r.field."""
    if isinstance(rule, str):
        return sorted(set(re.findall(r"\b[lr]\.\"?([A-Za-z_][A-Za-z0-9_]*)", rule)))
    if not rule:
        raise ValidationFailed.on("blocking", "an empty rule would compare every pair")
    return list(rule)
