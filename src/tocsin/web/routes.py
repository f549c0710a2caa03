"""Sign-in, sign-out and the landing page; the full pages build on these sessions."""

from __future__ import annotations

import secrets
from importlib import resources
from typing import Annotated

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select

from tocsin.api.deps import SESSION_COOKIE, SessionDep, client_ip
from tocsin.cases.models import Event
from tocsin.core import audit, auth
from tocsin.core.access import visible
from tocsin.core.errors import TooManyAttempts, Unauthorized
from tocsin.core.models import User
from tocsin.core.settings import Settings

LOGIN_CSRF_COOKIE = "tocsin_login_csrf"
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'"
)
templates = Jinja2Templates(directory=str(resources.files("tocsin.web") / "templates"))


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _signed_in(request: Request, session: SessionDep) -> tuple[User, str] | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    found = auth.resolve_session(session, cookie) if cookie else None
    return (found[0], found[1].csrf_token) if found else None


def install(app: FastAPI) -> None:
    static = resources.files("tocsin.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> Response:
        response = templates.TemplateResponse(request, "api_docs.html", {})
        # Swagger UI sets style attributes as it renders; scripts stay our own files only.
        response.headers["Content-Security-Policy"] = DOCS_CSP
        return response

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, error: str | None = None) -> Response:
        token = secrets.token_urlsafe(24)
        response = templates.TemplateResponse(
            request, "login.html", {"csrf": token, "error": error}
        )
        response.set_cookie(
            LOGIN_CSRF_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=_settings(request).cookie_secure,
            max_age=3600,
        )
        return response

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request,
        session: SessionDep,
        email: Annotated[str, Form(max_length=320)],
        password: Annotated[str, Form(max_length=1000)],
        csrf: Annotated[str, Form(max_length=100)],
    ) -> Response:
        settings = _settings(request)
        if not auth.csrf_matches(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf):
            return RedirectResponse("/login?error=expired", status_code=303)
        try:
            user = auth.authenticate(session, settings, email, password, client_ip(request))
        except TooManyAttempts:
            return RedirectResponse("/login?error=locked", status_code=303)
        except Unauthorized:
            return RedirectResponse("/login?error=wrong", status_code=303)
        opened = auth.open_session(session, settings, user, client_ip(request))
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            opened.cookie,
            httponly=True,
            samesite="lax",
            secure=settings.cookie_secure,
            max_age=settings.session_max_age_s,
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE)
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(
        request: Request,
        session: SessionDep,
        csrf: Annotated[str, Form(max_length=100)],
        who: Annotated[tuple[User, str] | None, Depends(_signed_in)],
    ) -> Response:
        if who is not None and auth.csrf_matches(who[1], csrf):
            auth.close_session(session, request.cookies.get(SESSION_COOKIE, ""))
            audit.record(
                session,
                auth.actor_for(who[0], client_ip(request)),
                audit.Action.LOGOUT,
                "user",
                who[0].id,
            )
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(
        request: Request,
        session: SessionDep,
        who: Annotated[tuple[User, str] | None, Depends(_signed_in)],
    ) -> Response:
        if who is None:
            return RedirectResponse("/login", status_code=303)
        user, csrf = who
        actor = auth.actor_for(user, client_ip(request))
        counts = dict(
            session.execute(
                select(Event.status, func.count())
                .where(visible(Event, actor))
                .group_by(Event.status)
            ).all()
        )
        return templates.TemplateResponse(
            request,
            "home.html",
            {
                "user": user,
                "csrf": csrf,
                "counts": counts,
                "total": sum(counts.values()),
                "clearance": actor.clearance.label,
            },
        )
