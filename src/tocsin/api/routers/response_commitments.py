"""Commitments made by actors, the judgements of their implementation, the implementation
dashboard and the report (docs/response.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from tocsin.api.deps import CurrentActor, PagingDep, SessionDep
from tocsin.cases.schemas import Page
from tocsin.response import commitments
from tocsin.response.commitments import (
    CommitmentCreate,
    CommitmentFilters,
    CommitmentPublic,
    CommitmentSummary,
    CommitmentUpdate,
    Dashboard,
    JudgementCreate,
    JudgementPublic,
)

router = APIRouter(tags=["response"])
Text = Annotated[str | None, Query(max_length=300)]


def _filters(
    actor: Text = None,
    actor_kind: Annotated[str | None, Query(max_length=40)] = None,
    document: Annotated[str | None, Query(max_length=500)] = None,
    country: Annotated[str | None, Query(max_length=3)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> CommitmentFilters:
    """The filters of the list, the dashboard and the report: actor name, actor kind, document
    (library slug or free title), country, status (a status, ``none`` or ``overdue``), words."""
    return CommitmentFilters(actor=actor, actor_kind=actor_kind, document=document,
                             country=country, status=status, q=q)  # fmt: skip


FiltersDep = Annotated[CommitmentFilters, Depends(_filters)]
Since = Annotated[date | None, Query(description="Start of the report's period.")]
Until = Annotated[date | None, Query(description="End of the period (default: today).")]


@router.get("/response/commitments", response_model=Page[CommitmentSummary])
def list_commitments(
    session: SessionDep, actor: CurrentActor, f: FiltersDep, paging: PagingDep
) -> Page[CommitmentSummary]:
    """Commitments with their current status, filtered (status: a status, none or overdue)."""
    items, total = commitments.list_commitments(session, actor, f, paging.page, paging.page_size)
    return Page[CommitmentSummary](
        items=items, total=total, page=paging.page, page_size=paging.page_size
    )


@router.post("/response/commitments", response_model=CommitmentPublic, status_code=201)
def create_commitment(
    data: CommitmentCreate, session: SessionDep, actor: CurrentActor
) -> CommitmentPublic:
    """Record a commitment, optionally on a paragraph of the action library (``node_id``)."""
    return commitments.create_commitment(session, actor, data)


@router.get("/response/commitments/{commitment_id}", response_model=CommitmentPublic)
def get_commitment(
    commitment_id: str, session: SessionDep, actor: CurrentActor
) -> CommitmentPublic:
    return commitments.get_commitment(session, actor, commitment_id)


@router.patch("/response/commitments/{commitment_id}", response_model=CommitmentPublic)
def update_commitment(
    commitment_id: str, data: CommitmentUpdate, session: SessionDep, actor: CurrentActor
) -> CommitmentPublic:
    return commitments.update_commitment(session, actor, commitment_id, data)


@router.get("/response/commitments/{commitment_id}/statuses", response_model=list[JudgementPublic])
def list_statuses(
    commitment_id: str, session: SessionDep, actor: CurrentActor
) -> list[JudgementPublic]:
    """The judgements of the commitment's progress, the current one first."""
    return commitments.judgements(session, actor, commitment_id)


@router.post(
    "/response/commitments/{commitment_id}/statuses",
    response_model=JudgementPublic,
    status_code=201,
)
def add_status(
    commitment_id: str, data: JudgementCreate, session: SessionDep, actor: CurrentActor
) -> JudgementPublic:
    """Judge the commitment's progress as of a date, with the source and evidence. Judgements
    are never changed: a correction is a new one."""
    return commitments.record_judgement(session, actor, commitment_id, data)


@router.get("/response/dashboard", response_model=Dashboard)
def dashboard(session: SessionDep, actor: CurrentActor, f: FiltersDep) -> Dashboard:
    """Counts by current status per actor and per document, with every commitment listed."""
    return commitments.dashboard(session, actor, f)


@router.get("/response/report.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})  # fmt: skip
def report_csv(
    session: SessionDep, actor: CurrentActor, f: FiltersDep, since: Since = None,
    until: Until = None,
) -> Response:  # fmt: skip
    """The implementation report as CSV, one row per commitment (audited)."""
    text = commitments.export_csv(session, actor, f, since, until)
    return Response(text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="commitments-report.csv"'})  # fmt: skip


@router.get("/response/report.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})  # fmt: skip
def report_pdf(
    session: SessionDep, actor: CurrentActor, f: FiltersDep, since: Since = None,
    until: Until = None, title: Annotated[str, Query(max_length=300)] = "",
) -> Response:  # fmt: skip
    """The implementation report as PDF, for a Universal Periodic Review submission (audited)."""
    pdf = commitments.export_pdf(session, actor, f, since, until, title)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": 'attachment; filename="commitments-report.pdf"'})  # fmt: skip
