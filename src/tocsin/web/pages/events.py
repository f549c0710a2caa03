"""The events list: the API's filters as a form, sortable columns, pages, and the map of the
filtered events (points from /events/map.json). Filters are checked as the API checks them, and
a value that does not pass is shown next to its field instead of failing the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from tocsin.api.deps import SessionDep
from tocsin.cases import event_map, events
from tocsin.cases.events import SORTS, EventFilters
from tocsin.cases.schemas import EventSummary, Page
from tocsin.cases.workflow import Status
from tocsin.core.countries import COUNTRY_CODES
from tocsin.core.errors import TocsinError
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP_LABELS
from tocsin.web.forms import FormState, blank_to_none, validate
from tocsin.web.i18n import N_
from tocsin.web.labels import Labels
from tocsin.web.pages.dashboard import country_names
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer, Viewer

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
FILTER_NAMES = (
    "date_from", "date_to", "country", "admin_area", "place", "act_type", "status",
    "perpetrator_org", "victim_group", "q", "tlp", "sort",
)
# Column headings that sort, and the order a first click asks for (dates: newest first).
SORTABLE = {"title": "title", "start": "-start", "status": "status", "created": "-created"}
SORT_NAMES = {
    "-start": N_("Newest first"),
    "start": N_("Oldest first"),
    "title": N_("Title, A to Z"),
    "-title": N_("Title, Z to A"),
    "-created": N_("Recently recorded"),
    "created": N_("First recorded"),
    "status": N_("Status"),
}


class EventQuery(BaseModel):
    """The list's query string, with the same limits as GET /api/v1/events."""

    model_config = ConfigDict(extra="ignore")

    date_from: date | None = None
    date_to: date | None = None
    country: Annotated[str | None, Field(max_length=2)] = None
    admin_area: Annotated[str | None, Field(max_length=200)] = None
    place: Annotated[str | None, Field(max_length=200)] = None
    act_type: Annotated[str | None, Field(max_length=80)] = None
    status: Annotated[str | None, Field(max_length=32)] = None
    perpetrator_org: Annotated[str | None, Field(max_length=36)] = None
    victim_group: Annotated[str | None, Field(max_length=200)] = None
    q: Annotated[str | None, Field(max_length=200)] = None
    tlp: Annotated[str | None, Field(max_length=12)] = None
    sort: Annotated[str, Field(max_length=12)] = "-start"
    page: Annotated[int, Field(ge=1, le=100_000)] = 1

    def filters(self) -> EventFilters:
        return EventFilters(**{n: getattr(self, n) for n in FILTER_NAMES})


@dataclass
class Finder:
    """What the filter form and its results show."""

    form: FormState
    query: EventQuery | None
    found: Page[EventSummary] | None = None


def _read(request: Request) -> tuple[FormState, EventQuery | None]:
    given = {k: v for k, v in request.query_params.items() if k in (*FILTER_NAMES, "page")}
    if given.get("country"):
        given["country"] = given["country"].strip().upper()  # as the service reads it
    state = FormState(values=dict(given))
    data = {k: v for k, v in blank_to_none(given).items() if v is not None}
    if "sort" not in data:
        state.values["sort"] = "-start"
    return state, validate(EventQuery, data, state)


def _refused(state: FormState, exc: TocsinError) -> None:
    """Codes checked by the service (status, sharing level, sort) land next to their field."""
    if exc.status >= 500 or exc.status in (401, 403, 404):
        raise exc
    state.refuse(exc)


def find(request: Request, session: SessionDep, who: Viewer) -> Finder:
    state, query = _read(request)
    finder = Finder(state, query)
    if query is not None:
        try:
            finder.found = events.list_events(
                session, who.actor, query.filters(), query.page, PAGE_SIZE
            )
        except TocsinError as exc:
            _refused(state, exc)
    return finder


def precision_of(text: str | None) -> str | None:
    """The precision a summary's date text was stored with (2019, ~2019-03, 2019-03-14)."""
    if not text:
        return None
    rough = text.startswith("~")
    kind = {4: "year", 7: "month"}.get(len(text.removeprefix("~")), "day")
    if rough:
        return {"year": "approx_year", "month": "approx_month"}.get(kind, "approximate")
    return kind


def country_choices(lang: str, keep: str | None) -> list[tuple[str, str]]:
    """Every country code the store accepts, by name in the reader's language."""
    names = country_names(lang)
    codes = set(COUNTRY_CODES) | ({keep} if keep else set())
    return sorted(((c, names.get(c, c)) for c in codes), key=lambda pair: pair[1])


def map_url(query: EventQuery | None) -> str:
    if query is None:
        return ""
    args = {n: getattr(query, n) for n in FILTER_NAMES if n != "sort"}
    kept = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in args.items() if v}
    return "/events/map.json" + (f"?{urlencode(kept)}" if kept else "")


@router.get("/events", response_class=HTMLResponse)
def event_list(request: Request, session: SessionDep, who: PageViewer) -> Response:
    finder = find(request, session, who)
    labels = Labels.load(session, who.lang)
    # htmx asks for the finder region alone; a history restore wants the whole page.
    partial = request.headers.get("HX-Target") == "finder" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    return render(
        request,
        "events/_list_finder.html" if partial else "events/list.html",
        who,
        422 if not finder.form.ok else 200,
        form=finder.form,
        found=finder.found,
        labels=labels,
        countries=country_names(who.lang),
        country_choices=country_choices(who.lang, finder.form.value("country") or None),
        precision=precision_of,
        statuses=[(s.value, labels.of("event_status", s.value)) for s in Status],
        tlps=[(t, t) for t in TLP_LABELS],
        sorts=[(code, who._(SORT_NAMES.get(code, code))) for code in SORTS],
        sortable=SORTABLE,
        points=map_url(finder.query),
        can_write=who.can(Permission.WRITE),
    )


@router.get("/events/map.json")
def event_points(request: Request, session: SessionDep, who: PageViewer) -> Response:
    state, query = _read(request)
    body: dict[str, Any] | None = None
    if query is not None:
        try:
            body = event_map.points(session, who.actor, query.filters())
        except TocsinError as exc:
            _refused(state, exc)
    if body is None:
        errors = [{"field": k, "message": v} for k, v in state.errors.items()]
        return JSONResponse({"detail": state.summary or "invalid filters", "errors": errors}, 422)
    return JSONResponse(body)
