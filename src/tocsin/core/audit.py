"""The append-only audit log: every write, and every read of a protected record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.models import AuditEntry


class Action:
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    READ = "read"
    LIST = "list"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    IMPORT = "import"
    EXPORT = "export"
    IDENTIFY = "identify"
    STATUS = "status_change"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    KEYS_ROTATED = "keys_rotated"
    BACKUP = "backup"
    RESTORE = "restore"
    USER = "user_admin"


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    entity_type: str = "",
    entity_id: str = "",
    detail: dict[str, Any] | None = None,
    summary: str = "",
) -> None:
    """Add one entry inside the caller's transaction, so the entry and the change land together."""
    session.execute(
        insert(AuditEntry).values(
            at=utcnow(),
            user_id=actor.user_id if actor else None,
            user_email=actor.email if actor else "",
            ip=actor.ip if actor else "",
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            detail=detail or {},
            summary=summary,
        )
    )


def record_reads(
    session: Session, actor: Actor, entity_type: str, ids: Iterable[str], via: str = "list"
) -> None:
    """One entry per protected record read, so a later question "who saw X?" has an answer."""
    now = utcnow()
    rows = [
        {
            "at": now,
            "user_id": actor.user_id,
            "user_email": actor.email,
            "ip": actor.ip,
            "action": Action.READ,
            "entity_type": entity_type,
            "entity_id": rid,
            "detail": {"via": via},
            "summary": "",
        }
        for rid in ids
    ]
    if rows:
        session.execute(insert(AuditEntry), rows)
