"""Response plans: recommended actions proposed for a situation (a country or area, an alert,
an assessment, or risk factors named by hand), ranked and explained; plans kept from them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tocsin.api.deps import CurrentActor, PagingDep, SessionDep
from tocsin.cases.schemas import Page
from tocsin.response import plans
from tocsin.response.plans import (
    PlanCreate,
    PlanItemIn,
    PlanItemUpdate,
    PlanPublic,
    PlanSummary,
    PlanUpdate,
    ProposalRequest,
    ProposalsPublic,
)

router = APIRouter(tags=["response plans"])
Filter = Annotated[str | None, Query(max_length=40)]


@router.post("/response/proposals", response_model=ProposalsPublic)
def propose(data: ProposalRequest, session: SessionDep, actor: CurrentActor) -> ProposalsPublic:
    """Library items that address the situation's risk factors and themes, ranked for the actor
    and sphere, each with its explanation (which factors at what level, which labels with which
    confidence, the score parts)."""
    return plans.propose(session, actor, data)


@router.get("/response/plans", response_model=Page[PlanSummary])
def list_plans(
    session: SessionDep,
    actor: CurrentActor,
    paging: PagingDep,
    status: Filter = None,
    country: Filter = None,
    alert_id: Filter = None,
) -> Page[PlanSummary]:
    """Plans you may see, most recently changed first."""
    return plans.list_plans(
        session, actor, status, country, alert_id, paging.page, paging.page_size
    )


@router.post("/response/plans", response_model=PlanPublic, status_code=201)
def create_plan(data: PlanCreate, session: SessionDep, actor: CurrentActor) -> PlanPublic:
    """Keep a plan of the situation with the chosen paragraphs (RESPOND permission)."""
    return plans.create_plan(session, actor, data)


@router.get("/response/plans/{plan_id}", response_model=PlanPublic)
def get_plan(plan_id: str, session: SessionDep, actor: CurrentActor) -> PlanPublic:
    return plans.get_plan(session, actor, plan_id)


@router.patch("/response/plans/{plan_id}", response_model=PlanPublic)
def update_plan(
    plan_id: str, data: PlanUpdate, session: SessionDep, actor: CurrentActor
) -> PlanPublic:
    return plans.update_plan(session, actor, plan_id, data)


@router.post("/response/plans/{plan_id}/items", response_model=PlanPublic, status_code=201)
def add_item(
    plan_id: str, data: PlanItemIn, session: SessionDep, actor: CurrentActor
) -> PlanPublic:
    """Add a paragraph by id or reference; it is explained against the plan's situation."""
    return plans.add_item(session, actor, plan_id, data)


@router.patch("/response/plans/items/{plan_item_id}", response_model=PlanPublic)
def update_item(
    plan_item_id: str, data: PlanItemUpdate, session: SessionDep, actor: CurrentActor
) -> PlanPublic:
    """Change an item: rationale, who is responsible, due date, status, position."""
    return plans.update_item(session, actor, plan_item_id, data)


@router.delete("/response/plans/items/{plan_item_id}", response_model=PlanPublic)
def remove_item(plan_item_id: str, session: SessionDep, actor: CurrentActor) -> PlanPublic:
    """Take an item out of its plan (the plan's history keeps it)."""
    return plans.remove_item(session, actor, plan_item_id)
