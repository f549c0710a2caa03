"""Consent records and their withdrawal."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tocsin.api.deps import CurrentActor, SessionDep
from tocsin.cases import consent, consent_history, views
from tocsin.cases.models import Consent
from tocsin.cases.records import fetch
from tocsin.cases.schemas import ConsentCreate, ConsentPublic, ConsentWithdrawIn

router = APIRouter(prefix="/consents", tags=["consent"])


@router.get("", response_model=list[ConsentPublic])
def list_consents(
    session: SessionDep,
    actor: CurrentActor,
    person_id: Annotated[str, Query(max_length=36)],
) -> list[ConsentPublic]:
    return consent_history.consents_of(session, actor, person_id)


@router.post("", response_model=ConsentPublic, status_code=201)
def create_consent(data: ConsentCreate, session: SessionDep, actor: CurrentActor) -> ConsentPublic:
    return views.consent_public(consent.create(session, actor, data))


@router.get("/{consent_id}", response_model=ConsentPublic)
def get_consent(consent_id: str, session: SessionDep, actor: CurrentActor) -> ConsentPublic:
    return views.consent_public(fetch(session, Consent, consent_id, actor, "consent"))


@router.post("/{consent_id}/withdraw", response_model=ConsentPublic)
def withdraw_consent(
    consent_id: str, data: ConsentWithdrawIn, session: SessionDep, actor: CurrentActor
) -> ConsentPublic:
    record = consent.withdraw(session, actor, consent_id, data)
    return views.consent_public(record, reveal=actor.may_see(record.tlp, record.created_by))
