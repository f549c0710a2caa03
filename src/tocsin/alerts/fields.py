"""Setting an alert's fields from input, shared by drafting, editing and updating, with the
checks every version must pass: linked records within clearance, recipients that exist, and
recipients named only on a RED alert."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.alerts import links
from tocsin.alerts.models import Alert
from tocsin.alerts.schemas import AlertUpdate
from tocsin.cases.records import changed_tlp
from tocsin.core.access import Actor
from tocsin.core.errors import ValidationFailed
from tocsin.core.models import User
from tocsin.core.tlp import TLP

TEXT_AND_SCALES = ("title", "description", "instruction", "severity", "urgency", "certainty",
                   "category", "language")  # fmt: skip
NULLABLE = ("country", "admin_area", "expires_at")


def _plain(value: Any) -> Any:
    """Enum members stored as their plain value, so a column never holds a Python enum."""
    return value.value if hasattr(value, "value") else value


def check_recipients(session: Session, user_ids: list[str]) -> list[str]:
    ids = list(dict.fromkeys(user_ids))
    active = set(session.scalars(select(User.id).where(User.id.in_(ids), User.active.is_(True))))
    for i, user_id in enumerate(ids):
        if user_id not in active:
            raise ValidationFailed.on(f"recipients[{i}]", f"no active user with id {user_id!r}")
    return ids


def check_consistent(alert: Alert) -> None:
    if alert.recipients and alert.tlp != TLP.RED:
        raise ValidationFailed.on(
            "recipients",
            "only a TLP:RED alert names its recipients; other alerts reach people through "
            "their subscriptions (send an empty list, or make the alert RED)",
        )


def apply(session: Session, actor: Actor, alert: Alert, data: AlertUpdate) -> list[str]:
    """Copy what ``data`` gives onto ``alert``; return the names of the fields that changed."""
    given = data.model_fields_set
    changed: list[str] = []

    def put(name: str, value: Any) -> None:
        if getattr(alert, name) != value:
            setattr(alert, name, value)
            changed.append(name)

    for name in TEXT_AND_SCALES:
        value = getattr(data, name)
        if name in given and value is not None:
            put(name, _plain(value))
    for name in NULLABLE:
        if name in given:
            put(name, getattr(data, name) or None)
    if "polygon" in given:
        put("polygon", [list(p) for p in data.polygon] if data.polygon else None)
    if data.tlp is not None:
        put("tlp", changed_tlp(actor, alert, data.tlp))
    if data.recipients is not None:
        put("recipients", check_recipients(session, data.recipients))
    if data.links is not None:
        pairs = links.check(session, actor, data.links)
        before = {(k, r) for k, ids in links.of(session, alert.id).items() for r in ids}
        if set(pairs) != before:
            links.replace(session, alert.id, pairs)
            changed.append("links")
    check_consistent(alert)
    return changed
