"""API shapes of the risk framework."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from tocsin.cases.schemas import Strict


class IndicatorPublic(BaseModel):
    code: str  # RF7.3; an organisation's own indicators look like RF7.L1
    factor: str
    text: str  # in the language asked for, else English
    local: bool  # added by this organisation, not part of the framework file


class FactorPublic(BaseModel):
    code: str
    category: str  # common, genocide, crimes_against_humanity, war_crimes
    category_name: str
    name: str
    description: str
    indicators: list[IndicatorPublic]


class FrameworkPublic(BaseModel):
    version: str
    title: str
    current: bool  # the version new assessments are made on
    language: str
    factors: list[FactorPublic]


class FrameworkVersionPublic(BaseModel):
    version: str
    title: str
    current: bool
    loaded_at: datetime


class LocalIndicatorCreate(Strict):
    factor: Annotated[str, Field(max_length=12)]
    text: Annotated[str, Field(max_length=1000)]
    translations: dict[str, Annotated[str, Field(max_length=1000)]] = {}  # {"fr": ..., "ar": ...}
