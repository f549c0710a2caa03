"""Writing assessments: create a draft, edit it, start a new one from an earlier one.

Only a draft can change. Each change of ratings re-derives and stores the factor and overall
levels (``levels``), so lists and the horizon scan read them without recomputing.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete
from sqlalchemy.orm import Session

from tocsin.cases.records import changed_tlp, tlp_rank, written
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import Conflict
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.risk.assessments.checks import (
    CheckedRating,
    check_admin_area,
    check_place_country,
    check_ratings,
)
from tocsin.risk.assessments.scale import Rating, Status
from tocsin.risk.assessments.schemas import (
    AssessmentCreate,
    AssessmentPublic,
    AssessmentUpdate,
    GroupIn,
    RatingIn,
)
from tocsin.risk.assessments.views import KIND, derivation_of, hidden_links, load, public
from tocsin.risk.framework.store import Structure, current_version, structure
from tocsin.risk.models import (
    RiskAssessment,
    RiskAssessmentLink,
    RiskAssessmentTransition,
    RiskRating,
)


def create_assessment(session: Session, actor: Actor, data: AssessmentCreate) -> AssessmentPublic:
    """A new draft on the current framework version."""
    actor.require(Permission.ASSESS)
    struct = structure(session, current_version(session))
    row = RiskAssessment(
        country=check_place_country(data.country),
        admin_area=check_admin_area(data.admin_area),
        as_of=data.as_of,
        framework_version=struct.version,
        title=data.title.strip(),
        summary=data.summary.strip(),
        status=Status.DRAFT.value,
        tlp=tlp_rank(data.tlp),
        factor_levels={},
        created_by=actor.user_id,
        updated_by=actor.user_id,
    )
    checked = check_ratings(session, actor, struct, data.ratings)
    session.add(row)
    session.flush()
    _write_ratings(session, row, checked)
    _rederive(session, row, struct)
    record_transition(session, actor, row, None, Status.DRAFT, None)
    written(session, actor, audit.Action.CREATE, KIND, row.id)
    return public(session, actor, row)


def update_assessment(
    session: Session, actor: Actor, assessment_id: str, data: AssessmentUpdate
) -> AssessmentPublic:
    """Edit a draft: the fields given, and the ratings of the indicators given."""
    actor.require(Permission.ASSESS)
    row = load(session, actor, assessment_id)
    require_status(row, Status.DRAFT, "edited")
    given = data.model_fields_set
    changed: list[str] = []
    if data.country is not None:
        _set(row, "country", check_place_country(data.country), changed)
    if "admin_area" in given:
        _set(row, "admin_area", check_admin_area(data.admin_area), changed)
    for name in ("as_of", "title", "summary"):
        value = getattr(data, name)
        if value is not None:
            _set(row, name, value.strip() if isinstance(value, str) else value, changed)
    if data.tlp is not None:
        _set(row, "tlp", changed_tlp(actor, row, data.tlp), changed)
    if data.ratings:
        struct = structure(session, row.framework_version)
        checked = check_ratings(session, actor, struct, data.ratings)
        rated = {c.indicator for c in checked if c.rating is not Rating.NOT_ASSESSED}
        kept = hidden_links(session, actor, row.id, rated)
        _write_ratings(session, row, checked)
        session.add_all(RiskAssessmentLink(assessment_id=row.id, indicator=indicator,
                                           target_type=kind, target_id=target)
                        for indicator, kind, target in kept)  # fmt: skip
        _rederive(session, row, struct)
        changed.append("ratings")
    if changed:
        row.updated_by, row.updated_at = actor.user_id, utcnow()
        written(session, actor, audit.Action.UPDATE, KIND, row.id, changed)
    session.flush()
    return public(session, actor, row)


def revise(session: Session, actor: Actor, assessment_id: str, as_of: date) -> AssessmentPublic:
    """A new draft at ``as_of`` that starts from an earlier assessment's ratings, on the current
    framework version (ratings of indicators that version no longer has are left behind, as are
    cited records the actor cannot see)."""
    actor.require(Permission.ASSESS)
    old = load(session, actor, assessment_id)
    struct = structure(session, current_version(session))
    carried = public(session, actor, old).ratings
    ratings = [
        RatingIn(indicator=r.indicator, rating=r.rating, confidence=r.confidence,
                 narrative=r.narrative, groups=[GroupIn(**g.model_dump()) for g in r.groups],
                 event_ids=r.event_ids, source_ids=r.source_ids, evidence_ids=r.evidence_ids)
        for r in carried
        if r.indicator in struct.indicators
    ]  # fmt: skip
    data = AssessmentCreate(country=old.country, admin_area=old.admin_area, as_of=as_of,
                            title=old.title, summary=old.summary, tlp=TLP(old.tlp).label,
                            ratings=ratings)  # fmt: skip
    return create_assessment(session, actor, data)


def require_status(row: RiskAssessment, status: Status, verb: str) -> None:
    if row.status != status.value:
        raise Conflict(
            f"only an assessment in {status.value.replace('_', ' ')} can be {verb}; "
            f"this one is {row.status.replace('_', ' ')}"
        )


def record_transition(
    session: Session,
    actor: Actor,
    row: RiskAssessment,
    from_status: Status | None,
    to_status: Status,
    reason: str | None,
) -> None:
    session.add(RiskAssessmentTransition(
        assessment_id=row.id, from_status=from_status.value if from_status else None,
        to_status=to_status.value, by=actor.user_id, at=utcnow(), reason=reason,
    ))  # fmt: skip
    session.flush()


def _set(row: RiskAssessment, name: str, value: object, changed: list[str]) -> None:
    if getattr(row, name) != value:
        setattr(row, name, value)
        changed.append(name)


def _write_ratings(session: Session, row: RiskAssessment, checked: list[CheckedRating]) -> None:
    codes = [c.indicator for c in checked]
    if not codes:
        return
    session.execute(delete(RiskAssessmentLink).where(
        RiskAssessmentLink.assessment_id == row.id, RiskAssessmentLink.indicator.in_(codes)))
    session.execute(delete(RiskRating).where(
        RiskRating.assessment_id == row.id, RiskRating.indicator.in_(codes)))  # fmt: skip
    for c in checked:
        if c.rating is Rating.NOT_ASSESSED:
            continue
        session.add(RiskRating(
            assessment_id=row.id, indicator=c.indicator, rating=c.rating.value,
            confidence=c.confidence.value if c.confidence else None, narrative=c.narrative,
            groups=c.groups,
        ))  # fmt: skip
        session.add_all(
            RiskAssessmentLink(assessment_id=row.id, indicator=c.indicator, target_type=kind,
                               target_id=target)
            for kind, target in c.links
        )
    session.flush()


def _rederive(session: Session, row: RiskAssessment, struct: Structure) -> None:
    derivation = derivation_of(session, row, struct)
    row.overall_level = derivation.overall.code if derivation.overall is not None else None
    row.factor_levels = {
        code: f.level.code if f.level is not None else None
        for code, f in derivation.factors.items()
    }

