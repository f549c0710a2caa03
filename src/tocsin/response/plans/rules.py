"""The documented rules of response planning, defined once: how much an assessed factor level
weighs, which situation phase a level or an alert calls for, which library themes an alert's
category points to, and the weights of the proposal score (docs/response.md, "Response plans").

**Factors.** A situation's factors are the risk factors (RF1..RF14) assessed *moderate* or
above; *low* and not assessed factors are shown but not worked on. Each weighs by its level:
very high 3, high 2, moderate 1. A factor named by hand is *high* unless a level is given.

**Phase** (library ``situation`` codes), unless the analyst chooses one:

- from a risk level (an approved assessment's overall level, or the forecast band): low and
  moderate -> prevention; high -> imminent risk; very high -> imminent risk, or ongoing when a
  crime-specific factor (RF9..RF14) is itself very high: signs of the crime are then present;
- from an alert's severity: extreme -> ongoing; severe and moderate -> imminent risk; minor
  and unknown -> prevention;
- when both apply (an alert with an assessment), the later phase of the two.

**Score** of a library item for a situation, an actor and a sphere, each part multiplied by
the confidence of the item's label that matched:

- factors: for each situation factor the item addresses, its level's weight;
- themes: 1 for each situation theme the item is about;
- actor 1.5, sphere 1, phase 1 when the item's label matches the choice.

An item that addresses no factor and no theme of the situation is not proposed, whatever its
actor or sphere. Ties are broken by reference, so the order is the same on every run.
"""

from __future__ import annotations

from enum import StrEnum

from tocsin.alerts.vocab import Category, Severity
from tocsin.risk.assessments.scale import Level


class Phase(StrEnum):
    """The library's situation codes that a situation is derived into (``aftermath`` exists in
    the library and may be chosen by hand, but no level or alert leads to it)."""

    PREVENTION = "prevention"
    IMMINENT_RISK = "imminent_risk"
    ONGOING = "ongoing"


PHASE_ORDER = (Phase.PREVENTION, Phase.IMMINENT_RISK, Phase.ONGOING)

LEVEL_WEIGHT: dict[Level, int] = {Level.VERY_HIGH: 3, Level.HIGH: 2, Level.MODERATE: 1}
HAND_LEVEL = Level.HIGH  # a factor an analyst names without a level
SPECIFIC_FACTORS = ("RF9", "RF10", "RF11", "RF12", "RF13", "RF14")

THEME_WEIGHT = 1.0
ACTOR_WEIGHT = 1.5
SPHERE_WEIGHT = 1.0
PHASE_WEIGHT = 1.0

SEVERITY_PHASE: dict[Severity, Phase] = {
    Severity.EXTREME: Phase.ONGOING,
    Severity.SEVERE: Phase.IMMINENT_RISK,
    Severity.MODERATE: Phase.IMMINENT_RISK,
    Severity.MINOR: Phase.PREVENTION,
    Severity.UNKNOWN: Phase.PREVENTION,
}

# What an alert of each category is about, in library themes.
CATEGORY_THEMES: dict[Category, tuple[str, ...]] = {
    Category.COMMUNITY_THREAT: ("protection_of_civilians", "non_discrimination", "early_warning"),
    Category.DEFENDER_THREAT: ("defenders",),
    Category.SCHOOL_OR_HOSPITAL_ATTACK: (
        "protection_of_civilians",
        "children",
        "humanitarian_assistance",
    ),
    Category.CULTURAL_PROPERTY: ("cultural_heritage",),
    Category.INCITEMENT: ("hate_speech",),
    Category.DISPLACEMENT: ("displacement", "humanitarian_assistance"),
    Category.OTHER: (),
}


def level_weight(level: Level | None) -> int:
    return LEVEL_WEIGHT.get(level, 0) if level is not None else 0


def phase_of_level(level: Level | None, factors: dict[str, Level | None]) -> tuple[Phase, str]:
    """The phase a risk level calls for, with the reason in words."""
    if level is None or level <= Level.MODERATE:
        shown = level.label if level is not None else "not assessed"
        return Phase.PREVENTION, f"risk level {shown}"
    if level == Level.VERY_HIGH:
        specific = [c for c in SPECIFIC_FACTORS if factors.get(c) == Level.VERY_HIGH]
        if specific:
            return Phase.ONGOING, f"risk level very high with {', '.join(specific)} very high"
    return Phase.IMMINENT_RISK, f"risk level {level.label}"


def phase_of_alert(severity: str) -> tuple[Phase, str]:
    try:
        known = Severity(severity)
    except ValueError:
        known = Severity.UNKNOWN
    return SEVERITY_PHASE[known], f"alert severity {known.value}"


def later(a: tuple[Phase, str], b: tuple[Phase, str]) -> tuple[Phase, str]:
    """The later of two phases (the first on a tie), with its reason."""
    return b if PHASE_ORDER.index(b[0]) > PHASE_ORDER.index(a[0]) else a


def alert_themes(category: str) -> tuple[str, ...]:
    try:
        return CATEGORY_THEMES[Category(category)]
    except ValueError:
        return ()
