"""A link spec as Splink settings: one comparison per field, levels suited to the field's kind.

Every comparison has a null level, an exact level, one level per similarity threshold (highest
first) and an "anything else" level, so gamma reads the same way for every kind: -1 missing,
the largest value exact agreement, 0 disagreement.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from tocsin.crosscheck.linkage.spec import FieldSpec, LinkSpec, Rule


def similarity_levels(f: FieldSpec) -> list[ComparisonLevelCreator]:
    """The levels between exact agreement and disagreement, strictest first."""
    col = f.name
    match f.kind:
        case "name" | "text":
            return [cll.JaroWinklerLevel(col, t) for t in f.thresholds]
        case "identifier":
            return [cll.LevenshteinLevel(col, int(t)) for t in f.thresholds]
        case "date":
            edits = [cll.LevenshteinLevel(col, int(t)) for t in f.thresholds]
            return [edits[0], *date_confusions(col), *edits[1:]]
        case "number":
            return [cll.AbsoluteDifferenceLevel(col, t) for t in f.thresholds]
        case _:
            return []


def date_confusions(col: str) -> list[ComparisonLevelCreator]:
    """The two errors most common in recorded birth dates, on YYYYMMDD text (prepare.py): day
    and month read the other way round, and the right day and month with a wrong year."""
    y, m, d = (f"substr({col}_{{side}}, {a}, {n})" for a, n in ((1, 4), (5, 2), (7, 2)))

    def both(x: str, z: str) -> str:
        return f"{x.format(side='l')} = {z.format(side='r')}"

    swapped = f"{both(y, y)} and {both(m, d)} and {both(d, m)}"
    return [
        cll.CustomLevel(swapped, f"day and month of {col} swapped"),
        cll.CustomLevel(f"{both(m, m)} and {both(d, d)}", f"{col} differs in the year only"),
    ]


def swapped_level(f: FieldSpec, names: list[str]) -> list[ComparisonLevelCreator]:
    """The left record's name found in another name field of the right record (given name and
    surname written in each other's place, or a father's name taken for a surname)."""
    others = [g for g in names if g != f.name]
    if f.kind != "name" or not others:
        return []
    # One direction only: with both, the single fact "left given name = right surname" would
    # count once in each of the two fields.
    sql = " or ".join(f"{f.name}_l = {g}_r" for g in others)
    return [cll.CustomLevel(f"({sql})", f"{f.name} found in another name field")]


def comparison(f: FieldSpec, names: list[str]) -> cl.CustomComparison:
    exact = cll.ExactMatchLevel(f.name, term_frequency_adjustments=f.term_frequency)
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.NullLevel(f.name),
        exact,
        *similarity_levels(f),
        *swapped_level(f, names),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(levels, output_column_name=f.name)


def rule(r: Rule) -> BlockingRuleCreator:
    return CustomRule(r) if isinstance(r, str) else block_on(*r)


def settings(spec: LinkSpec, *, linking: bool) -> SettingsCreator:
    """Splink settings for ``spec``; ``linking`` compares two record sets, otherwise one set is
    deduplicated."""
    extra: dict[str, Any] = dict(spec.extra)
    names = [f.name for f in spec.fields if f.kind == "name"]
    return SettingsCreator(
        link_type="link_only" if linking else "dedupe_only",
        unique_id_column_name=spec.unique_id,
        comparisons=[comparison(f, names) for f in spec.fields],
        blocking_rules_to_generate_predictions=[rule(r) for r in spec.blocking],
        retain_matching_columns=True,
        # Only term frequencies need Splink's per-pair Bayes factors; the rest come from the
        # model's level table, which keeps a million-record prediction lean.
        retain_intermediate_calculation_columns=any(f.term_frequency for f in spec.fields),
        **extra,
    )
