"""The audit log: who did and saw what, when, from where."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from tocsin.api.deps import CurrentActor, PagingDep, SessionDep
from tocsin.cases.schemas import Page
from tocsin.core import audit_log
from tocsin.core.audit_log import AuditFilters

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditPublic(BaseModel):
    id: int
    at: datetime
    user_id: str | None
    user_email: str
    action: str
    entity_type: str
    entity_id: str
    ip: str
    detail: dict[str, Any]


def _filters(
    user: Annotated[str | None, Query(max_length=320)] = None,
    action: Annotated[str | None, Query(max_length=32)] = None,
    entity_type: Annotated[str | None, Query(max_length=40)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AuditFilters:
    return AuditFilters(user, action, entity_type, entity_id, since, until)


FiltersDep = Annotated[AuditFilters, Depends(_filters)]


@router.get("", response_model=Page[AuditPublic])
def browse(
    session: SessionDep, actor: CurrentActor, paging: PagingDep, f: FiltersDep
) -> Page[AuditPublic]:
    rows, total = audit_log.page(session, actor, f, paging.page, paging.page_size)
    return Page[AuditPublic](
        items=[AuditPublic.model_validate(r, from_attributes=True) for r in rows],
        total=total,
        page=paging.page,
        page_size=paging.page_size,
    )


@router.get("/export.csv", response_class=StreamingResponse)
def export_csv(session: SessionDep, actor: CurrentActor, f: FiltersDep) -> StreamingResponse:
    rows = list(audit_log.csv_rows(session, actor, f))  # materialise inside the session
    return StreamingResponse(
        iter(rows),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="tocsin-audit.csv"'},
    )
