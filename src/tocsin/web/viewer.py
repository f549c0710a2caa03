"""Who is looking at a page: their session, role, clearance and language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from tocsin.api.deps import SESSION_COOKIE, SessionDep, client_ip
from tocsin.core import auth
from tocsin.core.access import Actor
from tocsin.core.errors import Forbidden, Unauthorized
from tocsin.core.models import User
from tocsin.core.roles import Permission
from tocsin.web import i18n


class SignInRequired(Unauthorized):
    """A page asked for without a live session: the answer is the sign-in page, not a 401."""


def language(request: Request) -> str:
    return i18n.negotiate(
        request.cookies.get(i18n.LANG_COOKIE), request.headers.get("accept-language")
    )


@dataclass
class Viewer:
    user: User
    actor: Actor
    csrf: str
    lang: str
    form: Mapping[str, str] = field(default_factory=dict)

    def can(self, permission: Permission | str) -> bool:
        return self.actor.can(Permission(permission))

    def require(self, permission: Permission) -> None:
        self.actor.require(permission)

    def _(self, message: str) -> str:
        return i18n.gettext_for(self.lang, message)


def viewer(request: Request, session: SessionDep) -> Viewer:
    cookie = request.cookies.get(SESSION_COOKIE)
    found = auth.resolve_session(session, cookie, request.app.state.settings) if cookie else None
    if found is None:
        raise SignInRequired("sign in to see this page")
    user, web = found
    return Viewer(user, auth.actor_for(user, client_ip(request)), web.csrf_token, language(request))


PageViewer = Annotated[Viewer, Depends(viewer)]


def _flat(form: FormData) -> dict[str, str]:
    """One value per field (the last), as text; files are not taken by page forms."""
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def posted(request: Request, who: PageViewer) -> Viewer:
    """A form post from our own page: the CSRF token in the form must match the session's."""
    form = await request.form(max_files=0, max_fields=500)
    given = form.get("csrf")
    if not auth.csrf_matches(who.csrf, given if isinstance(given, str) else None):
        raise Forbidden("the form expired or did not come from this site; reload and try again")
    who.form = _flat(form)
    return who


PostedForm = Annotated[Viewer, Depends(posted)]
"""The viewer, with `.form` holding the posted fields once the CSRF token has been checked."""
