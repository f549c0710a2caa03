"""API shapes of screening and watchlists."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from tocsin.cases.schemas import Strict
from tocsin.crosscheck.watchlists.screen import DEFAULT_LIMIT, DEFAULT_THRESHOLD, MAX_LIMIT

Name = Annotated[str, Field(max_length=1000)]


class IdentifierIn(Strict):
    type: Annotated[str, Field(max_length=80)] = "id"
    number: Annotated[str, Field(min_length=1, max_length=200)]


class MatchQueryIn(Strict):
    schema_: Annotated[Literal["person", "organisation"], Field(alias="schema")] = "person"
    name: Annotated[str, Field(min_length=1, max_length=1000)]
    aliases: Annotated[list[Name], Field(max_length=50)] = []
    birth_date: Annotated[str | None, Field(max_length=20)] = None
    nationality: Annotated[str | None, Field(max_length=100)] = None
    identifiers: Annotated[list[IdentifierIn], Field(max_length=20)] = []
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT
    threshold: Annotated[float, Field(ge=0.0, le=1.0)] = DEFAULT_THRESHOLD


class FeaturePublic(BaseModel):
    field: str
    query_value: Any
    candidate_value: Any
    level: str
    weight: float
    explanation: str


class HitPublic(BaseModel):
    source: str  # watchlist, or project (the project's own perpetrator records)
    collection: str  # the list's name, or persons / organisations
    record_id: str
    external_id: str | None
    schema_: Annotated[str, Field(serialization_alias="schema")]
    caption: str
    score: float
    explanation: str
    features: list[FeaturePublic]


class MatchResultPublic(BaseModel):
    query: dict[str, Any]
    results: list[HitPublic]


class WatchlistPublic(BaseModel):
    list_name: str
    entries: int
    persons: int
    organisations: int
    imported_at: datetime


class ImportReportPublic(BaseModel):
    list_name: str
    added: int
    updated: int
    unchanged: int
    removed: int
    skipped: dict[str, int]
