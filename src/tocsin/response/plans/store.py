"""Writing response plans: create one from chosen proposals, and edit it. Every write needs
RESPOND, is audited, and leaves a row in the plan's history (``changes``); items are in
``items``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.cases.records import changed_tlp, tlp_rank, written
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.errors import ValidationFailed
from tocsin.core.models import User
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.library.store.models import LibraryDocument, LibraryNode
from tocsin.response.plans.changes import check_status, record_change, set_field, touch
from tocsin.response.plans.items import add_paragraph
from tocsin.response.plans.models import ResponsePlan, ResponsePlanItem
from tocsin.response.plans.proposals import check_actor, check_sphere
from tocsin.response.plans.schemas import PlanCreate, PlanPublic, PlanUpdate, SituationPublic
from tocsin.response.plans.situation import resolve
from tocsin.response.plans.views import load, public
from tocsin.response.plans.vocab import KIND, ChangeKind, PlanStatus


def create_plan(session: Session, actor: Actor, data: PlanCreate) -> PlanPublic:
    """A plan of the situation for the actor and sphere, with the chosen paragraphs."""
    actor.require(Permission.RESPOND)
    chosen = check_actor(data.actor)
    sphere = check_sphere(data.sphere)
    status = check_status(PlanStatus, data.status, "status")
    owner = _owner(session, data.owner_id) or actor.user_id
    situation = resolve(session, actor, data.situation)
    tlp = tlp_rank(data.tlp)
    _no_wider(tlp, situation)
    row = ResponsePlan(
        title=data.title.strip(),
        summary=data.summary,
        country=situation.country,
        admin_area=situation.admin_area,
        alert_id=situation.alert_id,
        assessment_id=situation.assessment_id,
        situation=situation.model_dump(mode="json"),
        actor=chosen,
        sphere=sphere,
        phase=situation.phase,
        status=status,
        owner_id=owner,
        tlp=tlp,
        created_by=actor.user_id,
        updated_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    record_change(session, actor, row, ChangeKind.CREATED)
    written(session, actor, audit.Action.CREATE, KIND, row.id)
    seen: set[str] = set()
    for n, item in enumerate(data.items):
        add_paragraph(session, actor, row, item, f"items[{n}].", by_hand=False, seen=seen)
    session.flush()
    return public(session, actor, row)


def update_plan(session: Session, actor: Actor, plan_id: str, data: PlanUpdate) -> PlanPublic:
    actor.require(Permission.RESPOND)
    row = load(session, actor, plan_id)
    given = data.model_fields_set
    before: dict[str, Any] = {}
    if data.title is not None:
        set_field(row, "title", data.title.strip(), before)
    if data.summary is not None:
        set_field(row, "summary", data.summary, before)
    if data.status is not None:
        set_field(row, "status", check_status(PlanStatus, data.status, "status"), before)
    if "owner_id" in given:
        set_field(row, "owner_id", _owner(session, data.owner_id), before)
    if data.tlp is not None:
        rank = changed_tlp(actor, row, data.tlp)
        _no_wider(rank, SituationPublic.model_validate(row.situation))
        if rank != row.tlp:  # a plan left as it is stays editable; its hidden items withheld
            _no_wider_than_items(session, actor, row, rank)
        set_field(row, "tlp", rank, before)
    if before:
        touch(row, actor)
        record_change(
            session,
            actor,
            row,
            ChangeKind.UPDATED,
            fields=before,
            after={k: getattr(row, k) for k in before},
        )
        written(session, actor, audit.Action.UPDATE, KIND, row.id, list(before))
    session.flush()
    return public(session, actor, row)


def _owner(session: Session, user_id: str | None) -> str | None:
    if user_id is None or not user_id.strip():
        return None
    user = session.get(User, user_id.strip())
    if user is None or not user.active:
        raise ValidationFailed.on("owner_id", f"no active user with id {user_id!r}")
    return user.id


def _no_wider(tlp: int, situation: SituationPublic) -> None:
    """A plan repeats its situation's factors and levels, so it is shared no wider than the
    records they came from."""
    floor = int(TLP.parse(situation.tlp))
    if tlp < floor:
        raise ValidationFailed.on(
            "tlp",
            f"the situation draws on TLP:{situation.tlp} records; "
            f"share the plan as TLP:{situation.tlp} or narrower",
        )


def _no_wider_than_items(session: Session, actor: Actor, plan: ResponsePlan, tlp: int) -> None:
    """The plan shows its items' paragraphs, so it is shared no wider than their documents
    (as they are now: a document may have been re-imported at a narrower level since)."""
    floor = session.scalar(
        select(func.max(LibraryDocument.tlp))
        .join(LibraryNode, LibraryNode.document_id == LibraryDocument.id)
        .join(ResponsePlanItem, ResponsePlanItem.node_id == LibraryNode.id)
        .where(ResponsePlanItem.plan_id == plan.id)
    )
    if floor is None or tlp >= floor:
        return
    if floor > actor.clearance:  # not even the level of a document hidden from them
        raise ValidationFailed.on(
            "tlp", "some actions come from documents shared more narrowly than that level"
        )
    label = TLP(floor).label
    raise ValidationFailed.on(
        "tlp",
        f"the plan's actions come from TLP:{label} documents; "
        f"share the plan as TLP:{label} or narrower",
    )
