"""Who is acting, and which records they may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, true

from tocsin.core.errors import Forbidden, NotFound
from tocsin.core.roles import Permission, Role, allows, clearance
from tocsin.core.tlp import PROTECTED_FROM, TLP


@dataclass(frozen=True)
class Actor:
    """The person behind a request or a command, as every service sees them."""

    user_id: str
    email: str
    role: Role
    ip: str = ""

    @property
    def clearance(self) -> TLP:
        return clearance(self.role)

    def can(self, permission: Permission) -> bool:
        return allows(self.role, permission)

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise Forbidden(
                f"the {self.role.value} role may not {permission.value.replace('_', ' ')}"
            )

    def may_see(self, tlp: int, created_by: str | None) -> bool:
        return tlp <= self.clearance or (created_by is not None and created_by == self.user_id)


def visible(model: Any, actor: Actor) -> ColumnElement[bool]:
    """SQL filter: records within the actor's clearance, or filed by the actor."""
    if actor.clearance >= max(TLP):
        return true()  # cleared for everything: an always-true OR would only defeat indexes
    return or_(model.tlp <= int(actor.clearance), model.created_by == actor.user_id)


def ensure_visible(record: Any, actor: Actor) -> None:
    """Refuse a record the actor may not see as if it did not exist (no existence oracle)."""
    if record is None or not actor.may_see(record.tlp, getattr(record, "created_by", None)):
        raise NotFound("no such record")


def is_protected(tlp: int) -> bool:
    return tlp >= PROTECTED_FROM
