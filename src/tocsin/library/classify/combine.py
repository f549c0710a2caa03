"""How rule evidence, similarity and examples are weighed into one confidence per label.

One logistic model per dimension, shared by all its labels (its features say how strongly the
evidence points at a label, not which label it is), so that a label with few examples still
benefits from what the others taught. Fitted on the analysts' labelled examples when there are
enough of them; hand-set weights otherwise. Fitting is plain Newton iteration with a ridge penalty:
deterministic, no random start.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]

FEATURES = (
    "rule_text",  # keyword score in the paragraph
    "rule_context",  # keyword score in the headings above it
    "prototype",  # similarity to the label's description, relative to the other labels
    "context_prototype",  # the same for the headings (they often name the addressee)
    "neighbours",  # how strongly the nearest labelled examples vote for the label
    "neighbour_strength",  # how close those examples are, whatever their labels
    "default",  # the dimension's default label, when no label has any keyword
    "keyword_trust",  # mean log-odds that the keywords found were right for the label in examples
    "keyword_found",  # 1 when any of the label's keywords is in the paragraph or its headings
    "addressee",  # the label is the party the paragraph or its heading names to act
    "implicit_default",  # the dimension's default label, when no party is named at all
    "named_elsewhere",  # a party is named to act, and it is not this label
)
# Before there are enough examples to fit: keywords lead, similarity breaks ties. One keyword
# with a description that fits, or two keywords, make a label likely; a lone keyword in a
# paragraph that reads like another label does not. A close corrected example outweighs them.
# The party a paragraph names to act is an actor; when it names one, the default is not.
HAND_SET = np.array(
    [-3.0, 2.0, 2.0, 0.7, 0.3, 7.5, -2.0, 3.5, 0.0, 1.0, 2.0, 1.0, -2.0]
)  # intercept first
# Fitting shrinks these weights towards their hand-set value rather than to zero: a named
# non-default addressee is rare in plans written to States, so a fit on such plans alone has no
# evidence for its weight and must not erase what the grammar says.
PRIOR_CENTRED = np.array([f == "named_elsewhere" for f in ("intercept", *FEATURES)])
MIN_EXAMPLES = 20
MIN_POSITIVES = 5
RIDGE = 1.0
THRESHOLDS = np.round(np.arange(0.20, 0.71, 0.05), 2)


@dataclass(frozen=True)
class Combiner:
    weights: Matrix  # intercept, then one weight per feature
    threshold: float = 0.5
    fitted: bool = False

    def probabilities(self, features: Matrix) -> Matrix:
        """(texts x labels x features) -> (texts x labels) probabilities."""
        logits = self.weights[0] + features @ self.weights[1:]
        out: Matrix = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
        return out


HAND_SET_COMBINER = Combiner(HAND_SET)


def fit_combiner(features: Matrix, truth: Matrix, multi: bool, at_least_one: bool) -> Combiner:
    """Fit on (examples x labels x features) and the 0/1 truth (examples x labels); the hand-set
    weights stay when there is too little to learn from."""
    if len(truth) < MIN_EXAMPLES or truth.sum() < MIN_POSITIVES:
        return HAND_SET_COMBINER
    x = features.reshape(-1, features.shape[-1])
    y = truth.reshape(-1)
    weights = _logistic(np.hstack([np.ones((len(x), 1)), x]), y)
    combiner = Combiner(weights, fitted=True)
    if not multi:
        return combiner
    probabilities = combiner.probabilities(features)
    scores = [_f1(select(probabilities, t, at_least_one), truth) for t in THRESHOLDS]
    best = float(THRESHOLDS[int(np.argmax(scores))])  # the first of equals: deterministic
    return Combiner(weights, threshold=best, fitted=True)


def select(probabilities: Matrix, threshold: float, at_least_one: bool) -> npt.NDArray[np.bool_]:
    chosen = probabilities >= threshold
    if at_least_one and probabilities.shape[1]:
        top = np.argmax(probabilities, axis=1)
        chosen[np.arange(len(chosen)), top] = True
    return chosen


def _f1(chosen: npt.NDArray[np.bool_], truth: Matrix) -> float:
    """Macro-F1 over the labels the examples use: a rare label counts as much as a common one,
    as it does for the analyst looking for it."""
    actual = (truth > 0).sum(axis=0)
    hits = (chosen & (truth > 0)).sum(axis=0)
    guessed = chosen.sum(axis=0)
    used = actual > 0
    scores = np.where(hits > 0, 2 * hits / np.maximum(guessed + actual, 1), 0.0)
    return float(scores[used].mean()) if used.any() else 0.0


def _logistic(x: Matrix, y: Matrix, iterations: int = 50) -> Matrix:
    weights = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], RIDGE)
    penalty[0] = 0.0  # the intercept is not shrunk
    centre = np.where(PRIOR_CENTRED, HAND_SET, 0.0)  # what each weight is shrunk towards
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ weights, -30, 30)))
        gradient = x.T @ (p - y) + penalty * (weights - centre)
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        weights = weights - step
        if np.abs(step).max() < 1e-8:
            break
    return weights
