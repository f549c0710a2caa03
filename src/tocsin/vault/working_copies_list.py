"""A file's working copies and, for a copy, its original: what the evidence page links to.

Only records the reader may see are named; the copies listed are audited as any list is.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tocsin.cases.records import audit_listed, visible_query
from tocsin.core.access import Actor
from tocsin.vault.evidence import KIND
from tocsin.vault.models import Evidence


def copies_of(session: Session, actor: Actor, evidence_id: str) -> list[Evidence]:
    """The working copies made from ``evidence_id`` that ``actor`` may see, oldest first."""
    rows = list(
        session.scalars(
            visible_query(Evidence, actor)
            .where(Evidence.derived_from == evidence_id)
            .order_by(Evidence.created_at, Evidence.id)
        )
    )
    audit_listed(session, actor, KIND, rows)
    return rows


def original_of(session: Session, actor: Actor, copy: Evidence) -> Evidence | None:
    """The record ``copy`` was made from, or None when there is none or the reader may not see
    it (its sharing level may have been raised since)."""
    if copy.derived_from is None:
        return None
    original = session.get(Evidence, copy.derived_from)
    if original is None or not actor.may_see(original.tlp, original.created_by):
        return None
    audit_listed(session, actor, KIND, [original])
    return original
