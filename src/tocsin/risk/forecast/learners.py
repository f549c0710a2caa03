"""The learners a model design combines: a ridge logit and gradient-boosted trees.

Each learner gives log-odds and splits them exactly into a base value plus one contribution per
feature (``base + contributions.sum(axis=1) == log_odds``): for the logit, coefficient times the
standardised distance from the training mean; for the trees, LightGBM's TreeSHAP values. Each
saves itself to JSON-compatible data (LightGBM in its own text format, never a pickle). A new
learner is a new class registered in ``LEARNERS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np

from tocsin.core.errors import ValidationFailed

Array = np.ndarray[Any, np.dtype[np.float64]]


class Learner(Protocol):
    kind: ClassVar[str]

    def log_odds(self, x: Array) -> Array: ...

    def contributions(self, x: Array) -> tuple[Array, Array]:
        """(base per row, contribution per row and feature), both in log-odds."""
        ...

    def to_dict(self) -> dict[str, Any]: ...


def sigmoid(z: Array) -> Array:
    out: Array = 0.5 * (1.0 + np.tanh(0.5 * z))  # no overflow warning for large |z|
    return out


@dataclass(frozen=True)
class Logit:
    """Logistic regression on standardised features with an L2 penalty on the coefficients
    (``penalty`` is lambda in -loglik + lambda/2 * |beta|^2; 0 gives the plain maximum
    likelihood fit), solved by Newton's method."""

    kind: ClassVar[str] = "logit"
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    @classmethod
    def fit(cls, x: Array, y: Array, params: Mapping[str, Any], seed: int = 0) -> Logit:
        penalty = float(params.get("penalty", 0.0))
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale == 0] = 1.0  # a constant column gets no weight anyway
        z = np.column_stack([np.ones(len(x)), (x - mean) / scale])
        ridge = np.full(z.shape[1], penalty + 1e-8)
        ridge[0] = 1e-8  # the intercept is not shrunk
        rate = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
        beta = np.zeros(z.shape[1])
        beta[0] = np.log(rate / (1 - rate))
        for _ in range(100):
            p = sigmoid(z @ beta)
            gradient = z.T @ (y - p) - ridge * beta
            hessian = (z.T * (p * (1 - p))) @ z + np.diag(ridge)
            step = np.linalg.solve(hessian, gradient)
            beta = beta + step
            if np.max(np.abs(step)) < 1e-10:
                break
        return cls(tuple(mean), tuple(scale), tuple(beta[1:]), float(beta[0]))

    def _terms(self, x: Array) -> Array:
        terms: Array = (x - np.asarray(self.mean)) / np.asarray(self.scale) * np.asarray(self.coef)
        return terms

    def log_odds(self, x: Array) -> Array:
        out: Array = self.intercept + self._terms(x).sum(axis=1)
        return out

    def contributions(self, x: Array) -> tuple[Array, Array]:
        return np.full(len(x), self.intercept), self._terms(x)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Logit:
        return cls(
            tuple(float(v) for v in data["mean"]),
            tuple(float(v) for v in data["scale"]),
            tuple(float(v) for v in data["coef"]),
            float(data["intercept"]),
        )


class Boosted:
    """LightGBM gradient-boosted trees on the log-loss (loaded only when a design uses it)."""

    kind: ClassVar[str] = "boosted"
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "objective": "binary",
        "verbosity": -1,
        "deterministic": True,
        "force_row_wise": True,
        # One thread: on small tables a second one costs more in waiting than it gains.
        "num_threads": 1,
    }

    def __init__(self, booster: Any) -> None:
        self.booster = booster

    @classmethod
    def fit(cls, x: Array, y: Array, params: Mapping[str, Any], seed: int = 0) -> Boosted:
        import lightgbm

        settings = {**cls.DEFAULTS, **params, "seed": seed}
        rounds = int(settings.pop("rounds", 300))
        data = lightgbm.Dataset(x, label=y, free_raw_data=True)
        return cls(lightgbm.train(settings, data, num_boost_round=rounds))

    def log_odds(self, x: Array) -> Array:
        out: Array = np.asarray(self.booster.predict(x, raw_score=True), dtype=float)
        return out

    def contributions(self, x: Array) -> tuple[Array, Array]:
        shap = np.asarray(self.booster.predict(x, pred_contrib=True), dtype=float)
        return shap[:, -1], shap[:, :-1]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "lightgbm_model": self.booster.model_to_string()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Boosted:
        import lightgbm

        text = data["lightgbm_model"]
        if not isinstance(text, str):
            raise ValidationFailed.on("model", "lightgbm_model must be LightGBM's text format")
        try:
            return cls(lightgbm.Booster(model_str=text))
        except lightgbm.basic.LightGBMError as exc:
            raise ValidationFailed.on("model", f"LightGBM cannot read the model: {exc}") from exc


def resolve_params(params: Mapping[str, Any], features: tuple[str, ...]) -> Mapping[str, Any]:
    """A design names monotone directions by feature (``"monotone": {"battledeaths.log2": 1}``)
    so they survive a change of feature list; LightGBM wants one sign per column, in order."""
    if "monotone" not in params:
        return params
    signs = params["monotone"]
    # A direction for a feature the model does not use (a shorter predictor list) is moot.
    if any(v not in (-1, 0, 1) for v in signs.values()):
        raise ValidationFailed.on("monotone", "each direction must be -1, 0 or 1")
    rest = {k: v for k, v in params.items() if k != "monotone"}
    return {**rest, "monotone_constraints": [int(signs.get(f, 0)) for f in features]}


LEARNERS: dict[str, Any] = {Logit.kind: Logit, Boosted.kind: Boosted}


def learner_class(kind: str) -> Any:
    if kind not in LEARNERS:
        raise ValidationFailed.on("learner", f"unknown {kind!r}; use one of {', '.join(LEARNERS)}")
    return LEARNERS[kind]


def fit_learner(kind: str, x: Array, y: Array, params: Mapping[str, Any], seed: int) -> Learner:
    learner: Learner = learner_class(kind).fit(x, y, params, seed)
    return learner


def learner_from_dict(data: Mapping[str, Any]) -> Learner:
    learner: Learner = learner_class(str(data.get("kind"))).from_dict(data)
    return learner
