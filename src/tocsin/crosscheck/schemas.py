"""API shapes of the cross-check engine's review queue and clusters."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from tocsin.cases.schemas import Strict

Kind = Literal["person", "organisation", "event"]


class DecisionIn(Strict):
    reason: Annotated[str | None, Field(max_length=2000)] = None


class AutoAcceptIn(Strict):
    """``null`` turns automatic merging off: every pair waits for a person."""

    auto_accept: Annotated[float | None, Field(ge=0.5, le=1.0)]


class CandidatePublic(BaseModel):
    id: str
    kind: str
    left_id: str
    right_id: str
    score: float
    features: list[dict[str, Any]]  # what the score rests on, field by field
    engine: str
    status: str
    proposed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None


class ClusterChangePublic(BaseModel):
    action: str
    record_ids: list[str]  # only those the reader may see
    candidate_id: str | None
    decided_by: str | None
    automatic: bool
    reason: str | None
    at: datetime


class ClusterPublic(BaseModel):
    kind: str
    record_id: str
    cluster_id: str | None
    members: list[str]
    hidden_members: int  # members above the reader's clearance, counted but not named
    history: list[ClusterChangePublic]


class IncidentRunIn(Strict):
    max_km: Annotated[float, Field(gt=0, le=500)] = 10.0
    min_score: Annotated[float, Field(ge=0, le=1)] = 0.5


class PersonRunIn(Strict):
    threshold: Annotated[float, Field(gt=0.5, lt=1)] = 0.9


class OrganisationRunIn(Strict):
    threshold: Annotated[float, Field(gt=0.5, lt=1)] = 0.85


class ProposeReportPublic(BaseModel):
    new: int
    updated: int
    already_decided: int
    already_together: int
    auto_accepted: int


class CorroborationPublic(BaseModel):
    """Independent sources behind a record: each original counted once, repeats folded in."""

    independent_sources: int
    linked_sources: int
    events: list[str]  # the event and those decided to report the same incident
    originals: list[str]  # the originals the reader may see
    hidden_sources: int  # linked sources above the reader's clearance
