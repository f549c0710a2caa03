"""Escalation chains (read: ALERT; write: MANAGE_ALERTING) and an alert's escalation record."""

from __future__ import annotations

from fastapi import APIRouter

from tocsin.alerts import chains
from tocsin.alerts.escalation import escalation_history
from tocsin.alerts.escalation_schemas import (
    ChainCreate,
    ChainPublic,
    ChainUpdate,
    EscalationPublic,
)
from tocsin.alerts.visibility import load
from tocsin.api.deps import CurrentActor, SessionDep

router = APIRouter(tags=["alerts"])


@router.get("/escalation-chains", response_model=list[ChainPublic])
def list_chains(session: SessionDep, actor: CurrentActor) -> list[ChainPublic]:
    """Every escalation chain, by name, with how many live alerts use each."""
    return chains.list_chains(session, actor)


@router.post("/escalation-chains", response_model=ChainPublic, status_code=201)
def create_chain(data: ChainCreate, session: SessionDep, actor: CurrentActor) -> ChainPublic:
    """A new chain: its name and its steps, each the people it calls and the minutes they have
    to acknowledge before the next step is called."""
    return chains.create_chain(session, actor, data)


@router.get("/escalation-chains/{chain_id}", response_model=ChainPublic)
def get_chain(chain_id: str, session: SessionDep, actor: CurrentActor) -> ChainPublic:
    return chains.get_chain(session, actor, chain_id)


@router.patch("/escalation-chains/{chain_id}", response_model=ChainPublic)
def update_chain(
    chain_id: str, data: ChainUpdate, session: SessionDep, actor: CurrentActor
) -> ChainPublic:
    """Rename a chain or replace its steps; alerts using it follow the new steps from their
    next escalation."""
    return chains.update_chain(session, actor, chain_id, data)


@router.delete("/escalation-chains/{chain_id}", status_code=204)
def delete_chain(chain_id: str, session: SessionDep, actor: CurrentActor) -> None:
    """Refused (409) while a live alert or an alert rule uses the chain."""
    chains.delete_chain(session, actor, chain_id)


@router.get("/alerts/{alert_id}/escalations", response_model=list[EscalationPublic])
def alert_escalations(
    alert_id: str, session: SessionDep, actor: CurrentActor
) -> list[EscalationPublic]:
    """Each time nobody acknowledged the alert in time: the step called, whom it told, whom it
    could not and why, the deadline missed and the next one."""
    alert = load(session, actor, alert_id)
    return escalation_history(session, alert.id)
