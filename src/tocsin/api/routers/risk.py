"""Atrocity risk: the framework, analysts' assessments and the horizon-scan watchlist."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from tocsin.api.deps import CurrentActor, PagingDep, SessionDep, SettingsDep
from tocsin.cases.schemas import Page, Strict
from tocsin.risk import assessments, watch
from tocsin.risk.assessments.schemas import (
    AssessmentCreate,
    AssessmentPublic,
    AssessmentSummary,
    AssessmentUpdate,
    Comparison,
    ReasonIn,
)
from tocsin.risk.events.store import default_path
from tocsin.risk.framework import add_local_indicator, get_framework, list_versions
from tocsin.risk.framework.schemas import (
    FrameworkPublic,
    FrameworkVersionPublic,
    IndicatorPublic,
    LocalIndicatorCreate,
)
from tocsin.risk.suggestions import Suggestions, suggest

router = APIRouter(tags=["risk"])
Language = Literal["en", "fr", "ar"]
Country = Annotated[str, Query(min_length=2, max_length=3)]


@router.get("/risk/framework", response_model=FrameworkPublic)
def framework(
    session: SessionDep,
    actor: CurrentActor,
    version: Annotated[str | None, Query(max_length=40)] = None,
    language: Language = "en",
) -> FrameworkPublic:
    """The risk factors and indicators of a framework version (the current one by default)."""
    return get_framework(session, actor, version, language)


@router.get("/risk/framework/versions", response_model=list[FrameworkVersionPublic])
def framework_versions(session: SessionDep, actor: CurrentActor) -> list[FrameworkVersionPublic]:
    return list_versions(session, actor)


@router.post("/risk/framework/indicators", response_model=IndicatorPublic, status_code=201)
def add_indicator(
    data: LocalIndicatorCreate, session: SessionDep, actor: CurrentActor
) -> IndicatorPublic:
    """Add the organisation's own indicator under a factor (vocabulary managers)."""
    return add_local_indicator(session, actor, data)


@router.get("/risk/assessments", response_model=Page[AssessmentSummary])
def list_assessments(
    session: SessionDep,
    actor: CurrentActor,
    paging: PagingDep,
    country: Annotated[str | None, Query(max_length=3)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    since: date | None = None,
) -> Page[AssessmentSummary]:
    """Assessments, newest first, as far as your clearance reaches."""
    return assessments.list_assessments(
        session, actor, country, status, since, paging.page, paging.page_size
    )


@router.post("/risk/assessments", response_model=AssessmentPublic, status_code=201)
def create_assessment(
    data: AssessmentCreate, session: SessionDep, actor: CurrentActor
) -> AssessmentPublic:
    """Start an assessment (a draft) of a country or an area at a date."""
    return assessments.create_assessment(session, actor, data)


@router.get("/risk/assessments/history", response_model=list[AssessmentSummary])
def assessment_history(
    session: SessionDep,
    actor: CurrentActor,
    country: Country,
    area: Annotated[str | None, Query(max_length=200)] = None,
) -> list[AssessmentSummary]:
    """A place's assessments over time, oldest first."""
    return assessments.history(session, actor, country, area)


@router.get("/risk/assessments/compare", response_model=Comparison)
def compare_assessments(
    session: SessionDep,
    actor: CurrentActor,
    old: Annotated[str, Query(max_length=36)],
    new: Annotated[str, Query(max_length=36)],
) -> Comparison:
    """Two assessments side by side: what changed, per factor and per indicator."""
    return assessments.compare(session, actor, old, new)


@router.get("/risk/assessments/{assessment_id}", response_model=AssessmentPublic)
def get_assessment(
    assessment_id: str, session: SessionDep, actor: CurrentActor
) -> AssessmentPublic:
    return assessments.get_assessment(session, actor, assessment_id)


@router.get("/risk/assessments/{assessment_id}/suggestions", response_model=Suggestions)
def suggestions(
    assessment_id: str,
    session: SessionDep,
    actor: CurrentActor,
    settings: SettingsDep,
    days: Annotated[int, Query(ge=1, le=3660)] = 365,
) -> Suggestions:
    """What the data says about the assessed place in the months before its date: documented
    events, and the event-data areas with the most unusual first (suggested evidence)."""
    a = assessments.get_assessment(session, actor, assessment_id)
    return suggest(session, actor, default_path(settings), a.country, a.admin_area, a.as_of,
                   days)  # fmt: skip


@router.patch("/risk/assessments/{assessment_id}", response_model=AssessmentPublic)
def update_assessment(
    assessment_id: str, data: AssessmentUpdate, session: SessionDep, actor: CurrentActor
) -> AssessmentPublic:
    """Change a draft: ratings given replace the stored rating of those indicators."""
    return assessments.update_assessment(session, actor, assessment_id, data)


@router.post("/risk/assessments/{assessment_id}/submit", response_model=AssessmentPublic)
def submit(assessment_id: str, session: SessionDep, actor: CurrentActor) -> AssessmentPublic:
    """Send a draft for review."""
    return assessments.submit_for_review(session, actor, assessment_id)


@router.post("/risk/assessments/{assessment_id}/approve", response_model=AssessmentPublic)
def approve(
    assessment_id: str, data: ReasonIn, session: SessionDep, actor: CurrentActor
) -> AssessmentPublic:
    """Approve an assessment in review (approvers; never your own)."""
    return assessments.approve(session, actor, assessment_id, data.reason)


@router.post("/risk/assessments/{assessment_id}/return", response_model=AssessmentPublic)
def return_to_draft(
    assessment_id: str, data: ReasonIn, session: SessionDep, actor: CurrentActor
) -> AssessmentPublic:
    """Send an assessment in review back to its author, saying why."""
    return assessments.return_to_draft(session, actor, assessment_id, data.reason or "")


class ReviseIn(Strict):
    as_of: date


@router.post("/risk/assessments/{assessment_id}/revise", response_model=AssessmentPublic,
             status_code=201)  # fmt: skip
def revise(
    assessment_id: str, data: ReviseIn, session: SessionDep, actor: CurrentActor
) -> AssessmentPublic:
    """Start a new draft from this assessment, at a later date, on the current framework."""
    return assessments.revise(session, actor, assessment_id, data.as_of)


@router.get("/risk/assessments/{assessment_id}/pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})  # fmt: skip
def assessment_pdf(
    assessment_id: str, session: SessionDep, actor: CurrentActor, language: Language = "en"
) -> Response:
    """The assessment as a printable PDF (export right; audited)."""
    pdf = assessments.export_pdf(session, actor, assessment_id, language)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="assessment-{assessment_id}.pdf"'},
    )


class WatchIn(Strict):
    country: Annotated[str, Field(max_length=2)]
    area: Annotated[str, Field(max_length=200)] = ""
    reason: Annotated[str, Field(max_length=2000)] = ""


class WatchPublic(BaseModel):
    id: str
    country: str
    area: str
    reason: str


@router.get("/risk/watchlist", response_model=list[WatchPublic])
def watchlist(session: SessionDep, actor: CurrentActor) -> list[WatchPublic]:
    """The places the team follows closely."""
    return [WatchPublic.model_validate(w, from_attributes=True) for w in watch.watched(session)]


@router.post("/risk/watchlist", response_model=WatchPublic, status_code=201)
def add_watch(data: WatchIn, session: SessionDep, actor: CurrentActor) -> WatchPublic:
    """Watch a country or an area (or change why it is watched)."""
    item = watch.watch(session, actor, data.country, data.area, data.reason)
    return WatchPublic.model_validate(item, from_attributes=True)


@router.delete("/risk/watchlist/{watch_id}", status_code=204)
def remove_watch(watch_id: str, session: SessionDep, actor: CurrentActor) -> None:
    watch.unwatch(session, actor, watch_id)
