"""Reading response plans: one in full (items with their paragraphs, history), a page of them.
A plan above the reader's clearance does not exist for them; reading a protected one is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.cases.records import fetch, page_of, visible_query
from tocsin.cases.schemas import Page
from tocsin.core.access import Actor
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.library.store.access import audit_nodes_read
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

NO_ITEM = "no such plan item"


def load(session: Session, actor: Actor, plan_id: str) -> ResponsePlan:
    return fetch(session, ResponsePlan, plan_id, actor, KIND)


def load_item(
    session: Session, actor: Actor, item_id: str
) -> tuple[ResponsePlan, ResponsePlanItem]:
    """An item and its plan, if the actor may see the plan (else NotFound, as for the plan)."""
    actor.require(Permission.READ)
    item = session.get(ResponsePlanItem, item_id)
    try:
        if item is None:
            raise NotFound(NO_ITEM)
        return load(session, actor, item.plan_id), item
    except NotFound:
        # One answer whether the item is missing or its plan is out of sight: no oracle.
        raise NotFound(NO_ITEM) from None


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
    read: list[tuple[LibraryNode, LibraryDocument]] = []
    shown = [_item(session, actor, i, read) for i in items]
    # The paragraphs' text is shown with the plan: a read of each protected one, as a search's.
    audit_nodes_read(session, actor, read, via="plan")
    return PlanPublic(
        **summary(row, counts).model_dump(),
        summary=row.summary,
        situation=SituationPublic.model_validate(row.situation),
        items=shown,
        history=_history(session, actor, list(changes), shown),
    )


def _history(
    session: Session, actor: Actor, changes: list[ResponsePlanChange], items: list[PlanItemPublic]
) -> list[PlanChangePublic]:
    """The plan's changes, less the reference of a paragraph the reader may not see (its
    document's slug is part of it): of an item still in the plan, or of one since removed."""
    hidden = {i.id for i in items if i.hidden}
    named = {str(c.detail["reference"]) for c in changes if c.detail.get("reference")}
    visible = _visible_references(session, actor, named)
    return [
        PlanChangePublic(
            at=c.at,
            by=c.by,
            action=c.action,
            item_id=c.item_id,
            fields=c.fields,
            detail=_shown_detail(c.detail, c.item_id in hidden, visible),
        )
        for c in changes
    ]


def _shown_detail(detail: dict[str, Any], hidden: bool, visible: set[str]) -> dict[str, Any]:
    reference = detail.get("reference")
    if reference is None or (not hidden and str(reference) in visible):
        return detail
    return {k: v for k, v in detail.items() if k != "reference"}


def _visible_references(session: Session, actor: Actor, references: set[str]) -> set[str]:
    """Those of ``references`` whose paragraph is in a document within the actor's clearance
    (a reference no longer in the library is not shown: its document cannot be checked)."""
    if not references:
        return set()
    rows = session.execute(
        select(LibraryNode.reference, LibraryDocument.tlp, LibraryDocument.created_by)
        .join(LibraryDocument, LibraryDocument.id == LibraryNode.document_id)
        .where(LibraryNode.reference.in_(sorted(references)))
    )
    return {ref for ref, tlp, by in rows if actor.may_see(tlp, by)}


def _item(
    session: Session, actor: Actor, item: ResponsePlanItem,
    read: list[tuple[LibraryNode, LibraryDocument]],
) -> PlanItemPublic:  # fmt: skip
    """An item as the reader may see it. When its paragraph's document is above their
    clearance (the document was re-imported at a narrower level, or the plan is shared more
    widely than it should be), only the plan's own fields remain: the reference (which names
    the document), the node id and the explanation (the paragraph's labels) are withheld."""
    node = session.get(LibraryNode, item.node_id)
    doc = session.get(LibraryDocument, node.document_id) if node is not None else None
    if node is None or doc is None or not actor.may_see(doc.tlp, doc.created_by):
        return PlanItemPublic(
            **_own_fields(item), node_id="", reference="", document_slug="", document_title="",
            label="", heading="", text="", node_current=False, hidden=True, score=0.0,
            explanation=Explanation(),
        )  # fmt: skip
    read.append((node, doc))
    return PlanItemPublic(
        **_own_fields(item), node_id=item.node_id, reference=item.reference,
        document_slug=doc.slug, document_title=doc.title, label=node.label,
        heading=node.heading, text=node.text, node_current=node.current, hidden=False,
        score=item.score, explanation=Explanation.model_validate(item.explanation),
    )  # fmt: skip


def _own_fields(item: ResponsePlanItem) -> dict[str, Any]:
    """What the plan itself says of an item, whoever reads it."""
    return {
        "id": item.id,
        "by_hand": item.by_hand,
        "rationale": item.rationale,
        "responsible": item.responsible,
        "due_date": item.due_date,
        "status": item.status,
        "position": item.position,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }
