"""Choosing the paragraph to link to: a search over the library (the same service as the
search page) whose results are "link here" buttons of the paragraph's link form. With htmx the
results appear inside the form on the paragraph's page as one types; without script this is a
page of its own holding the same form."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tocsin.api.deps import SessionDep
from tocsin.core.errors import TocsinError
from tocsin.core.roles import Permission
from tocsin.library.store import SearchFilters, SearchHit, get_node, list_documents, search
from tocsin.web.forms import FormState
from tocsin.web.pages.library_search import document_choices
from tocsin.web.pages.library_words import terms
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer

router = APIRouter(include_in_schema=False)
SHOWN = 10


@router.get("/library/nodes/{node_id}/link", response_class=HTMLResponse)
def pick(request: Request, node_id: str, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.CURATE_LIBRARY)
    here = get_node(session, who.actor, node_id)
    q = request.query_params.get("q", "").strip()[:1000]
    document = request.query_params.get("document", "").strip()[:200] or None
    state = FormState(values={"q": q, "document": document or ""})
    hits: list[SearchHit] | None = None
    if q:
        try:
            found = search(session, who.actor, q, SearchFilters(document=document), SHOWN + 1)
            hits = [h for h in found.hits if h.node.id != here.id][:SHOWN]
        except TocsinError as exc:
            if exc.status >= 500 or exc.status in (401, 403, 404):
                raise
            state.refuse(exc)
    values: dict[str, Any] = {
        "node": here, "hits": hits, "pick": state, "terms": terms(who.lang), "forms": {},
    }  # fmt: skip
    if request.headers.get("HX-Target") == "pick-results":
        return render(request, "library/_pick_results.html", who, **values)
    documents = list_documents(session, who.actor)
    return render(request, "library/pick.html", who, 200 if state.ok else 422,
                  document_choices=document_choices(documents), **values)  # fmt: skip
