"""The evidence for each (paragraph, label) pair, as numbers the combiner weighs.

Anything learned from examples is computed, while the combiner is being fitted, without the
examples of the paragraph's own source (``excluded``): the weights must learn how far evidence
carries to a new document, not how well a document resembles itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tocsin.library.classify.rules import RuleResult, Rules
from tocsin.library.classify.similarity import Vectors, neighbour_votes
from tocsin.library.classify.taxonomy import Dimension

Matrix = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class RuleMatrices:
    results: list[RuleResult]
    text: Matrix  # (texts x labels) keyword score in the paragraph
    context: Matrix  # (texts x labels) keyword score in its headings

    @property
    def fires(self) -> Matrix:
        return ((self.text + self.context) > 0).astype(float)


def apply_rules(
    rules: Rules, dimension: Dimension, texts: Sequence[str], contexts: Sequence[str]
) -> RuleMatrices:
    results = [rules.apply(dimension.code, t, c) for t, c in zip(texts, contexts, strict=True)]
    text = np.zeros((len(texts), len(dimension.codes)))
    context = np.zeros_like(text)
    for i, result in enumerate(results):
        for j, code in enumerate(dimension.codes):
            text[i, j], context[i, j] = result.score(code)
    return RuleMatrices(results, text, context)


@dataclass(frozen=True)
class Bank:
    """The labelled examples of one dimension."""

    vectors: Vectors  # (examples x d)
    truth: Matrix  # (examples x labels) 0/1
    fires: Matrix  # (examples x labels) 1 where the label's keywords are in the example
    sources: npt.NDArray[np.str_]

    def excluded_for(self, sources: Sequence[str]) -> Mask:
        """Which examples each of the given sources may not learn from: its own."""
        out: Mask = np.asarray(sources)[:, None] == self.sources[None, :]
        return out


def build_features(
    dimension: Dimension, rules: RuleMatrices, prototype: Matrix, context_prototype: Matrix,
    vectors: Vectors, bank: Bank, excluded: Mask | None = None, unrelated: float = 0.0,
) -> tuple[Matrix, Matrix]:  # fmt: skip
    """(texts x labels x features), in the order of combine.FEATURES, and the neighbours' votes."""
    n, width = rules.text.shape
    allowed = np.ones((n, len(bank.truth))) if excluded is None else (~excluded).astype(float)
    votes, strength = neighbour_votes(
        vectors, bank.vectors, bank.truth, excluded, unrelated=unrelated
    )
    # how often this label's keywords were right in the examples (0.5 before any evidence)
    hits = allowed @ (bank.fires * bank.truth)
    fired = allowed @ bank.fires
    trust = np.where(rules.fires > 0, np.log((hits + 1.0) / (fired - hits + 1.0)), 0.0)
    default = np.zeros((n, width))
    if dimension.default is not None:
        silent = rules.fires.sum(axis=1) == 0
        default[silent, dimension.codes.index(dimension.default)] = 1.0
    features = np.stack(
        [rules.text, rules.context, prototype, context_prototype, votes,
         np.repeat(strength, width, axis=1), default, trust, rules.fires],
        axis=2,
    )  # fmt: skip
    return features, votes
