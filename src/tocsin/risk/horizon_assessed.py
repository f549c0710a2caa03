"""Approved assessments as the horizon scan reads them: the latest of each place with the one
before it, and the levels that changed between the two.

Only approved assessments count: a draft is an analyst's work in progress, not the team's view.
A place is a country (``area`` None) or one area in it, as the assessments name them. Reading
protected assessments this way is audited like any list of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from tocsin.cases.records import audit_listed, visible_query
from tocsin.core.access import Actor
from tocsin.risk.assessments.scale import Level, Status
from tocsin.risk.assessments.views import KIND
from tocsin.risk.horizon_levels import LevelChange, LevelSource, start_of
from tocsin.risk.models import RiskAssessment

Place = tuple[str, str | None]  # (country, area)


@dataclass(frozen=True)
class AssessedPlace:
    """An approved assessment of a place beside the previous approved one of the same place."""

    country: str
    area: str | None
    assessment_id: str
    title: str
    as_of: date
    level: Level | None  # None: nothing rated
    approved_at: datetime | None
    tlp: int
    previous_id: str | None = None
    previous_level: Level | None = None
    previous_as_of: date | None = None
    factors: tuple[str, ...] = ()  # risk factors assessed high or very high (RF1..RF14)

    @property
    def change(self) -> int | None:
        """Steps up (positive) or down since the previous assessment; None without one."""
        if self.level is None or self.previous_level is None:
            return None
        return int(self.level) - int(self.previous_level)


def _level(code: str | None) -> Level | None:
    return Level.from_code(code) if code else None


def _serious_factors(row: RiskAssessment) -> tuple[str, ...]:
    return tuple(code for code, level in (row.factor_levels or {}).items()
                 if level and Level.from_code(level) >= Level.HIGH)  # fmt: skip


def _assessed(row: RiskAssessment, previous: RiskAssessment | None) -> AssessedPlace:
    return AssessedPlace(
        row.country, row.admin_area, row.id, row.title, row.as_of, _level(row.overall_level),
        row.approved_at, row.tlp, previous.id if previous else None,
        _level(previous.overall_level) if previous else None,
        previous.as_of if previous else None, _serious_factors(row),
    )  # fmt: skip


def approved_by_place(session: Session, actor: Actor) -> dict[Place, list[RiskAssessment]]:
    """Every approved assessment the actor may see, by place, oldest first."""
    query = (
        visible_query(RiskAssessment, actor)
        .where(RiskAssessment.status == Status.APPROVED.value)
        .order_by(RiskAssessment.as_of, RiskAssessment.approved_at, RiskAssessment.created_at)
    )
    places: dict[Place, list[RiskAssessment]] = {}
    for row in session.scalars(query):
        places.setdefault((row.country, row.admin_area), []).append(row)
    return places


def latest_by_place(
    session: Session, actor: Actor, places: dict[Place, list[RiskAssessment]]
) -> list[AssessedPlace]:
    """Each place's latest approved assessment, highest level first, then the most recent."""
    shown = []
    for rows in places.values():
        shown.extend(rows[-2:])
    audit_listed(session, actor, KIND, shown)
    latest = [_assessed(rows[-1], rows[-2] if len(rows) > 1 else None) for rows in places.values()]
    return sorted(latest, key=lambda a: (
        -(int(a.level) if a.level is not None else -1), -a.as_of.toordinal(), a.country,
        a.area or "",
    ))  # fmt: skip


def approved_since(
    session: Session,
    actor: Actor,
    places: dict[Place, list[RiskAssessment]],
    since: date | datetime,
) -> list[AssessedPlace]:
    """Assessments approved since ``since``, each with the previous approved one of its place,
    most recently approved first."""
    start = start_of(since)
    found: list[tuple[RiskAssessment, RiskAssessment | None]] = []
    for rows in places.values():
        for i, row in enumerate(rows):
            if row.approved_at is not None and row.approved_at >= start:
                found.append((row, rows[i - 1] if i else None))
    audit_listed(session, actor, KIND, [r for pair in found for r in pair if r is not None])
    found.sort(key=lambda pair: pair[0].approved_at or start, reverse=True)
    return [_assessed(row, previous) for row, previous in found]


def assessment_level_changes(approvals: list[AssessedPlace]) -> list[LevelChange]:
    """The approvals whose overall level differs from the previous approved assessment's."""
    changes = []
    for a in approvals:
        if a.level is None or a.previous_level is None or a.previous_id is None:
            continue
        if a.level != a.previous_level and a.approved_at is not None:
            changes.append(LevelChange(
                LevelSource.ASSESSMENT, a.country, a.area, a.previous_level, a.level,
                a.approved_at, a.assessment_id, a.previous_id, a.tlp,
            ))  # fmt: skip
    return changes
