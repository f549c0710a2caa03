"""The words the risk assessment pages use for the service's codes (levels, ratings,
confidence, workflow states, group dimensions), marked for translation once, here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tocsin.risk.assessments.scale import DIMENSIONS, Confidence, Level, Rating, Status
from tocsin.risk.assessments.schemas import FactorLevelPublic
from tocsin.web import i18n
from tocsin.web.i18n import N_
from tocsin.web.pages.dashboard import country_names

NOT_ASSESSED = N_("not assessed")
LEVELS: dict[str, str] = {
    Level.LOW.code: N_("low"),
    Level.MODERATE.code: N_("moderate"),
    Level.HIGH.code: N_("high"),
    Level.VERY_HIGH.code: N_("very high"),
}
RATINGS: dict[str, str] = {
    Rating.NOT_ASSESSED.value: NOT_ASSESSED,
    Rating.ABSENT.value: N_("absent"),
    Rating.PRESENT.value: N_("present"),
    Rating.SERIOUS.value: N_("serious"),
}
CONFIDENCE: dict[str, str] = {
    Confidence.LOW.value: N_("low confidence"),
    Confidence.MEDIUM.value: N_("medium confidence"),
    Confidence.HIGH.value: N_("high confidence"),
}
STATUSES: dict[str, str] = {
    Status.DRAFT.value: N_("draft"),
    Status.IN_REVIEW.value: N_("in review"),
    Status.APPROVED.value: N_("approved"),
}
_DIMENSION_WORDS = {
    "age": N_("age"),
    "gender": N_("gender"),
    "ethnicity": N_("ethnicity"),
    "religion": N_("religion"),
    "race": N_("race"),
    "other": N_("other"),
}
DIMENSION_WORDS: dict[str, str] = {d: _DIMENSION_WORDS.get(d, d) for d in DIMENSIONS}


@dataclass(frozen=True)
class Said:
    """A message id and the values to fill into it, translated where it is shown."""

    message: str
    values: dict[str, Any]


# The service explains its levels in English sentences of a fixed shape (levels.py); the pages
# say the same in the reader's language. A sentence of another shape is shown as it is.
_SECOND = re.compile(r"^second-highest common factor \((?P<factor>RF[0-9]+)\)$")
_BELOW = re.compile(r"^one step below (?P<factor>RF[0-9]+)$")
_SPECIFIC = re.compile(r"^specific factor (?P<factor>RF[0-9]+)$")
_LIFT = "an indicator is serious with high confidence"


def overall_reason(reason: str) -> Said:
    for pattern, message in (
        (_SECOND, N_("the second-highest common factor (%(factor)s)")),
        (_BELOW, N_("one step below the highest common factor (%(factor)s)")),
        (_SPECIFIC, N_("the specific factor %(factor)s")),
    ):
        found = pattern.match(reason)
        if found:
            return Said(message, found.groupdict())
    if reason == "no indicator rated":
        return Said(N_("no indicator rated"), {})
    return Said(reason, {})


def factor_reason(factor: FactorLevelPublic, lang: str) -> Said:
    if factor.level is None:
        return Said(N_("no indicator rated"), {})
    points = i18n.number(factor.points, lang)
    if _LIFT in factor.reason:
        return Said(
            N_("%(points)s points; raised to high by a serious rating held with high confidence"),
            {"points": points},
        )
    return Said(N_("%(points)s points"), {"points": points})


def place(code: str, area: str | None, lang: str) -> str:
    """The country's name in the reader's language, with the area when there is one."""
    name = country_names(lang).get(code, code)
    return f"{name}, {area}" if area else name


def words() -> dict[str, Any]:
    """What every risk assessment template gets to name codes."""
    return {
        "level_words": LEVELS,
        "rating_words": RATINGS,
        "confidence_words": CONFIDENCE,
        "status_words": STATUSES,
        "dimension_words": DIMENSION_WORDS,
        "not_assessed": NOT_ASSESSED,
        "overall_reason": overall_reason,
        "factor_reason": factor_reason,
        "place": place,
    }
