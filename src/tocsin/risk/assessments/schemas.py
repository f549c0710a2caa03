"""API shapes of analysts' assessments. Ratings, confidence and dimensions are plain text here
and checked by the service, so every problem is reported with the field it concerns (e.g.
``ratings[RF7.3].rating``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from tocsin.cases.schemas import LongText, Strict

ShortId = Annotated[str, Field(max_length=36)]
IdList = Annotated[list[ShortId], Field(max_length=500)]


class GroupIn(Strict):
    """An affected group: a kind of people (women, children under five, a religious
    community), never a named person."""

    dimension: Annotated[str, Field(max_length=20)]  # age, gender, ethnicity, religion, race, other
    group: Annotated[str, Field(min_length=1, max_length=200)]
    note: Annotated[str, Field(max_length=2000)] = ""


class RatingIn(Strict):
    indicator: Annotated[str, Field(max_length=20)]
    rating: Annotated[str, Field(max_length=20)]  # absent, present, serious, not_assessed
    confidence: Annotated[str | None, Field(max_length=10)] = None  # low, medium, high
    narrative: LongText = ""
    groups: Annotated[list[GroupIn], Field(max_length=50)] = []
    event_ids: IdList = []
    source_ids: IdList = []
    evidence_ids: IdList = []


class AssessmentCreate(Strict):
    country: Annotated[str, Field(max_length=60)]  # ISO 3166-1 alpha-2 or alpha-3, checked later
    admin_area: Annotated[str | None, Field(max_length=200)] = None
    as_of: date
    title: Annotated[str, Field(max_length=300)] = ""
    summary: LongText = ""
    tlp: str = "AMBER"
    ratings: Annotated[list[RatingIn], Field(max_length=500)] = []


class AssessmentUpdate(Strict):
    """Fields left out stay as they are; ``ratings`` replaces the rating of each indicator
    given (``not_assessed`` removes one) and leaves the others."""

    country: Annotated[str | None, Field(max_length=60)] = None
    admin_area: Annotated[str | None, Field(max_length=200)] = None
    as_of: date | None = None
    title: Annotated[str | None, Field(max_length=300)] = None
    summary: Annotated[str | None, Field(max_length=100_000)] = None
    tlp: str | None = None
    ratings: Annotated[list[RatingIn] | None, Field(max_length=500)] = None


class GroupPublic(BaseModel):
    dimension: str
    group: str
    note: str


class RatingPublic(BaseModel):
    indicator: str
    factor: str
    rating: str
    confidence: str | None
    narrative: str
    groups: list[GroupPublic]
    event_ids: list[str]  # only those the reader may see
    source_ids: list[str]
    evidence_ids: list[str]
    hidden_links: int  # supporting records above the reader's clearance, counted, not named


class FactorLevelPublic(BaseModel):
    code: str
    category: str
    level: str | None  # low, moderate, high, very_high; None when no indicator is rated
    points: float
    rated: int
    present: int
    serious: int
    reason: str


class TransitionPublic(BaseModel):
    from_status: str | None
    to_status: str
    by: str
    at: datetime
    reason: str | None


class AssessmentSummary(BaseModel):
    id: str
    country: str
    admin_area: str | None
    as_of: date
    title: str
    status: str
    overall_level: str | None
    framework_version: str
    tlp: str
    created_by: str | None
    approved_at: datetime | None


class AssessmentPublic(AssessmentSummary):
    summary: str
    overall_reason: str
    factors: list[FactorLevelPublic]
    ratings: list[RatingPublic]
    history: list[TransitionPublic]
    created_at: datetime
    updated_at: datetime
    approved_by: str | None


class ReasonIn(Strict):
    reason: Annotated[str | None, Field(max_length=2000)] = None


class IndicatorChange(BaseModel):
    indicator: str
    factor: str
    old_rating: str | None  # None: not in that assessment's framework version
    new_rating: str | None
    old_confidence: str | None
    new_confidence: str | None
    changed: bool


class FactorChange(BaseModel):
    code: str
    old_level: str | None
    new_level: str | None
    change: int  # steps up (+) or down (-); 0 when the same or either is not assessed
    changed: bool


class Comparison(BaseModel):
    old: AssessmentSummary
    new: AssessmentSummary
    overall_change: int
    factors: list[FactorChange]
    indicators: list[IndicatorChange]

    @property
    def changed_indicators(self) -> list[IndicatorChange]:
        return [i for i in self.indicators if i.changed]
