"""One document of the library: its parts, sections and items with their labels, its import
history and the report of its last import. Read through the same services as the API, so a
document above the reader's clearance is not found and a protected one's read is audited."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tocsin.api.deps import SessionDep
from tocsin.core.roles import Permission
from tocsin.crosscheck.review_views import deciders
from tocsin.library.store import document_tree, get_document
from tocsin.web.pages.library_words import terms
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer

router = APIRouter(include_in_schema=False)


@router.get("/library/documents/{slug}", response_class=HTMLResponse)
def document_page(request: Request, slug: str, session: SessionDep, who: PageViewer) -> Response:
    retired = request.query_params.get("include_retired") in ("true", "1", "on")
    tree = document_tree(session, who.actor, slug, retired)  # 404 above the reader's clearance
    document = get_document(session, who.actor, tree.document.id)
    names = deciders(session, who.actor, [document.created_by, *(i.by for i in document.imports)])
    return render(
        request,
        "library/document.html",
        who,
        tree=tree,
        document=document,
        names=names,
        include_retired=retired,
        terms=terms(who.lang),
        may_curate=who.can(Permission.CURATE_LIBRARY),
    )
