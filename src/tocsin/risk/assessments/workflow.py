"""Review and approval: draft -> in review -> approved, or back to draft with a reason.

An analyst (Permission.ASSESS) writes a draft and submits it. A coordinator or admin
(Permission.APPROVE) who is not its author approves it, or returns it to draft saying why.
Only a draft can be edited; an approved assessment is final (start a new one with
``store.revise``). Every step is kept, with who, when and why, in an append-only table.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import Forbidden, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.risk.assessments.scale import Status
from tocsin.risk.assessments.schemas import AssessmentPublic
from tocsin.risk.assessments.store import record_transition, require_status
from tocsin.risk.assessments.views import KIND, load, public
from tocsin.risk.models import RiskAssessment, RiskRating

MAX_REASON = 2000


def submit_for_review(session: Session, actor: Actor, assessment_id: str) -> AssessmentPublic:
    actor.require(Permission.ASSESS)
    row = _locked(session, actor, assessment_id)
    require_status(row, Status.DRAFT, "submitted for review")
    rated = session.scalar(
        select(RiskRating.indicator).where(RiskRating.assessment_id == row.id).limit(1)
    )
    if rated is None:
        raise ValidationFailed.on("ratings", "rate at least one indicator before review")
    return _move(session, actor, row, Status.DRAFT, Status.IN_REVIEW, None)


def approve(
    session: Session, actor: Actor, assessment_id: str, reason: str | None = None
) -> AssessmentPublic:
    actor.require(Permission.APPROVE)
    row = _locked(session, actor, assessment_id)
    if row.created_by == actor.user_id:
        raise Forbidden("the author of an assessment may not approve it; ask a colleague")
    require_status(row, Status.IN_REVIEW, "approved")
    row.approved_by, row.approved_at = actor.user_id, utcnow()
    return _move(session, actor, row, Status.IN_REVIEW, Status.APPROVED, _reason(reason, False))


def return_to_draft(
    session: Session, actor: Actor, assessment_id: str, reason: str | None
) -> AssessmentPublic:
    """Send an assessment in review back to its author, saying what to change."""
    actor.require(Permission.APPROVE)
    row = _locked(session, actor, assessment_id)
    require_status(row, Status.IN_REVIEW, "returned to draft")
    return _move(session, actor, row, Status.IN_REVIEW, Status.DRAFT, _reason(reason, True))


def _locked(session: Session, actor: Actor, assessment_id: str) -> RiskAssessment:
    """The row, locked until commit on PostgreSQL so two reviewers cannot both move it."""
    row = load(session, actor, assessment_id)
    session.refresh(row, with_for_update=True)
    return row


def _reason(reason: str | None, required: bool) -> str | None:
    text = (reason or "").strip()
    if required and not text:
        raise ValidationFailed.on(
            "reason", "say why it goes back, so the author knows what to change"
        )
    if len(text) > MAX_REASON:
        raise ValidationFailed.on("reason", f"at most {MAX_REASON} characters")
    return text or None


def _move(
    session: Session,
    actor: Actor,
    row: RiskAssessment,
    from_status: Status,
    to_status: Status,
    reason: str | None,
) -> AssessmentPublic:
    row.status = to_status.value
    row.updated_by, row.updated_at = actor.user_id, utcnow()
    record_transition(session, actor, row, from_status, to_status, reason)
    audit.record(session, actor, audit.Action.STATUS, KIND, row.id,
                 {"from": from_status.value, "to": to_status.value})  # fmt: skip
    return public(session, actor, row)
