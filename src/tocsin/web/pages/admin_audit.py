"""Administration: the audit log, filtered, paged, and exported as CSV."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from tocsin.api.deps import SessionDep
from tocsin.core import audit, audit_log
from tocsin.core.audit_log import AuditFilters
from tocsin.core.db import Database
from tocsin.core.errors import ValidationFailed
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Permission
from tocsin.web.forms import FormState
from tocsin.web.i18n import N_
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer

router = APIRouter(prefix="/admin", include_in_schema=False)

# The API's limits on the same filters (api/routers/audit.py).
TEXT_FILTERS = {"user": 320, "action": 32, "entity_type": 40, "entity_id": 64}
ACTIONS = sorted(v for k, v in vars(audit.Action).items() if k.isupper())
# Where an entry's record can be opened, for the kinds that have a page.
RECORD_PAGES = {
    "event": "/events/",
    "person": "/persons/",
    "organisation": "/organisations/",
    "source": "/sources/",
    "user": "/admin/users/",
}


@dataclass
class Results:
    """What the pagination macro reads."""

    items: list[AuditEntry]
    total: int
    page: int
    page_size: int
    total_exact: bool = True


def _utc(moment: datetime) -> datetime:
    """As the log reads it: a time without a zone is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _moment(text: str, end_of_day: bool) -> datetime:
    """A day (the date picker's value) or a full ISO time; a day as a bound covers all of it."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return datetime.fromisoformat(text)
    if end_of_day:
        return datetime.combine(day, time.max, UTC)
    return datetime.combine(day, time(), UTC)


def read_filters(params: dict[str, str], state: FormState) -> AuditFilters:
    """The filters from the query string; a bad value is a message on its field, not an error."""
    f = AuditFilters()
    for name, limit in TEXT_FILTERS.items():
        value = params.get(name, "").strip()
        if len(value) > limit:
            state.errors[name] = N_("is too long")
        elif value:
            setattr(f, name, value)
    for name, end in (("since", False), ("until", True)):
        value = params.get(name, "").strip()
        if not value:
            continue
        try:
            setattr(f, name, _moment(value, end))
        except ValueError:
            state.errors[name] = N_("is not a date (use YYYY-MM-DD)")
    if f.since and f.until and _utc(f.since) > _utc(f.until):
        state.errors["until"] = N_("is before the start date")
    return f


def _page_number(text: str | None) -> int:
    try:
        return min(max(int(text or 1), 1), 100_000)
    except ValueError:
        return 1


@router.get("/audit", response_class=HTMLResponse)
def browse(request: Request, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.READ_AUDIT)
    params = dict(request.query_params)
    state = FormState(values=params)
    f = read_filters(params, state)
    results = None
    if state.ok:
        number = _page_number(params.get("page"))
        size: int = request.app.state.settings.default_page_size
        rows, total = audit_log.page(session, who.actor, f, number, size)
        results = Results(rows, total, number, size)
    return render(
        request,
        "admin/audit.html",
        who,
        200 if state.ok else 422,
        form=state,
        results=results,
        actions=[(a, a) for a in ACTIONS],
        record_pages=RECORD_PAGES,
        export=request.url.query,
    )


@router.get("/audit.csv")
def export_csv(request: Request, who: PageViewer) -> Response:
    who.require(Permission.READ_AUDIT)
    state = FormState()
    f = read_filters(dict(request.query_params), state)
    if not state.ok:
        raise ValidationFailed(
            "; ".join(f"{name}: {message}" for name, message in state.errors.items())
        )
    db: Database = request.app.state.db
    actor = who.actor

    def rows() -> Iterator[str]:
        # Its own unit of work: the request's session is closed before the body is streamed.
        with db.session() as session:
            yield from audit_log.csv_rows(session, actor, f)

    # Like the API's export (GET /api/v1/audit/export.csv), this is not itself logged.
    return StreamingResponse(
        rows(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="tocsin-audit.csv"'},
    )
