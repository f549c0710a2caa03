"""Reading response plans: one in full (items with their paragraphs, history), a page of them.
A plan above the reader's clearance does not exist for them; reading a protected one is audited."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.cases.records import fetch, page_of, visible_query
from tocsin.cases.schemas import Page
from tocsin.core.access import Actor
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.library.store.models import LibraryDocument, LibraryNode
from tocsin.response.plans.models import ResponsePlan, ResponsePlanChange, ResponsePlanItem
from tocsin.response.plans.schemas import (
    Explanation,
    PlanChangePublic,
    PlanItemPublic,
    PlanPublic,
    PlanSummary,
    SituationPublic,
)
from tocsin.response.plans.vocab import KIND, ItemStatus, PlanStatus


def load(session: Session, actor: Actor, plan_id: str) -> ResponsePlan:
    return fetch(session, ResponsePlan, plan_id, actor, KIND)


def load_item(
    session: Session, actor: Actor, item_id: str
) -> tuple[ResponsePlan, ResponsePlanItem]:
    """An item and its plan, if the actor may see the plan (else NotFound, as for the plan)."""
    item = session.get(ResponsePlanItem, item_id)
    if item is None:
        actor.require(Permission.READ)
        raise NotFound("no such plan item")
    return load(session, actor, item.plan_id), item


def get_plan(session: Session, actor: Actor, plan_id: str) -> PlanPublic:
    return public(session, actor, load(session, actor, plan_id))


def list_plans(
    session: Session,
    actor: Actor,
    status: str | None = None,
    country: str | None = None,
    alert_id: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[PlanSummary]:
    """Plans the actor may see, most recently changed first."""
    query = visible_query(ResponsePlan, actor)
    if status:
        if status not in {s.value for s in PlanStatus}:
            choices = ", ".join(s.value for s in PlanStatus)
            raise ValidationFailed.on("status", f"unknown status {status!r}; one of {choices}")
        query = query.where(ResponsePlan.status == status)
    if country:
        query = query.where(ResponsePlan.country == country.strip().upper())
    if alert_id:
        query = query.where(ResponsePlan.alert_id == alert_id)
    query = query.order_by(ResponsePlan.updated_at.desc(), ResponsePlan.id)
    return page_of(
        session, actor, KIND, query, page, page_size, lambda rows: summaries(session, rows)
    )


def summaries(session: Session, rows: list[ResponsePlan]) -> list[PlanSummary]:
    counts: dict[tuple[str, str], int] = {}
    if rows:
        found = session.execute(
            select(ResponsePlanItem.plan_id, ResponsePlanItem.status, func.count())
            .where(ResponsePlanItem.plan_id.in_([r.id for r in rows]))
            .group_by(ResponsePlanItem.plan_id, ResponsePlanItem.status)
        )
        counts = {(plan, status): n for plan, status, n in found}
    return [summary(r, counts) for r in rows]


def summary(row: ResponsePlan, counts: dict[tuple[str, str], int]) -> PlanSummary:
    mine = {status: n for (plan, status), n in counts.items() if plan == row.id}
    return PlanSummary(
        id=row.id,
        title=row.title,
        country=row.country,
        admin_area=row.admin_area,
        alert_id=row.alert_id,
        assessment_id=row.assessment_id,
        actor=row.actor,
        sphere=row.sphere,
        phase=row.phase,
        tlp=TLP(row.tlp).label,
        status=row.status,
        owner_id=row.owner_id,
        items_total=sum(mine.values()),
        items_done=mine.get(ItemStatus.DONE.value, 0),
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def public(session: Session, actor: Actor, row: ResponsePlan) -> PlanPublic:
    """The whole plan (the caller has checked the actor may see it)."""
    items = list(
        session.scalars(
            select(ResponsePlanItem)
            .where(ResponsePlanItem.plan_id == row.id)
            .order_by(ResponsePlanItem.position, ResponsePlanItem.created_at, ResponsePlanItem.id)
        )
    )
    counts: dict[tuple[str, str], int] = {}
    for item in items:
        counts[(row.id, item.status)] = counts.get((row.id, item.status), 0) + 1
    changes = session.scalars(
        select(ResponsePlanChange)
        .where(ResponsePlanChange.plan_id == row.id)
        .order_by(ResponsePlanChange.at, ResponsePlanChange.id)
    )
    return PlanPublic(
        **summary(row, counts).model_dump(),
        summary=row.summary,
        situation=SituationPublic.model_validate(row.situation),
        items=[_item(session, actor, i) for i in items],
        history=[
            PlanChangePublic(
                at=c.at,
                by=c.by,
                action=c.action,
                item_id=c.item_id,
                fields=c.fields,
                detail=c.detail,
            )
            for c in changes
        ],
    )


def _item(session: Session, actor: Actor, item: ResponsePlanItem) -> PlanItemPublic:
    node = session.get(LibraryNode, item.node_id)
    doc = session.get(LibraryDocument, node.document_id) if node is not None else None
    shown = node is not None and doc is not None and actor.may_see(doc.tlp, doc.created_by)
    return PlanItemPublic(
        id=item.id,
        node_id=item.node_id,
        reference=item.reference,
        document_slug=doc.slug if shown and doc else "",
        document_title=doc.title if shown and doc else "",
        label=node.label if shown and node else "",
        heading=node.heading if shown and node else "",
        text=node.text if shown and node else "",
        node_current=bool(node is not None and node.current),
        hidden=not shown,
        by_hand=item.by_hand,
        score=item.score,
        explanation=Explanation.model_validate(item.explanation),
        rationale=item.rationale,
        responsible=item.responsible,
        due_date=item.due_date,
        status=item.status,
        position=item.position,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )
