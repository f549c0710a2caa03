"""The one way a record list answers: the whole page, or only its results when htmx asks
(a filter changed, a page turned), with the filters kept as typed."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from tocsin.web.forms import FormState
from tocsin.web.labels import Labels
from tocsin.web.templating import render
from tocsin.web.viewer import Viewer


def wants_fragment(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def list_response(
    request: Request, session: Session, who: Viewer, folder: str, found: Any, **values: Any
) -> HTMLResponse:
    """`folder/list.html`, or `folder/_results.html` for htmx."""
    return render(
        request,
        f"{folder}/_results.html" if wants_fragment(request) else f"{folder}/list.html",
        who,
        found=found,
        filters=FormState(values=dict(request.query_params)),
        labels=Labels.load(session, who.lang),
        **values,
    )
