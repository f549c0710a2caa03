"""Sources: the list with grade filters, the page with the grades in words and what the source
stands behind (only records the reader may see), and the forms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.cases import record_titles, sources
from tocsin.cases.schemas import SourceCreate, SourcePublic, SourceUpdate
from tocsin.cases.sources import SourceFilters
from tocsin.core.roles import Permission
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.labels import Labels
from tocsin.web.listing import list_response

# The Admiralty grade words are defined once, with the event forms that also grade sources.
from tocsin.web.pages.event_formdata import CREDIBILITY, RELIABILITY
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25

FIELDS = (
    "title",
    "source_type",
    "reliability",
    "credibility",
    "description",
    "url",
    "obtained_on",
    "tlp",
)


GRADES: dict[str, Any] = {"reliability_words": RELIABILITY, "credibility_words": CREDIBILITY}


@router.get("/sources", response_class=HTMLResponse)
def source_list(
    request: Request,
    session: SessionDep,
    who: PageViewer,
    q: Annotated[str | None, Query(max_length=200)] = None,
    source_type: Annotated[str | None, Query(max_length=40)] = None,
    reliability: Annotated[str | None, Query(pattern=r"^[A-Fa-f]?$")] = None,
    max_credibility: Annotated[str | None, Query(pattern=r"^[1-6]?$")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    # An empty select sends "", which means "any": the same as leaving the filter out.
    f = SourceFilters(
        q=q or None,
        source_type=source_type or None,
        reliability=reliability or None,
        max_credibility=int(max_credibility) if max_credibility else None,
    )
    found = sources.list_sources(session, who.actor, f, page, PAGE_SIZE)
    return list_response(request, session, who, "sources", found, **GRADES)


def _form(
    request: Request,
    session: Session,
    who: Viewer,
    state: FormState,
    source: SourcePublic | None = None,
    status: int = 200,
) -> Response:
    labels = Labels.load(session, who.lang)
    return render(
        request,
        "sources/form.html",
        who,
        status,
        form=state,
        source=source,
        labels=labels,
        **GRADES,
    )


def _read(form: dict[str, str]) -> tuple[dict[str, Any], FormState]:
    values = {k: form.get(k, "").strip() for k in FIELDS}
    payload: dict[str, Any] = {k: (v or None) for k, v in values.items()}
    for key in ("title", "source_type", "description"):  # required: "" is refused, not ignored
        payload[key] = values[key]
    for key, default in (("reliability", "F"), ("credibility", "6"), ("tlp", "AMBER")):
        payload[key] = values[key] or default
    return payload, FormState(values=values)


@router.get("/sources/new", response_class=HTMLResponse)
def new_source(request: Request, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.WRITE)
    state = FormState(values={"reliability": "F", "credibility": "6", "tlp": "AMBER"})
    return _form(request, session, who, state)


@router.post("/sources/new", response_class=HTMLResponse)
def create_source(request: Request, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.WRITE)
    payload, state = _read(dict(who.form))
    data = validate(SourceCreate, payload, state)
    made = None
    if data is not None:
        made = attempt(session, lambda: sources.create(session, who.actor, data), state)
    if made is None:
        return _form(request, session, who, state, status=422)
    return flash(RedirectResponse(f"/sources/{made.id}", 303), N_("Source saved."))


@router.get("/sources/{source_id}", response_class=HTMLResponse)
def source_page(request: Request, session: SessionDep, who: PageViewer, source_id: str) -> Response:
    source = sources.get(session, who.actor, source_id)
    return render(
        request,
        "sources/page.html",
        who,
        source=source,
        linked=record_titles.linked_records(session, who.actor, source.links),
        labels=Labels.load(session, who.lang),
        **GRADES,
    )


@router.get("/sources/{source_id}/edit", response_class=HTMLResponse)
def edit_source(request: Request, session: SessionDep, who: PageViewer, source_id: str) -> Response:
    who.require(Permission.WRITE)
    source = sources.get(session, who.actor, source_id)
    values = {k: getattr(source, k) for k in FIELDS}
    values["obtained_on"] = source.obtained_on.isoformat() if source.obtained_on else ""
    values["url"] = source.url or ""
    return _form(request, session, who, FormState(values=values), source)


@router.post("/sources/{source_id}/edit", response_class=HTMLResponse)
def update_source(
    request: Request, session: SessionDep, who: PostedForm, source_id: str
) -> Response:
    who.require(Permission.WRITE)
    source = sources.get(session, who.actor, source_id)
    payload, state = _read(dict(who.form))
    data = validate(SourceUpdate, payload, state)
    done = None
    if data is not None:
        done = attempt(session, lambda: sources.update(session, who.actor, source_id, data), state)
    if done is None:
        return _form(request, session, who, state, source, 422)
    return flash(RedirectResponse(f"/sources/{source_id}", 303), N_("Source saved."))
