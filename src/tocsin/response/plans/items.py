"""Items of a response plan: paragraphs added (from proposals or by hand, each explained
against the plan's situation as it was planned), changed, moved and removed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.cases.records import written
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.library.store import access as library_access
from tocsin.response.plans.candidates import with_labels
from tocsin.response.plans.changes import check_status, record_change, set_field, touch
from tocsin.response.plans.models import ResponsePlan, ResponsePlanItem
from tocsin.response.plans.proposals import target_of
from tocsin.response.plans.schemas import PlanItemIn, PlanItemUpdate, PlanPublic, SituationPublic
from tocsin.response.plans.scoring import explain
from tocsin.response.plans.views import load, load_item, public
from tocsin.response.plans.vocab import KIND, ChangeKind, ItemStatus

ITEM_FIELDS = ("rationale", "responsible", "due_date", "status", "position")


def add_item(session: Session, actor: Actor, plan_id: str, data: PlanItemIn) -> PlanPublic:
    """Add a paragraph by hand (by id or reference), explained against the plan's situation."""
    actor.require(Permission.RESPOND)
    row = load(session, actor, plan_id)
    add_paragraph(session, actor, row, data, "", by_hand=True, seen=set())
    touch(row, actor)
    session.flush()
    return public(session, actor, row)


def update_item(session: Session, actor: Actor, item_id: str, data: PlanItemUpdate) -> PlanPublic:
    """Change an item (addressed by its own id) of a plan the actor may see."""
    actor.require(Permission.RESPOND)
    row, item = load_item(session, actor, item_id)
    given = data.model_fields_set
    before: dict[str, Any] = {}
    for name in ITEM_FIELDS:
        value = getattr(data, name)
        if name not in given or (value is None and name != "due_date"):
            continue
        if name == "status":
            value = check_status(ItemStatus, value, "status")
        if name == "position":
            value = _moved(session, row, item, value)
        set_field(item, name, value, before)
    if before:
        item.updated_at = utcnow()
        record_change(
            session,
            actor,
            row,
            ChangeKind.ITEM_UPDATED,
            item=item,
            fields=before,
            after={k: getattr(item, k) for k in before},
        )
        written(session, actor, audit.Action.UPDATE, KIND, row.id, [f"items.{k}" for k in before])
        touch(row, actor)
    session.flush()
    return public(session, actor, row)


def remove_item(session: Session, actor: Actor, item_id: str) -> PlanPublic:
    actor.require(Permission.RESPOND)
    row, item = load_item(session, actor, item_id)
    record_change(
        session,
        actor,
        row,
        ChangeKind.ITEM_REMOVED,
        item=item,
        fields={"reference": item.reference, "status": item.status},
    )
    written(session, actor, audit.Action.UPDATE, KIND, row.id, ["items"])
    session.delete(item)
    touch(row, actor)
    session.flush()
    return public(session, actor, row)


def add_paragraph(
    session: Session,
    actor: Actor,
    plan: ResponsePlan,
    data: PlanItemIn,
    prefix: str,
    by_hand: bool,
    seen: set[str],
) -> ResponsePlanItem:
    """One paragraph added; ``prefix`` names the item in problems ("items[2].")."""
    where = f"{prefix}node"
    node, doc = library_access.node(session, actor, data.node, field=where)
    if node.kind != "item":
        raise ValidationFailed.on(where, "only paragraphs can be planned, not parts or sections")
    taken = session.scalar(
        select(ResponsePlanItem.id).where(
            ResponsePlanItem.plan_id == plan.id, ResponsePlanItem.node_id == node.id
        )
    )
    if taken is not None or node.id in seen:
        raise ValidationFailed.on(where, f"{node.reference} is already in the plan")
    if doc.tlp > plan.tlp:
        raise ValidationFailed.on(
            where,
            f"{node.reference} is shared as TLP:{TLP(doc.tlp).label}, "
            f"more narrowly than the plan (TLP:{TLP(plan.tlp).label})",
        )
    seen.add(node.id)
    situation = SituationPublic.model_validate(plan.situation)
    why = explain(
        with_labels(session, [(node, doc)])[0], target_of(situation, plan.actor, plan.sphere)
    )
    last = session.scalar(
        select(func.max(ResponsePlanItem.position)).where(ResponsePlanItem.plan_id == plan.id)
    )
    item = ResponsePlanItem(
        plan_id=plan.id,
        node_id=node.id,
        reference=node.reference,
        by_hand=by_hand,
        score=why.parts.total,
        explanation=why.model_dump(mode="json"),
        rationale=data.rationale,
        responsible=data.responsible.strip(),
        due_date=data.due_date,
        status=check_status(ItemStatus, data.status, f"{prefix}status"),
        position=(last or 0) + 1,
        created_by=actor.user_id,
    )
    session.add(item)
    session.flush()
    record_change(
        session,
        actor,
        plan,
        ChangeKind.ITEM_ADDED,
        item=item,
        fields={"reference": node.reference, "by_hand": by_hand},
    )
    written(session, actor, audit.Action.UPDATE, KIND, plan.id, ["items"])
    return item


def _moved(session: Session, plan: ResponsePlan, item: ResponsePlanItem, position: int) -> int:
    """Put the item at ``position`` (1-based), shifting the others; returns where it landed."""
    items = list(
        session.scalars(
            select(ResponsePlanItem)
            .where(ResponsePlanItem.plan_id == plan.id)
            .order_by(ResponsePlanItem.position, ResponsePlanItem.created_at)
        )
    )
    others = [i for i in items if i.id != item.id]
    spot = min(position, len(items)) - 1
    others.insert(spot, item)
    for n, other in enumerate(others, start=1):
        if other is not item:
            other.position = n
    return spot + 1
