"""The proposal engine: library items scored against a situation for an actor and a sphere,
ranked, each with its explanation (the rule is in ``rules``). Pure: no storage, no session, so
the ranking can be checked by hand on a few made-up items."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tocsin.library.classify import ACTOR, RISK_FACTOR, SITUATION, SPHERE, THEME, load_taxonomy
from tocsin.response.plans.rules import (
    ACTOR_WEIGHT,
    PHASE_WEIGHT,
    SPHERE_WEIGHT,
    THEME_WEIGHT,
    level_weight,
)
from tocsin.response.plans.schemas import (
    Explanation,
    FactorMatch,
    LabelMatch,
    ProposalPublic,
    ScoreParts,
)
from tocsin.risk.assessments.scale import Level

DIGITS = 4  # points are rounded once, so totals compare equal on every platform


@dataclass(frozen=True)
class Candidate:
    """A library item with its labels: {dimension: {code: confidence}}."""

    node_id: str
    reference: str
    document_slug: str
    document_title: str
    label: str
    heading: str
    text: str
    labels: Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class Target:
    """What the items are scored against."""

    factors: Mapping[str, Level | None]  # RF code -> assessed level
    themes: tuple[str, ...]
    actor: str
    sphere: str | None
    phase: str


def label_name(dimension: str, code: str) -> str:
    try:
        return load_taxonomy().dimension(dimension).label(code).name
    except KeyError:
        return code


def _match(dimension: str, code: str, confidence: float, weight: float) -> LabelMatch:
    return LabelMatch(
        dimension=dimension,
        code=code,
        name=label_name(dimension, code),
        confidence=round(confidence, DIGITS),
        points=round(weight * confidence, DIGITS),
    )


def _single(
    labels: Mapping[str, Mapping[str, float]], dimension: str, code: str | None, weight: float
) -> LabelMatch | None:
    confidence = labels.get(dimension, {}).get(code or "")
    return None if confidence is None else _match(dimension, code or "", confidence, weight)


def explain(candidate: Candidate, target: Target) -> Explanation:
    """Every match of the item with the target and the points each earns."""
    labels = candidate.labels
    factors = []
    for code, confidence in sorted(labels.get(RISK_FACTOR, {}).items(), key=_factor_order):
        level = target.factors.get(code)
        weight = level_weight(level)
        if weight and level is not None:
            factors.append(
                FactorMatch(
                    code=code,
                    name=label_name(RISK_FACTOR, code),
                    level=level.code,
                    weight=weight,
                    confidence=round(confidence, DIGITS),
                    points=round(weight * confidence, DIGITS),
                )
            )
    themes = [
        _match(THEME, code, labels[THEME][code], THEME_WEIGHT)
        for code in target.themes
        if code in labels.get(THEME, {})
    ]
    actor = _single(labels, ACTOR, target.actor, ACTOR_WEIGHT)
    sphere = _single(labels, SPHERE, target.sphere, SPHERE_WEIGHT) if target.sphere else None
    phase = _single(labels, SITUATION, target.phase, PHASE_WEIGHT)
    parts = ScoreParts(
        factors=round(sum(f.points for f in factors), DIGITS),
        themes=round(sum(t.points for t in themes), DIGITS),
        actor=actor.points if actor else 0.0,
        sphere=sphere.points if sphere else 0.0,
        phase=phase.points if phase else 0.0,
    )
    parts.total = round(
        parts.factors + parts.themes + parts.actor + parts.sphere + parts.phase, DIGITS
    )
    return Explanation(
        factors=factors, themes=themes, actor=actor, sphere=sphere, phase=phase, parts=parts
    )


def rank(candidates: Iterable[Candidate], target: Target, limit: int) -> list[ProposalPublic]:
    """The ``limit`` best items that address a factor or theme of the situation, best first,
    ties by reference."""
    scored = []
    for candidate in candidates:
        why = explain(candidate, target)
        if why.factors or why.themes:
            scored.append((candidate, why))
    scored.sort(key=lambda pair: (-pair[1].parts.total, pair[0].reference))
    return [
        ProposalPublic(
            rank=n,
            node_id=c.node_id,
            reference=c.reference,
            document_slug=c.document_slug,
            document_title=c.document_title,
            label=c.label,
            heading=c.heading,
            text=c.text,
            score=why.parts.total,
            explanation=why,
        )
        for n, (c, why) in enumerate(scored[:limit], start=1)
    ]


def _factor_order(pair: tuple[str, float]) -> tuple[int, str]:
    code = pair[0]
    return (int(code[2:]) if code[2:].isdigit() else 99, code)
