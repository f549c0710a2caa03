"""The alert inbox: the alerts the reader may see, the ones needing attention first, with
filters, their deadlines, and the ways out to the Atom feed and CAP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from tocsin.alerts.inbox import LIVE, InboxFilters, list_inbox
from tocsin.api.deps import SessionDep
from tocsin.core.clock import utcnow
from tocsin.core.errors import TocsinError
from tocsin.core.roles import Permission
from tocsin.web.forms import FormState, validate
from tocsin.web.listing import wants_fragment
from tocsin.web.pages.alert_words import (
    CATEGORIES,
    SEVERITIES,
    SOURCES,
    STATES,
    choices,
    words,
)
from tocsin.web.pages.events import country_choices
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
Code = Annotated[str | None, Field(max_length=40)]


class InboxQuery(BaseModel):
    """The inbox's query string, with the API's filter names; codes are checked by the
    service, next to their field."""

    model_config = ConfigDict(extra="ignore")

    state: Code = None
    severity: Code = None
    category: Code = None
    country: Code = None
    source: Code = None
    mine: bool = False
    page: Annotated[int, Field(ge=1, le=100_000)] = 1


@router.get("/alerts", response_class=HTMLResponse)
def inbox(request: Request, session: SessionDep, who: PageViewer) -> Response:
    given = {k: v.strip() for k, v in request.query_params.items()
             if k in InboxQuery.model_fields}  # fmt: skip
    state = FormState(values=dict(given))
    query = validate(InboxQuery, {k: v for k, v in given.items() if v}, state)
    found = None
    now = utcnow()
    if query is not None:
        filters = InboxFilters(state=query.state, country=query.country,
                               category=query.category, severity=query.severity,
                               source=query.source, mine=query.mine)  # fmt: skip
        try:
            found = list_inbox(session, who.actor, filters, query.page, PAGE_SIZE, now)
        except TocsinError as exc:
            if exc.status >= 500 or exc.status in (401, 403, 404):
                raise
            state.refuse(exc)
    fragment = wants_fragment(request) and not request.headers.get("HX-History-Restore-Request")
    return render(
        request,
        "alerts/_inbox_results.html" if fragment else "alerts/inbox.html",
        who,
        200 if state.ok else 422,
        **words(),
        filters=state,
        found=found,
        now=now,
        live=LIVE,
        can_alert=who.can(Permission.ALERT),
        state_choices=choices(STATES, who._),
        severity_choices=choices(SEVERITIES, who._),
        category_choices=choices(CATEGORIES, who._),
        source_choices=choices(SOURCES, who._),
        country_choices=country_choices(who.lang, state.value("country") or None),
    )
