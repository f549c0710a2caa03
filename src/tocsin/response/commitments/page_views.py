"""What a commitment's page needs beyond the commitment: how to name the records its judgements
cite (event titles, evidence kinds, never a file name) and who recorded each judgement (team
members only, as on the review and assessment pages)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tocsin.cases.record_titles import event_titles
from tocsin.cases.records import audit_listed, visible_query
from tocsin.core.access import Actor
from tocsin.crosscheck.review_views import deciders
from tocsin.response.commitments.schemas import CommitmentPublic
from tocsin.vault.models import Evidence


def cited_titles(session: Session, actor: Actor, c: CommitmentPublic) -> dict[str, str]:
    """{record id: its title or kind}, for the records the reader may see."""
    names = event_titles(session, actor, {i for j in c.judgements for i in j.event_ids})
    evidence_ids = sorted({i for j in c.judgements for i in j.evidence_ids})
    if evidence_ids:
        rows = list(session.scalars(visible_query(Evidence, actor)
                                    .where(Evidence.id.in_(evidence_ids))))  # fmt: skip
        audit_listed(session, actor, "evidence", rows)
        names.update((e.id, e.kind) for e in rows)
    return names


def people(session: Session, actor: Actor, c: CommitmentPublic) -> dict[str, str]:
    return deciders(session, actor, [j.judged_by for j in c.judgements] + [c.created_by])
