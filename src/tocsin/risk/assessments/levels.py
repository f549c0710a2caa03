"""How an assessment's factor levels and overall level follow from its ratings.

The rule (docs/risk.md explains it with a worked example). It is deterministic and uses only the
ratings, so two people applying it by hand to the same ratings reach the same levels.

**Points.** Each indicator rated *present* counts 1 point, *serious* 2 points, multiplied by the
confidence of the rating: high 1, medium 0.75, low 0.5. *Absent* and *not assessed* count 0.

**Factor level**, from the sum of its indicators' points:

- below 1: low; from 1: moderate; from 3: high; from 6: very high;
- one indicator rated *serious* with *high* confidence lifts its factor to at least high;
- a factor with no indicator rated absent, present or serious is *not assessed* (it counts as
  low in the overall level).

**Overall level**: the highest of

- (a) the second-highest level among the common factors (RF1-RF8): risk factors reinforce each
  other, and one alone does not make a situation high-risk;
- (b) one step below the highest common factor, so a single very high factor is not ignored;
- (c) the highest level of any specific factor (genocide, crimes against humanity, war crimes):
  signs of one particular crime raise the level on their own.

With no indicator rated at all, the overall level is *not assessed*.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tocsin.risk.assessments.scale import Confidence, Level, Rating
from tocsin.risk.framework.spec import COMMON
from tocsin.risk.framework.store import Structure

# Points are counted in quarters so every sum is exact (0.75 + 0.5 has no rounding to argue over).
SEVERITY = {Rating.PRESENT: 1, Rating.SERIOUS: 2}
CONFIDENCE_QUARTERS = {Confidence.HIGH: 4, Confidence.MEDIUM: 3, Confidence.LOW: 2}
# (quarters needed, level), highest first: 6 points very high, 3 high, 1 moderate.
THRESHOLDS = ((24, Level.VERY_HIGH), (12, Level.HIGH), (4, Level.MODERATE))

RatingPair = tuple[Rating, Confidence | None]


@dataclass(frozen=True)
class FactorResult:
    code: str
    category: str
    points: float
    level: Level | None  # None: no indicator of the factor was rated
    rated: int  # indicators rated absent, present or serious
    present: int
    serious: int
    reason: str


@dataclass(frozen=True)
class Derivation:
    factors: dict[str, FactorResult]  # in framework order
    overall: Level | None
    reason: str


def quarters(rating: Rating, confidence: Confidence | None) -> int:
    """An indicator's points, in quarter points. A missing confidence counts as low (the input
    checks refuse it for present and serious ratings)."""
    return SEVERITY.get(rating, 0) * CONFIDENCE_QUARTERS[confidence or Confidence.LOW]


def factor_level(
    code: str, category: str, ratings: list[RatingPair]
) -> FactorResult:
    rated = [(r, c) for r, c in ratings if r is not Rating.NOT_ASSESSED]
    total = sum(quarters(r, c) for r, c in rated)
    present = sum(1 for r, _ in rated if r is Rating.PRESENT)
    serious = sum(1 for r, _ in rated if r is Rating.SERIOUS)
    points = total / 4
    if not rated:
        return FactorResult(code, category, 0.0, None, 0, 0, 0, "no indicator rated")
    level = next((lv for need, lv in THRESHOLDS if total >= need), Level.LOW)
    reason = f"{points:g} points"
    if level < Level.HIGH and (Rating.SERIOUS, Confidence.HIGH) in rated:
        level = Level.HIGH
        reason += "; an indicator is serious with high confidence"
    return FactorResult(code, category, points, level, len(rated), present, serious, reason)


def overall_level(factors: Mapping[str, FactorResult]) -> tuple[Level | None, str]:
    if all(f.level is None for f in factors.values()):
        return None, "no indicator rated"
    common = sorted(
        ((f.level or Level.LOW, f.code) for f in factors.values() if f.category == COMMON),
        key=lambda pair: -pair[0],
    )
    candidates: list[tuple[Level, str]] = []
    if len(common) >= 2:
        candidates.append((common[1][0], f"second-highest common factor ({common[1][1]})"))
    if common:
        top, code = common[0]
        candidates.append((Level(max(top - 1, Level.LOW)), f"one step below {code}"))
    specific = [
        (f.level, f.code)
        for f in factors.values()
        if f.category != COMMON and f.level is not None
    ]
    if specific:
        level, code = max(specific, key=lambda pair: pair[0])
        candidates.append((level, f"specific factor {code}"))
    # The first candidate reaching the highest level names the reason: rules (a), (b), (c).
    best = max(level for level, _ in candidates)
    reason = next(why for level, why in candidates if level == best)
    return best, reason


def derive(structure: Structure, ratings: Mapping[str, RatingPair]) -> Derivation:
    """Factor and overall levels of ``ratings`` ({indicator: (rating, confidence)}) on the
    framework ``structure``. Indicators not in ``ratings`` are not assessed."""
    by_factor: dict[str, list[RatingPair]] = {code: [] for code in structure.categories}
    for indicator, pair in ratings.items():
        factor = structure.factor_of(indicator)
        if factor is not None:
            by_factor[factor].append(pair)
    factors = {
        code: factor_level(code, category, by_factor[code])
        for code, category in structure.categories.items()
    }
    overall, reason = overall_level(factors)
    return Derivation(factors, overall, reason)
