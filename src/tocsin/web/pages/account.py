"""Signing in and out, changing one's password, and choosing the language of the pages."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tocsin.api.deps import SESSION_COOKIE, SessionDep, client_ip
from tocsin.core import audit, auth
from tocsin.core.errors import TooManyAttempts, Unauthorized
from tocsin.core.settings import Settings
from tocsin.web import i18n
from tocsin.web.forms import FormState, attempt
from tocsin.web.i18n import N_
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "tocsin_login_csrf"
LOGIN_ERRORS = {
    "wrong": N_("Email or password is not correct."),
    "locked": N_("Too many failed attempts. Wait a few minutes and try again."),
    "expired": N_("The form expired. Please try again."),
}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def local_path(target: str | None, default: str = "/") -> str:
    """Only a path on this site: an open redirect would let a phishing link borrow our name."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, error: str | None = None, next: str | None = None) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        csrf_login=token,
        error=LOGIN_ERRORS.get(error or ""),
        next=local_path(next),
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


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str, Form(max_length=100)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    settings = _settings(request)
    back = f"&next={quote(next, safe='')}" if local_path(next) != "/" else ""

    def again(reason: str) -> Response:
        return RedirectResponse(f"/login?error={reason}{back}", status_code=303)

    if not auth.csrf_matches(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf):
        return again("expired")
    try:
        user = auth.authenticate(session, settings, email, password, client_ip(request))
    except TooManyAttempts:
        return again("locked")
    except Unauthorized:
        return again("wrong")
    opened = auth.open_session(session, settings, user, client_ip(request))
    response = RedirectResponse(local_path(next), status_code=303)
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


@router.post("/logout")
def logout(request: Request, session: SessionDep, who: PostedForm) -> Response:
    auth.close_session(session, request.cookies.get(SESSION_COOKIE, ""))
    audit.record(session, who.actor, audit.Action.LOGOUT, "user", who.user.id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, who: PageViewer) -> Response:
    return render(
        request, "account.html", who, form=FormState(), min_length=auth.MIN_PASSWORD_LENGTH
    )


@router.post("/account/password", response_class=HTMLResponse)
def change_password(request: Request, session: SessionDep, who: PostedForm) -> Response:
    state = FormState()
    new, repeat = who.form.get("new_password", ""), who.form.get("repeat_password", "")
    if new != repeat:
        state.errors["repeat_password"] = N_("does not match the new password")
    else:
        attempt(
            session,
            lambda: auth.change_password(
                session, who.user, who.form.get("current_password", ""), new
            ),
            state,
        )
    if not state.ok:
        # Passwords are never sent back into the page, even when refused.
        return render(
            request, "account.html", who, 422, form=state, min_length=auth.MIN_PASSWORD_LENGTH
        )
    # Every session ended with the old password, this one too: sign in with the new one.
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return flash(response, N_("Password changed. Sign in with the new password."))


@router.get("/language/{code}")
def choose_language(code: str, next: str | None = None) -> Response:
    response = RedirectResponse(local_path(next), status_code=303)
    if code in i18n.LANGUAGES:
        response.set_cookie(
            i18n.LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="lax", httponly=True
        )
    return response
