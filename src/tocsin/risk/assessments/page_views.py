"""What the assessment pages need beyond the assessment itself: names of the people who wrote
and reviewed it, titles of the records it cites, and every problem of a rating form at once.

Each read goes through the same visibility rules and read audit as the case pages; a record
above the reader's clearance is simply absent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from tocsin.cases.models import Source
from tocsin.cases.record_titles import event_titles
from tocsin.cases.records import audit_listed, visible_query
from tocsin.core.access import Actor
from tocsin.core.errors import FieldProblem, ValidationFailed
from tocsin.crosscheck.review_views import deciders
from tocsin.risk.assessments.checks import check_ratings
from tocsin.risk.assessments.schemas import RatingIn, RatingPublic
from tocsin.risk.framework.store import structure
from tocsin.vault.models import Evidence


def people(session: Session, actor: Actor, ids: Iterable[str | None]) -> dict[str, str]:
    """Names of team members who wrote or reviewed assessments, for team members only: a
    partner reads that "a team member" did it, as on the review and event pages."""
    return deciders(session, actor, ids)


@dataclass
class Cited:
    """Titles of the cited records the reader may see (the ratings list only those)."""

    events: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)  # {id: kind}; never the file name


def cited_records(session: Session, actor: Actor, ratings: Iterable[RatingPublic]) -> Cited:
    ratings = list(ratings)
    event_ids = {i for r in ratings for i in r.event_ids}
    source_ids = sorted({i for r in ratings for i in r.source_ids})
    evidence_ids = sorted({i for r in ratings for i in r.evidence_ids})
    cited = Cited(events=event_titles(session, actor, event_ids))
    if source_ids:
        rows = list(session.scalars(visible_query(Source, actor).where(Source.id.in_(source_ids))))
        audit_listed(session, actor, "source", rows)
        cited.sources = {s.id: s.title for s in rows}
    if evidence_ids:
        query = visible_query(Evidence, actor).where(Evidence.id.in_(evidence_ids))
        rows_ev = list(session.scalars(query))
        audit_listed(session, actor, "evidence", rows_ev)
        cited.evidence = {e.id: e.kind for e in rows_ev}
    return cited


def rating_problems(
    session: Session, actor: Actor, version: str, ratings: list[RatingIn]
) -> list[FieldProblem]:
    """Every problem of ``ratings`` on framework ``version``, not only the first: a form of
    142 indicators should say all that is wrong in one go. Uses the service's own checks,
    one rating at a time."""
    struct = structure(session, version)
    problems: list[FieldProblem] = []
    for rating in ratings:
        try:
            check_ratings(session, actor, struct, [rating])
        except ValidationFailed as exc:
            problems.extend(exc.errors)
    return problems
