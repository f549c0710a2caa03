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

from tocsin.library.classify.addressee import IMPLICIT, find_addressee
from tocsin.library.classify.rules import RuleResult, Rules
from tocsin.library.classify.similarity import Vectors, neighbour_votes
from tocsin.library.classify.taxonomy import ACTOR, Dimension

Matrix = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]
# how common a label is among the examples is counted as if this many more examples, without
# it, stood beside them: two corrections that agree do not make their label "common"
UNLABELLED_PRIOR = 10.0


@dataclass(frozen=True)
class RuleMatrices:
    results: list[RuleResult]
    text: Matrix  # (texts x labels) keyword score in the paragraph
    context: Matrix  # (texts x labels) keyword score in its headings
    addressee: Matrix  # (texts x labels) 1 where the label is the party named to act (actors)
    implicit: Matrix  # (texts x 1) 1 where no party is named: the plan's default addressee
    keywords: Matrix  # (texts x pairs) 1 where a (label, keyword) pair of the dimension is found
    pair_label: npt.NDArray[np.int_]  # the label (column) of each pair

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
    pairs = rules.matchers[dimension.code].pairs
    keywords = np.zeros((len(texts), len(pairs)))
    for i, result in enumerate(results):
        for code in dimension.codes:
            for word in result.words(code):
                keywords[i, pairs[(code, word)]] = 1.0
    pair_label = np.array([dimension.codes.index(code) for code, _ in pairs], dtype=np.int_)
    addressee = np.zeros_like(text)
    implicit = np.zeros((len(texts), 1))
    if dimension.code == ACTOR:
        for i, (t, c) in enumerate(zip(texts, contexts, strict=True)):
            found = find_addressee(rules, t, c)
            implicit[i, 0] = float(found.found_in == IMPLICIT)
            for j, code in enumerate(dimension.codes):
                addressee[i, j] = float(code in found.codes)
    return RuleMatrices(results, text, context, addressee, implicit, keywords, pair_label)


@dataclass(frozen=True)
class Bank:
    """The labelled examples of one dimension."""

    vectors: Vectors  # (examples x d)
    truth: Matrix  # (examples x labels) 0/1
    keywords: Matrix  # (examples x pairs) which (label, keyword) pairs are in the example
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
    # what the neighbours say beyond how common the label is among the examples: a label that
    # nearly every example carries ("state" in plans addressed to States) gains nothing from
    # its neighbours, so the weight learned for them cannot carry it into a plan by others
    share = (allowed @ bank.truth) / (allowed.sum(axis=1, keepdims=True) + UNLABELLED_PRIOR)
    lift = votes - strength * share
    trust = _keyword_trust(rules, bank, allowed, width)
    default = np.zeros((n, width))
    unnamed = np.zeros((n, width))
    elsewhere = np.zeros((n, width))
    if dimension.default is not None:
        silent = rules.fires.sum(axis=1) == 0
        at = dimension.codes.index(dimension.default)
        default[silent, at] = 1.0
        unnamed[:, at] = rules.implicit[:, 0]
        if dimension.code == ACTOR:
            elsewhere[:, at] = (1.0 - rules.implicit[:, 0]) * (1.0 - rules.addressee[:, at])
    features = np.stack(
        [rules.text, rules.context, prototype, context_prototype, lift,
         np.repeat(strength, width, axis=1), default, trust, rules.fires,
         rules.addressee, unnamed, elsewhere],
        axis=2,
    )  # fmt: skip
    return features, votes


def _keyword_trust(rules: RuleMatrices, bank: Bank, allowed: Matrix, width: int) -> Matrix:
    """Per label, the mean log-odds that each of its keywords found was right in the examples
    (0 before any evidence): a word that often fires where the label is absent counts for less
    than one that rarely misleads, rather than every keyword of the label sharing one record."""
    right = bank.truth[:, rules.pair_label]  # (examples x pairs) the pair's label was right
    hits = allowed @ (bank.keywords * right)
    fired = allowed @ bank.keywords
    odds = np.log((hits + 1.0) / (fired - hits + 1.0)) * rules.keywords  # (texts x pairs)
    found = np.zeros((len(odds), width))
    total = np.zeros((len(odds), width))
    np.add.at(found.T, rules.pair_label, rules.keywords.T)
    np.add.at(total.T, rules.pair_label, odds.T)
    out: Matrix = np.where(found > 0, total / np.maximum(found, 1.0), 0.0)
    return out
