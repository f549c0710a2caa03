"""The library's front page: the documents, and search over their paragraphs with the API's
filters (document, actor, theme, sphere, situation, risk factor). The query string uses the
API's parameter names, so a search can be shared as a link and repeated through the API.

The search service returns the best ``limit`` hits (at most 200) and no total: pages are cut
from one ranked list, and "next" is offered when the list holds more."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.core.errors import TocsinError
from tocsin.core.roles import Permission
from tocsin.library.store import (
    DocumentSummary,
    SearchFilters,
    SearchHit,
    list_documents,
    search,
)
from tocsin.library.store.search import MAX_LIMIT
from tocsin.web.forms import FormState, blank_to_none, validate
from tocsin.web.pages.library_words import terms
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer, Viewer

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
LAST_PAGE = MAX_LIMIT // PAGE_SIZE
LABEL_FILTERS = ("actor", "theme", "sphere", "situation", "risk_factor")
FILTER_NAMES = ("q", "document", *LABEL_FILTERS, "include_retired")
Code = Annotated[str | None, Field(max_length=40)]


class LibraryQuery(BaseModel):
    """The search's query string, with the limits of GET /api/v1/library/search."""

    model_config = ConfigDict(extra="ignore")

    q: Annotated[str | None, Field(max_length=1000)] = None
    document: Annotated[str | None, Field(max_length=200)] = None
    actor: Code = None
    theme: Code = None
    sphere: Code = None
    situation: Code = None
    risk_factor: Code = None
    include_retired: bool = False
    page: Annotated[int, Field(ge=1, le=LAST_PAGE)] = 1

    def filters(self) -> SearchFilters:
        return SearchFilters(
            document=self.document, actor=self.actor, theme=self.theme, sphere=self.sphere,
            situation=self.situation, risk_factor=self.risk_factor,
            include_retired=self.include_retired,
        )  # fmt: skip


@dataclass
class Found:
    """One page of hits from the ranked list."""

    hits: list[SearchHit]
    method: str
    page: int
    first: int  # 1-based position of the page's first hit in the list
    more: bool


def read_query(request: Request) -> tuple[FormState, LibraryQuery | None]:
    given = {k: v for k, v in request.query_params.items() if k in (*FILTER_NAMES, "page")}
    state = FormState(values=dict(given))
    data = {k: v for k, v in blank_to_none(given).items() if v is not None}
    return state, validate(LibraryQuery, data, state)


def _field(name: str) -> str:
    """The service names problems after its own arguments; the form after the API's."""
    name = name.removeprefix("filters.")
    return "q" if name == "query" else name


def find(session: Session, who: Viewer, state: FormState, query: LibraryQuery) -> Found | None:
    if not query.q:
        return None
    limit = min(query.page * PAGE_SIZE + 1, MAX_LIMIT)
    try:
        results = search(session, who.actor, query.q, query.filters(), limit)
    except TocsinError as exc:
        if exc.status >= 500 or exc.status in (401, 403, 404):
            raise
        for problem in exc.errors:
            state.errors.setdefault(_field(problem.field), problem.message)
        if not exc.errors:
            state.summary = exc.detail
        return None
    start = (query.page - 1) * PAGE_SIZE
    return Found(
        hits=results.hits[start : start + PAGE_SIZE],
        method=results.method,
        page=query.page,
        first=start + 1,
        more=len(results.hits) > start + PAGE_SIZE and query.page < LAST_PAGE,
    )


def snippet(text: str, query: str, width: int = 280) -> list[tuple[str, bool]]:
    """A window of ``text`` around the first word of the query found in it, as pieces marked
    True where a query word begins (the full-text search matches words by prefix)."""
    words = sorted({w for w in re.findall(r"\w+", query.lower()) if len(w) > 1}, key=len,
                   reverse=True)  # fmt: skip
    alternatives = "|".join(map(re.escape, words))
    pattern = re.compile(r"\b(" + alternatives + r")\w*", re.I) if words else None
    hit = pattern.search(text) if pattern else None
    start = 0
    if hit and hit.start() > width // 3 and len(text) > width:
        start = text.rfind(" ", 0, hit.start() - width // 3) + 1
    end = len(text) if len(text) - start <= width else text.rfind(" ", start, start + width)
    end = end if end > start else min(len(text), start + width)
    window = ("… " if start else "") + text[start:end] + (" …" if end < len(text) else "")
    if pattern is None:
        return [(window, False)]
    pieces: list[tuple[str, bool]] = []
    at = 0
    for match in pattern.finditer(window):
        pieces += [(window[at : match.start()], False), (match.group(0), True)]
        at = match.end()
    pieces.append((window[at:], False))
    return [p for p in pieces if p[0]]


def document_choices(documents: list[DocumentSummary]) -> list[tuple[str, str]]:
    return [(d.slug, d.title) for d in documents]


@router.get("/library", response_class=HTMLResponse)
def library(request: Request, session: SessionDep, who: PageViewer) -> Response:
    state, query = read_query(request)
    found = find(session, who, state, query) if query is not None else None
    documents = list_documents(session, who.actor)
    # htmx asks for the results alone while someone types; a history restore wants the page.
    partial = request.headers.get("HX-Target") == "results" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    return render(
        request,
        "library/_results.html" if partial else "library/index.html",
        who,
        200 if state.ok else 422,
        form=state,
        asked=query,
        found=found,
        documents=documents,
        document_choices=document_choices(documents),
        filters=LABEL_FILTERS,
        terms=terms(who.lang),
        snippet=snippet,
        may_curate=who.can(Permission.CURATE_LIBRARY),
    )
