"""Reading assessments: one in full, a country's or area's history, a page of them.

Every read of a protected assessment (TLP:AMBER and above) is audited, as for case records.
Records a rating cites are shown only if the reader may see them; the others are counted.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.records import audit_listed, fetch, page_of, visible_query
from tocsin.cases.schemas import Page
from tocsin.core.access import Actor
from tocsin.core.errors import ValidationFailed
from tocsin.core.tlp import TLP
from tocsin.risk.assessments.checks import LINK_KINDS, check_admin_area, check_place_country
from tocsin.risk.assessments.levels import Derivation, derive
from tocsin.risk.assessments.scale import Confidence, Rating, Status
from tocsin.risk.assessments.schemas import (
    AssessmentPublic,
    AssessmentSummary,
    FactorLevelPublic,
    GroupPublic,
    RatingPublic,
    TransitionPublic,
)
from tocsin.risk.framework.store import Structure, structure
from tocsin.risk.models import (
    RiskAssessment,
    RiskAssessmentLink,
    RiskAssessmentTransition,
    RiskRating,
)

KIND = "risk_assessment"  # the audit log's name for an assessment


def load(session: Session, actor: Actor, assessment_id: str) -> RiskAssessment:
    """The assessment, if the actor may see it (else NotFound); a protected one's read is
    audited."""
    return fetch(session, RiskAssessment, assessment_id, actor, KIND)


def ratings_of(session: Session, assessment_id: str) -> dict[str, RiskRating]:
    rows = session.scalars(select(RiskRating).where(RiskRating.assessment_id == assessment_id))
    return {r.indicator: r for r in rows}


def derivation_of(session: Session, row: RiskAssessment, struct: Structure) -> Derivation:
    pairs = {
        code: (Rating(r.rating), Confidence(r.confidence) if r.confidence else None)
        for code, r in ratings_of(session, row.id).items()
    }
    return derive(struct, pairs)


def summary(row: RiskAssessment) -> AssessmentSummary:
    return AssessmentSummary(
        id=row.id, country=row.country, admin_area=row.admin_area, as_of=row.as_of,
        title=row.title, status=row.status, overall_level=row.overall_level,
        framework_version=row.framework_version, tlp=TLP(row.tlp).label,
        created_by=row.created_by, approved_at=row.approved_at,
    )  # fmt: skip


def get_assessment(session: Session, actor: Actor, assessment_id: str) -> AssessmentPublic:
    return public(session, actor, load(session, actor, assessment_id))


def public(session: Session, actor: Actor, row: RiskAssessment) -> AssessmentPublic:
    """The whole assessment as ``actor`` may see it (the caller has checked they may see it)."""
    struct = structure(session, row.framework_version)
    derivation = derivation_of(session, row, struct)
    links = _visible_links(session, actor, row.id)
    order = {code: n for n, code in enumerate(struct.indicators)}
    ratings = [
        RatingPublic(
            indicator=r.indicator,
            factor=struct.indicators.get(r.indicator, ""),
            rating=r.rating,
            confidence=r.confidence,
            narrative=r.narrative,
            groups=[GroupPublic(**g) for g in r.groups],
            event_ids=links.get((r.indicator, "event"), []),
            source_ids=links.get((r.indicator, "source"), []),
            evidence_ids=links.get((r.indicator, "evidence"), []),
            hidden_links=len(links.get((r.indicator, "hidden"), [])),
        )
        for r in sorted(ratings_of(session, row.id).values(),
                        key=lambda r: order.get(r.indicator, len(order)))
    ]
    factors = [
        FactorLevelPublic(code=f.code, category=f.category,
                          level=f.level.code if f.level is not None else None, points=f.points,
                          rated=f.rated, present=f.present, serious=f.serious, reason=f.reason)
        for f in derivation.factors.values()
    ]  # fmt: skip
    history = session.scalars(
        select(RiskAssessmentTransition)
        .where(RiskAssessmentTransition.assessment_id == row.id)
        .order_by(RiskAssessmentTransition.at, RiskAssessmentTransition.id)
    )
    return AssessmentPublic(
        **summary(row).model_dump(),
        summary=row.summary,
        overall_reason=derivation.reason,
        factors=factors,
        ratings=ratings,
        history=[TransitionPublic(from_status=t.from_status, to_status=t.to_status, by=t.by,
                                  at=t.at, reason=t.reason) for t in history],
        created_at=row.created_at,
        updated_at=row.updated_at,
        approved_by=row.approved_by,
    )


def _visible_links(
    session: Session, actor: Actor, assessment_id: str
) -> dict[tuple[str, str], list[str]]:
    """{(indicator, target_type): ids the actor may see}; the rest under (indicator, "hidden")."""
    rows = _links(session, assessment_id)
    visible = _seen(session, actor, rows)
    out: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        seen = (r.target_type, r.target_id) in visible
        out.setdefault((r.indicator, r.target_type if seen else "hidden"), []).append(r.target_id)
    return out


def hidden_links(
    session: Session, actor: Actor, assessment_id: str, indicators: set[str]
) -> list[tuple[str, str, str]]:
    """(indicator, target_type, target_id) of the records cited under ``indicators`` that the
    actor cannot see: an edit by someone of lower clearance must keep them, not drop them."""
    rows = [r for r in _links(session, assessment_id) if r.indicator in indicators]
    visible = _seen(session, actor, rows)
    return [(r.indicator, r.target_type, r.target_id) for r in rows
            if (r.target_type, r.target_id) not in visible]  # fmt: skip


def _links(session: Session, assessment_id: str) -> list[RiskAssessmentLink]:
    return list(session.scalars(
        select(RiskAssessmentLink).where(RiskAssessmentLink.assessment_id == assessment_id)
        .order_by(RiskAssessmentLink.target_type, RiskAssessmentLink.target_id)
    ))  # fmt: skip


def _seen(session: Session, actor: Actor, rows: list[RiskAssessmentLink]) -> set[tuple[str, str]]:
    visible: set[tuple[str, str]] = set()
    for _, kind, model in LINK_KINDS:
        ids = sorted({r.target_id for r in rows if r.target_type == kind})
        if ids:
            query = select(model.id).where(model.id.in_(ids))
            found = session.execute(query.add_columns(model.tlp, model.created_by)).all()
            visible |= {(kind, f.id) for f in found if actor.may_see(f.tlp, f.created_by)}
    return visible


def history(
    session: Session, actor: Actor, country: str, admin_area: str | None = None
) -> list[AssessmentSummary]:
    """The assessments of a country (``admin_area`` None: of the country as a whole) or of one
    area, oldest first, as far as the actor may see them."""
    code = check_place_country(country)
    area = check_admin_area(admin_area)
    query = visible_query(RiskAssessment, actor).where(
        RiskAssessment.country == code,
        RiskAssessment.admin_area == area if area else RiskAssessment.admin_area.is_(None),
    )
    rows = list(session.scalars(query.order_by(RiskAssessment.as_of, RiskAssessment.created_at)))
    audit_listed(session, actor, KIND, rows)
    return [summary(r) for r in rows]


def list_assessments(
    session: Session,
    actor: Actor,
    country: str | None = None,
    status: str | None = None,
    since: date | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[AssessmentSummary]:
    """A page of assessments, newest first, filtered by country (every area), status and date."""
    query = visible_query(RiskAssessment, actor)
    if country:
        query = query.where(RiskAssessment.country == check_place_country(country))
    if status:
        if status not in {s.value for s in Status}:
            choices = ", ".join(s.value for s in Status)
            raise ValidationFailed.on("status", f"unknown status {status!r}; use one of {choices}")
        query = query.where(RiskAssessment.status == status)
    if since:
        query = query.where(RiskAssessment.as_of >= since)
    query = query.order_by(RiskAssessment.as_of.desc(), RiskAssessment.created_at.desc())
    return page_of(session, actor, KIND, query, page, page_size,
                   lambda rows: [summary(r) for r in rows])  # fmt: skip
