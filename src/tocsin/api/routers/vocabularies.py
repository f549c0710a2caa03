"""Controlled vocabularies: read by everyone, extended and translated by admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from tocsin.api.deps import CurrentActor, SessionDep
from tocsin.cases import vocabulary
from tocsin.cases.models import VocabularyTerm
from tocsin.cases.schemas import Strict
from tocsin.core import audit
from tocsin.core.roles import Permission

router = APIRouter(prefix="/vocabularies", tags=["vocabularies"])

VocabName = Annotated[str, Path(max_length=40, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]


class TermPublic(BaseModel):
    vocabulary: str
    code: str
    parent: str | None
    labels: dict[str, Any]
    descriptions: dict[str, Any]
    active: bool
    builtin: bool


class TermCreate(Strict):
    code: Annotated[str, Field(max_length=80)]
    labels: dict[str, Annotated[str, Field(max_length=200)]]
    parent: str | None = None
    descriptions: dict[str, Annotated[str, Field(max_length=2000)]] = {}


class TermUpdate(Strict):
    labels: dict[str, Annotated[str, Field(max_length=200)]] | None = None
    descriptions: dict[str, Annotated[str, Field(max_length=2000)]] | None = None
    active: bool | None = None


def _public(t: VocabularyTerm) -> TermPublic:
    return TermPublic.model_validate(t, from_attributes=True)


@router.get("", response_model=list[str])
def names(session: SessionDep, actor: CurrentActor) -> list[str]:
    actor.require(Permission.READ)
    return vocabulary.vocabulary_names(session)


@router.get("/{name}", response_model=list[TermPublic])
def terms(name: VocabName, session: SessionDep, actor: CurrentActor) -> list[TermPublic]:
    actor.require(Permission.READ)
    return [_public(t) for t in vocabulary.list_terms(session, name)]


@router.post("/{name}/terms", response_model=TermPublic, status_code=201)
def add_term(
    name: VocabName, data: TermCreate, session: SessionDep, actor: CurrentActor
) -> TermPublic:
    actor.require(Permission.MANAGE_VOCABULARY)
    term = vocabulary.add_term(
        session, name, data.code, data.labels, data.parent, data.descriptions
    )
    audit.record(session, actor, audit.Action.CREATE, "vocabulary_term", f"{name}:{data.code}")
    return _public(term)


@router.patch("/{name}/terms/{code}", response_model=TermPublic)
def update_term(
    name: VocabName, code: str, data: TermUpdate, session: SessionDep, actor: CurrentActor
) -> TermPublic:
    actor.require(Permission.MANAGE_VOCABULARY)
    term = vocabulary.update_term(session, name, code, data.labels, data.descriptions, data.active)
    audit.record(session, actor, audit.Action.UPDATE, "vocabulary_term", f"{name}:{code}")
    return _public(term)
