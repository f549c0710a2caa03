"""What the classifier returns, and what analysts give back to it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tocsin.library.classify.taxonomy import ACTOR, RISK_FACTOR, SITUATION, SPHERE, THEME


@dataclass(frozen=True)
class LabelledExample:
    """A paragraph with the labels an analyst gave or confirmed. A dimension left as None is
    unknown (a correction of the actors alone says nothing about the themes).

    ``source`` names where the example comes from (a document id): while the classifier learns
    how much to trust its neighbours, examples never vote for others of the same source, since
    paragraphs of one document resemble each other more than new documents will."""

    text: str
    context: str = ""
    actors: tuple[str, ...] | None = None
    sphere: str | None = None
    situation: str | None = None
    themes: tuple[str, ...] | None = None
    risk_factors: tuple[str, ...] | None = None
    source: str = ""

    def labels(self, dimension: str) -> tuple[str, ...] | None:
        value = {
            ACTOR: self.actors, SPHERE: self.sphere, SITUATION: self.situation,
            THEME: self.themes, RISK_FACTOR: self.risk_factors,
        }[dimension]  # fmt: skip
        if value is None:
            return None
        return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class LabelScore:
    code: str
    confidence: float  # in [0, 1]
    keywords: tuple[str, ...] = ()  # the taxonomy's words found in the paragraph or headings
    examples: float = 0.0  # share of the most similar labelled examples that carry the label


@dataclass(frozen=True)
class Classification:
    actors: tuple[LabelScore, ...]
    sphere: LabelScore
    situation: LabelScore
    themes: tuple[LabelScore, ...]
    risk_factors: tuple[LabelScore, ...]
    scores: Mapping[str, Mapping[str, float]] = field(default_factory=dict)  # every label
    method: str = "rules"  # "rules+embeddings", or "rules+lexical" without torch

    def codes(self, dimension: str) -> tuple[str, ...]:
        chosen = {
            ACTOR: self.actors, SPHERE: (self.sphere,), SITUATION: (self.situation,),
            THEME: self.themes, RISK_FACTOR: self.risk_factors,
        }[dimension]  # fmt: skip
        return tuple(score.code for score in chosen)
