"""The interactive API reference, served from the package (no CDN)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tocsin.web.templating import templates

router = APIRouter(include_in_schema=False)
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'"
)


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    response = templates.TemplateResponse(request, "api_docs.html", {})
    # Swagger UI sets style attributes as it renders; scripts stay our own files only.
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response
