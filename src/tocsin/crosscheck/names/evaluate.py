"""Precision and recall of the name comparison on labelled pairs, and the choice of threshold."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from tocsin.crosscheck.names.compare import compare_names
from tocsin.crosscheck.names.prepared import prepare

# choose_threshold() on tests/crosscheck/cross_script.py gives 0.805, the middle of the empty
# interval between the best-scoring different persons (0.70) and most same persons (0.91).
DEFAULT_THRESHOLD = 0.8

Pair = tuple[str, str, bool]


def scored(pairs: Sequence[Pair]) -> list[tuple[float, bool]]:
    return [(compare_names(prepare(a), prepare(b)).score, same) for a, b, same in pairs]


def _rates(scores: Sequence[tuple[float, bool]], threshold: float) -> tuple[float, float]:
    true_pos = sum(1 for s, same in scores if same and s >= threshold)
    predicted = sum(1 for s, _ in scores if s >= threshold)
    actual = sum(1 for _, same in scores if same)
    precision = true_pos / predicted if predicted else 1.0
    recall = true_pos / actual if actual else 1.0
    return precision, recall


def evaluate(pairs: Sequence[Pair], threshold: float = DEFAULT_THRESHOLD) -> tuple[float, float]:
    """(precision, recall) of "score >= threshold" against the labels of ``pairs``."""
    return _rates(scored(pairs), threshold)


def _f1(scores: Sequence[tuple[float, bool]], threshold: float) -> float:
    precision, recall = _rates(scores, threshold)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def choose_threshold(pairs: Sequence[Pair]) -> float:
    """The middle of the widest empty score interval among those that give the best F1.

    Every threshold between two consecutive observed scores classifies the pairs alike, so
    the choice is among those intervals: the best F1 first, then the widest margin on both
    sides, which is what keeps the threshold stable on names outside the set.
    """
    scores = scored(pairs)
    values = sorted({0.0, 1.0, *(s for s, _ in scores)})
    gaps = [(_f1(scores, (x + y) / 2), y - x, (x + y) / 2)
            for x, y in pairwise(values)]
    if not gaps:
        return DEFAULT_THRESHOLD
    return round(max(gaps)[2], 4)
