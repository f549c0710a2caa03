"""The words of an assessment, defined once: ratings, confidence, levels, workflow states and
the dimensions along which affected groups are described."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from tocsin.core.errors import ValidationFailed


class Rating(StrEnum):
    """How far an indicator is seen in the situation. An indicator not rated is not assessed."""

    NOT_ASSESSED = "not_assessed"
    ABSENT = "absent"
    PRESENT = "present"
    SERIOUS = "serious"


class Confidence(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Level(IntEnum):
    """A factor's or a situation's level of risk, ordered so levels compare and step."""

    LOW = 0
    MODERATE = 1
    HIGH = 2
    VERY_HIGH = 3

    @property
    def code(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", " ")

    @classmethod
    def from_code(cls, code: str) -> Level:
        return cls[code.upper()]


class Status(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"


# Who is affected: "groups of people", never a named person (the PDF and pages print them).
DIMENSIONS = ("age", "gender", "ethnicity", "religion", "race", "other")


def parse_rating(value: str, field: str) -> Rating:
    try:
        return Rating(value.strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Rating)
        raise ValidationFailed.on(
            field, f"unknown rating {value!r}; use one of {choices}"
        ) from None


def parse_confidence(value: str | None, field: str) -> Confidence | None:
    if value is None or not value.strip():
        return None
    try:
        return Confidence(value.strip().lower())
    except ValueError:
        choices = ", ".join(c.value for c in Confidence)
        raise ValidationFailed.on(
            field, f"unknown confidence {value!r}; use one of {choices}"
        ) from None
