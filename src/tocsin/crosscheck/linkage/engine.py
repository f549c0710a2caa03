"""Link two record sets, or deduplicate one, without labelled training data.

Fellegi-Sunter through Splink: u from a seeded random sample of pairs (almost all random pairs
are non-matches), m by expectation maximisation over each training blocking pass, the prior
(lambda) from deterministic rules when the spec gives them. Pairs near the threshold are
compared again with rapidfuzz (recheck.py); links above the threshold form clusters as connected
components.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from splink import Linker
from splink.internals import expectation_maximisation as em
from splink.internals.comparison_level import M_U_CLAMP_MIN
from splink.internals.exceptions import EMTrainingException
from splink.internals.m_u_records_to_parameters import m_u_records_to_lookup_dict

from tocsin.core.errors import ValidationFailed
from tocsin.crosscheck.linkage import backend as backends
from tocsin.crosscheck.linkage.prepare import prepare
from tocsin.crosscheck.linkage.recheck import band, recheck
from tocsin.crosscheck.linkage.result import UNUSED, Level, LinkResult, probability_to_weight
from tocsin.crosscheck.linkage.settings import rule, settings
from tocsin.crosscheck.linkage.spec import LinkSpec, rule_fields

SIDES = ("left", "right")


def _check_training(spec: LinkSpec) -> None:
    """EM cannot estimate m for a field its blocking pass fixes; every field needs one pass
    that leaves it free."""
    passes = list(spec.em_rules if spec.em_rules is not None else spec.blocking)
    for f in spec.fields:
        if passes and all(f.name in rule_fields(r) for r in passes):
            raise ValidationFailed.on(
                f.name,
                "every EM training rule blocks on this field, so its m cannot be "
                "estimated: add a training rule (em_rules) that does not use it",
            )


def _floor_m(linker: Linker, floor: float) -> None:
    """EM without labels has no evidence that a level never happens among true links when none
    happened among its training pairs (a small input, a pass that blocks most errors out); an m
    of ~0 would then veto every such pair for ever. A floor, like a pseudo-count, keeps such a
    level strong evidence against a match without making it a veto."""
    for comparison in linker._settings_obj.comparisons:
        for level in comparison._comparison_levels_excluding_null:
            m = level._m_probability
            if not isinstance(m, float) or m < floor:
                level.m_probability = floor


def _levels(linker: Linker) -> tuple[dict[str, dict[int, Level]], float]:
    model = linker.misc.save_model_to_json()
    levels: dict[str, dict[int, Level]] = {}
    for comparison in model["comparisons"]:
        rows = comparison["comparison_levels"]
        by_gamma: dict[int, Level] = {}
        gamma = len(rows) - 2  # Splink numbers non-null levels downwards to 0
        for row in rows:
            if row.get("is_null_level"):
                by_gamma[-1] = Level(row["label_for_charts"], 1.0)
                continue
            m, u = row.get("m_probability"), row.get("u_probability")
            bf = float(m) / float(u) if m and u else 1.0
            by_gamma[gamma] = Level(row["label_for_charts"], bf)
            gamma -= 1
        levels[comparison["output_column_name"]] = by_gamma
    prior = float(model["probability_two_random_records_match"])
    return levels, probability_to_weight(prior)


@contextmanager
def _underflow_clamped() -> Iterator[None]:
    """On small inputs EM can estimate an m of 1e-311 for a level no match falls in, and
    Splink 5 then refuses the whole pass (it accepts nothing below 1e-300), though it clamps to
    1e-300 itself when it turns m and u into Bayes factors. Clamp the EM estimates the same way
    while training; nothing else is patched, and only for the duration of the call."""
    original = m_u_records_to_lookup_dict

    def clamped(m_u_records: list[dict[str, Any]]) -> dict[str, dict[int, Any]]:
        for r in m_u_records:
            for key in ("m_probability", "u_probability"):
                value = r.get(key)
                if isinstance(value, float) and value < M_U_CLAMP_MIN:
                    r[key] = M_U_CLAMP_MIN
        return original(m_u_records)

    em.m_u_records_to_lookup_dict = clamped  # type: ignore[attr-defined]
    try:
        yield
    finally:
        em.m_u_records_to_lookup_dict = original  # type: ignore[attr-defined]


def _train(linker: Linker, spec: LinkSpec) -> None:
    training = linker.training
    if spec.deterministic:
        training.estimate_probability_two_random_records_match(
            [rule(r) for r in spec.deterministic], recall=spec.deterministic_recall
        )
    # One chunk: Splink's chunked probing (for early stopping) costs more than it saves here.
    training.estimate_u_using_random_sampling(
        max_pairs=spec.u_max_pairs, seed=spec.seed, num_chunks=1
    )
    with _underflow_clamped():
        for r in spec.em_rules if spec.em_rules is not None else spec.blocking:
            try:
                training.estimate_parameters_using_expectation_maximisation(
                    rule(r),
                    estimate_without_term_frequencies=True,
                    populate_probability_two_random_records_match_from_trained_values=(
                        not spec.deterministic
                    ),
                )
            except EMTrainingException:
                # A pass that finds no pairs in these records (small or uniform data) teaches
                # nothing; the others still do, and what none taught gets prior m values.
                continue
    _default_m(linker)
    _floor_m(linker, spec.m_floor)


# m for a comparison no training pass could estimate: most true matches agree exactly, fewer
# at each weaker level, and few fall in "anything else". A prior belief, used only as a
# fallback (small or uniform data); EM replaces it whenever a pass has pairs to learn from.
def _prior_m(levels: int) -> list[float]:
    """0.85 on the strongest level; the other 0.15 halves at each weaker level, and the last
    ("anything else") takes what is left, so they sum to 1."""
    if levels == 1:
        return [1.0]
    rest = [0.15 * 0.5 ** (i + 1) for i in range(levels - 2)]
    return [0.85, *rest, 0.15 - sum(rest)]


def _default_m(linker: Linker) -> None:
    for comparison in linker._settings_obj.comparisons:
        levels = comparison._comparison_levels_excluding_null
        if all(isinstance(level._m_probability, float) for level in levels):
            continue
        for level, m in zip(levels, _prior_m(len(levels)), strict=True):
            if not isinstance(level._m_probability, float):
                level.m_probability = m


def _pairs(
    raw: pd.DataFrame, spec: LinkSpec, linking: bool, levels: dict[str, dict[int, Level]]
) -> pd.DataFrame:
    uid = spec.unique_id
    out = pd.DataFrame(
        {
            "id_l": raw[f"{uid}_l"].to_numpy(),
            "id_r": raw[f"{uid}_r"].to_numpy(),
            "match_weight": raw["match_weight"].to_numpy(dtype="float64"),
            "match_probability": raw["match_probability"].to_numpy(dtype="float64"),
        }
    )
    if linking:
        # Splink may put either input on the left of a pair; ours always has left first.
        swap = (raw["source_dataset_l"] != f"records_{SIDES[0]}").to_numpy()
        out.loc[swap, ["id_l", "id_r"]] = out.loc[swap, ["id_r", "id_l"]].to_numpy()
    for f in spec.fields:
        if f"{f.name}_l" in raw.columns:
            left, right = raw[f"{f.name}_l"].to_numpy(), raw[f"{f.name}_r"].to_numpy()
        else:  # a comparison Splink left out (see below) brings no values back either
            left = right = np.full(len(raw), None, dtype=object)
        if linking:
            left, right = np.where(swap, right, left), np.where(swap, left, right)
        out[f"{f.name}_l"], out[f"{f.name}_r"] = left, right
        if f"gamma_{f.name}" in raw.columns:
            gamma = raw[f"gamma_{f.name}"].to_numpy(dtype="int64")
        else:
            # Splink leaves out a comparison it could not use at all (say, a field no pair
            # ever agreed on in training): it counted as nothing, like a missing value.
            gamma = np.full(len(raw), -1, dtype="int64")
        out[f"gamma_{f.name}"] = gamma
        if f"bf_{f.name}" in raw.columns:
            bf = raw[f"bf_{f.name}"].to_numpy(dtype="float64")
        else:
            table = levels.setdefault(f.name, {-1: UNUSED})
            bf = pd.Series(gamma).map({g: lv.bayes_factor for g, lv in table.items()}).to_numpy()
        if f"bf_tf_adj_{f.name}" in raw.columns:
            bf = bf * raw[f"bf_tf_adj_{f.name}"].to_numpy(dtype="float64")
        out[f"bf_{f.name}"] = bf
    return out


def _clusters(
    frames: list[pd.DataFrame], pairs: pd.DataFrame, spec: LinkSpec, linking: bool
) -> pd.DataFrame:
    ids = [f[spec.unique_id].to_numpy() for f in frames]
    offsets = np.cumsum([0] + [len(i) for i in ids])
    codes_l = pd.Index(ids[0]).get_indexer(pairs["id_l"])
    right_ids = ids[1] if linking else ids[0]
    codes_r = pd.Index(right_ids).get_indexer(pairs["id_r"]) + (offsets[1] if linking else 0)
    n = int(offsets[-1])
    graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (codes_l, codes_r)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return pd.DataFrame(
        {
            "source": np.repeat(np.array(SIDES[: len(frames)]), [len(i) for i in ids]),
            "record_id": np.concatenate(ids),
            "cluster_id": labels,
        }
    )


def link(
    left: pd.DataFrame,
    right: pd.DataFrame | None,
    spec: LinkSpec,
    *,
    backend: str = "duckdb",
    backend_options: dict[str, Any] | None = None,
) -> LinkResult:
    """Link ``left`` with ``right``, or deduplicate ``left`` when ``right`` is None."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    linking = right is not None
    inputs = [left] if right is None else [left, right]
    spec.check(*inputs)
    _check_training(spec)
    frames = [prepare(frame, spec) for frame in inputs]
    seconds["prepare"] = time.perf_counter() - started

    api = backends.database_api(backend, **(backend_options or {}))
    tables = [
        backends.register(api, f, f"records_{side}") for f, side in zip(frames, SIDES, strict=False)
    ]
    # Splink's own lines would drown a caller's output (a progress bar, a report). Its warnings
    # say which levels the data could not train, which the result already shows (a level
    # "not used", or the prior m): errors only.
    linker = Linker(
        tables if linking else tables[0], settings(spec, linking=linking), log_level=logging.ERROR
    )
    t = time.perf_counter()
    _train(linker, spec)
    seconds["train"] = time.perf_counter() - t

    t = time.perf_counter()
    threshold = probability_to_weight(spec.threshold)
    levels, prior = _levels(linker)
    reach = band(spec, levels)
    predicted = linker.inference.predict(
        threshold_match_weight=threshold - reach, warning_mode="never"
    )
    raw = predicted.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    backends.release(api)  # a Spark session would keep the records until it stops
    pairs = recheck(_pairs(raw, spec, linking, levels), spec, levels, threshold, reach)
    pairs = pairs[pairs["match_weight"] >= threshold]
    pairs = pairs.sort_values(
        ["match_weight", "id_l", "id_r"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
    seconds["predict"] = time.perf_counter() - t

    t = time.perf_counter()
    clusters = _clusters(frames, pairs, spec, linking)
    seconds["cluster"] = time.perf_counter() - t
    seconds["total"] = time.perf_counter() - started
    return LinkResult(spec, pairs, clusters, levels, prior, seconds)
