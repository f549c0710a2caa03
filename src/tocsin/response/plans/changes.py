"""A plan's history and the small steps every write shares: one append-only row per change
(who, when, which fields, from what to what), a field set only when it changes, and the codes of
plan and item states checked with the field named."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import ValidationFailed
from tocsin.response.plans.models import ResponsePlan, ResponsePlanChange, ResponsePlanItem
from tocsin.response.plans.vocab import ChangeKind, ItemStatus, PlanStatus


def record_change(
    session: Session,
    actor: Actor,
    plan: ResponsePlan,
    action: ChangeKind,
    item: ResponsePlanItem | None = None,
    fields: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    detail: dict[str, Any] = {}
    if fields and after is not None:
        detail = {k: {"from": plain(v), "to": plain(after[k])} for k, v in fields.items()}
    elif fields:
        detail = {k: plain(v) for k, v in fields.items()}
    session.add(
        ResponsePlanChange(
            plan_id=plan.id,
            item_id=item.id if item else None,
            action=action.value,
            fields=sorted(fields or {}),
            detail=detail,
            by=actor.user_id,
            at=utcnow(),
        )
    )


def plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def set_field(record: Any, name: str, value: Any, before: dict[str, Any]) -> None:
    if getattr(record, name) != value:
        before[name] = getattr(record, name)
        setattr(record, name, value)


def touch(plan: ResponsePlan, actor: Actor) -> None:
    plan.updated_by, plan.updated_at = actor.user_id, utcnow()


def check_status(vocab: type[PlanStatus] | type[ItemStatus], value: str, field: str) -> str:
    codes: Sequence[str] = [s.value for s in vocab]
    if value not in codes:
        raise ValidationFailed.on(field, f"unknown status {value!r}; one of {', '.join(codes)}")
    return value
