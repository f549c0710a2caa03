"""The ASGI application: API under /api/v1, pages at /, one store behind both."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from tocsin import __version__
from tocsin.api import problems, upload_spool
from tocsin.api.routers import (
    acts,
    alert_rules,
    alert_subscriptions,
    alerts,
    audit,
    auth,
    consents,
    escalation_chains,
    events,
    evidence,
    interventions,
    library,
    matches,
    organisations,
    persons,
    response_commitments,
    response_plans,
    risk,
    risk_data,
    screening,
    sources,
    users,
    vocabularies,
)
from tocsin.core.db import Database
from tocsin.core.settings import Settings, get_settings
from tocsin.core.store import open_store

API_PREFIX = "/api/v1"
# A JSON escape for NUL, not itself escaped (an even run of backslashes before it).
NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
ROUTERS = (
    auth,
    users,
    events,
    acts,
    persons,
    organisations,
    sources,
    consents,
    interventions,
    evidence,
    matches,
    screening,
    risk,
    risk_data,
    alerts,
    alert_subscriptions,
    alert_rules,
    escalation_chains,
    library,
    response_commitments,
    response_plans,
    vocabularies,
    audit,
)

# Pages show protected data on shared laptops: nothing is cached, nothing is framed.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
    ),
}


def _multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("multipart/form-data")


def create_app(
    settings: Settings | None = None, db: Database | None = None, warm_up: bool = False
) -> FastAPI:
    """``warm_up``: start loading the sentence model in the background (the served app;
    tests build theirs without it)."""
    settings = settings or get_settings()
    settings.check_production()
    app = FastAPI(
        title="Tocsin API",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN; ours is vendored (web/)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db or open_store(settings)
    problems.install(app)
    upload_spool.install()
    for module in ROUTERS:
        app.include_router(module.router, prefix=API_PREFIX)

    @app.get(f"{API_PREFIX}/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.middleware("http")
    async def refuse_nul(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # PostgreSQL cannot store NUL in text: refuse it once, at the door, for the address
        # and the body, rather than in every model of every request.
        where = None
        if b"%00" in request.scope.get("query_string", b"") or "\x00" in request.url.path:
            where = "query"
        elif request.method in ("POST", "PUT", "PATCH") and not _multipart(request):
            # An upload is never read whole into memory here: its fields are checked for NUL
            # where they are read (api/routers/evidence.py).
            body = await request.body()
            form = request.headers.get("content-type", "").startswith("application/x-www-form")
            if b"\x00" in body or NUL_ESCAPE.search(body) or (form and b"%00" in body):
                where = "body"
        if where:
            return problems.problem(
                422,
                "Validation failed",
                f"the {'address' if where == 'query' else 'request body'} holds a NUL character",
                request.url.path,
                [{"field": where, "message": "must not contain NUL characters"}],
            )
        return await call_next(request)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    from tocsin.web.app import install as install_pages

    install_pages(app)
    if warm_up:
        from tocsin.library.warm_up import start_warm_up

        start_warm_up()
    return app
