"""Browsing and exporting the audit log (admins only)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Permission

CSV_COLUMNS = [
    "id",
    "at",
    "user_email",
    "user_id",
    "action",
    "entity_type",
    "entity_id",
    "ip",
    "detail",
]


@dataclass
class AuditFilters:
    user: str | None = None
    action: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _as_utc(moment: datetime) -> datetime:
    """A time given without a zone is read as UTC, the zone the log is kept in."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def query(actor: Actor, f: AuditFilters) -> Select[Any]:
    actor.require(Permission.READ_AUDIT)
    q = select(AuditEntry)
    if f.user:
        q = q.where((AuditEntry.user_email == f.user.lower()) | (AuditEntry.user_id == f.user))
    if f.action:
        q = q.where(AuditEntry.action == f.action)
    if f.entity_type:
        q = q.where(AuditEntry.entity_type == f.entity_type)
    if f.entity_id:
        q = q.where(AuditEntry.entity_id == f.entity_id)
    if f.since:
        q = q.where(AuditEntry.at >= _as_utc(f.since))
    if f.until:
        q = q.where(AuditEntry.at <= _as_utc(f.until))
    return q.order_by(AuditEntry.id.desc())


def page(
    session: Session, actor: Actor, f: AuditFilters, page_no: int, size: int
) -> tuple[list[AuditEntry], int]:
    q = query(actor, f)
    total = session.scalar(select(func.count()).select_from(q.order_by(None).subquery())) or 0
    return list(session.scalars(q.limit(size).offset((page_no - 1) * size))), total


def csv_rows(session: Session, actor: Actor, f: AuditFilters) -> Iterator[str]:
    """Stream the filtered log as CSV, a batch at a time."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    yield buf.getvalue()
    for entry in session.scalars(query(actor, f).execution_options(yield_per=1000)):
        buf.seek(0)
        buf.truncate()
        writer.writerow(
            [
                entry.id,
                entry.at.isoformat(),
                entry.user_email,
                entry.user_id or "",
                entry.action,
                entry.entity_type,
                entry.entity_id,
                entry.ip,
                json.dumps(entry.detail, ensure_ascii=False, sort_keys=True),
            ]
        )
        yield buf.getvalue()
