"""API shapes of response planning: the situation asked about and as resolved, the ranked
proposals with their explanations, and response plans with their items and history.

Codes (actor, sphere, themes, phase, factor levels, statuses) are plain text here and checked by
the services, so each problem is reported with the field it concerns (``situation.factors[0]``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from tocsin.cases.schemas import LongText, Strict, TLPLabel

Code = Annotated[str, Field(max_length=40)]
OptionalCode = Annotated[str | None, Field(max_length=40)]
Id = Annotated[str | None, Field(max_length=36)]


class FactorIn(Strict):
    """A risk factor named by hand: RF1..RF14, at a level (low, moderate, high, very_high)."""

    code: Annotated[str, Field(max_length=10)]
    level: Code = "high"


class SituationIn(Strict):
    """Where to act: one of a country (or an area in it), an alert or an assessment, and any
    factors and themes given by hand on top. ``phase`` overrides the derived phase."""

    country: Annotated[str | None, Field(max_length=60)] = None
    admin_area: Annotated[str | None, Field(max_length=200)] = None
    alert_id: Id = None
    assessment_id: Id = None
    factors: Annotated[list[FactorIn], Field(max_length=14)] = []
    themes: Annotated[list[Code], Field(max_length=40)] = []
    phase: OptionalCode = None


class ProposalRequest(Strict):
    situation: SituationIn
    actor: Code  # a library actor code: state, un_body, civil_society...
    sphere: OptionalCode = None  # domestic, bilateral, regional, multilateral
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class SituationFactor(BaseModel):
    code: str
    name: str
    level: str | None  # low, moderate, high, very_high; None: not assessed
    weight: int  # what the level weighs in the score (0: not worked on)
    source: str  # assessment, hand


class SituationPublic(BaseModel):
    """The situation as resolved when asked: kept in a plan as it was then."""

    country: str | None = None
    admin_area: str | None = None
    alert_id: str | None = None
    alert_title: str | None = None
    assessment_id: str | None = None
    assessment_title: str | None = None
    forecast_run_id: str | None = None
    basis: str  # assessment, forecast, factors, none: where the factors and level came from
    level: str | None = None  # the overall level behind the phase
    factors: list[SituationFactor] = []
    themes: list[str] = []
    phase: str
    phase_reason: str
    phase_chosen: bool = False  # the analyst chose the phase
    tlp: str  # the highest sharing level of the records it was drawn from

    @property
    def worked(self) -> list[SituationFactor]:
        return [f for f in self.factors if f.weight > 0]


class FactorMatch(BaseModel):
    code: str
    name: str
    level: str
    weight: int
    confidence: float
    points: float


class LabelMatch(BaseModel):
    dimension: str
    code: str
    name: str
    confidence: float
    points: float


class ScoreParts(BaseModel):
    factors: float = 0.0
    themes: float = 0.0
    actor: float = 0.0
    sphere: float = 0.0
    phase: float = 0.0
    total: float = 0.0


class Explanation(BaseModel):
    """Why an item is proposed: what matched, at what level and confidence, and the points."""

    factors: list[FactorMatch] = []
    themes: list[LabelMatch] = []
    actor: LabelMatch | None = None
    sphere: LabelMatch | None = None
    phase: LabelMatch | None = None
    parts: ScoreParts = ScoreParts()


class ProposalPublic(BaseModel):
    rank: int
    node_id: str
    reference: str
    document_slug: str
    document_title: str
    label: str  # the number as printed
    heading: str
    text: str
    score: float
    explanation: Explanation


class ProposalsPublic(BaseModel):
    situation: SituationPublic
    actor: str
    sphere: str | None
    phase: str
    considered: int  # items addressing a factor or theme of the situation, within clearance
    proposals: list[ProposalPublic]


class PlanItemIn(Strict):
    node: Annotated[str, Field(min_length=1, max_length=500)]  # a node id or reference
    rationale: LongText = ""
    responsible: Annotated[str, Field(max_length=300)] = ""
    due_date: date | None = None
    status: Code = "planned"


class PlanCreate(Strict):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    situation: SituationIn
    actor: Code
    sphere: OptionalCode = None
    summary: LongText = ""
    tlp: TLPLabel = "AMBER"
    status: Code = "draft"
    owner_id: Id = None  # default: the author
    items: Annotated[list[PlanItemIn], Field(max_length=200)] = []


class PlanUpdate(Strict):
    """Fields left out stay as they are."""

    title: Annotated[str | None, Field(min_length=1, max_length=300)] = None
    summary: Annotated[str | None, Field(max_length=100_000)] = None
    tlp: TLPLabel | None = None
    status: OptionalCode = None
    owner_id: Id = None


class PlanItemUpdate(Strict):
    """Fields left out stay as they are; ``due_date`` null clears it."""

    rationale: Annotated[str | None, Field(max_length=100_000)] = None
    responsible: Annotated[str | None, Field(max_length=300)] = None
    due_date: date | None = None
    status: OptionalCode = None
    position: Annotated[int | None, Field(ge=1, le=10_000)] = None


class PlanItemPublic(BaseModel):
    id: str
    node_id: str
    reference: str
    document_slug: str
    document_title: str
    label: str
    heading: str
    text: str  # empty when the paragraph's document is now above the reader's clearance
    node_current: bool
    hidden: bool
    by_hand: bool  # added by hand rather than from a proposal
    score: float
    explanation: Explanation
    rationale: str
    responsible: str
    due_date: date | None
    status: str
    position: int
    created_at: datetime
    updated_at: datetime


class PlanChangePublic(BaseModel):
    at: datetime
    by: str | None
    action: str  # created, updated, item_added, item_updated, item_removed
    item_id: str | None
    fields: list[str]
    detail: dict[str, Any]


class PlanSummary(BaseModel):
    id: str
    title: str
    country: str | None
    admin_area: str | None
    alert_id: str | None
    assessment_id: str | None
    actor: str
    sphere: str | None
    phase: str
    tlp: str
    status: str
    owner_id: str | None
    items_total: int
    items_done: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class PlanPublic(PlanSummary):
    summary: str
    situation: SituationPublic
    items: list[PlanItemPublic]
    history: list[PlanChangePublic]  # oldest first
