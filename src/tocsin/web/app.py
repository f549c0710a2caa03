"""The pages, mounted on the same application as the API (one store, one session model)."""

from __future__ import annotations

from importlib import resources
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from tocsin.web.i18n import N_
from tocsin.web.pages import ROUTERS
from tocsin.web.templating import render

ERROR_TITLES = {
    403: N_("You may not do this"),
    404: N_("Not found"),
    405: N_("Not allowed here"),
    409: N_("This conflicts with what is stored"),
    422: N_("Something in the request is not valid"),
    429: N_("Too many attempts"),
}


def page_error(request: Request, status: int, detail: str, exc: Exception) -> Response:
    """Errors on pages are pages: sign in when signed out, otherwise say what went wrong."""
    if status == 401:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target = "/login" if request.method != "GET" else f"/login?next={quote(here, safe='')}"
        return RedirectResponse(target, status_code=303)
    # A missing record and a record above one's clearance look the same (no existence oracle).
    title = ERROR_TITLES.get(status, N_("Something went wrong"))
    return render(request, "error.html", None, status, title=title, detail=detail, code=status)


def install(app: FastAPI) -> None:
    static = resources.files("tocsin.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.state.page_errors = page_error
    for router in ROUTERS:
        app.include_router(router)
