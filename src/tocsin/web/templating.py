"""The page templates: Jinja2 with gettext in the reader's language and locale formatting."""

from __future__ import annotations

from contextvars import ContextVar
from importlib import resources
from typing import Any, TypeVar
from urllib.parse import quote, unquote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from tocsin.core.settings import get_settings
from tocsin.core.tlp import TLP
from tocsin.web import i18n
from tocsin.web.viewer import Viewer, language

FLASH_COOKIE = "tocsin_flash"
_COOKIE_SAFE = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) != "%")
R = TypeVar("R", bound=Response)

env = Environment(
    loader=FileSystemLoader(str(resources.files("tocsin.web") / "templates")),
    extensions=["jinja2.ext.i18n"],
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=env)


# The page being rendered, for macros imported without context (Jinja's default): they cannot
# see the page's variables, but still speak the reader's language and keep the current filters.
_rendering: ContextVar[tuple[str, dict[str, str]]] = ContextVar(
    "rendering", default=(i18n.DEFAULT, {})
)


def _lang(ctx: Context) -> str:
    lang = ctx.get("lang")
    return str(lang) if lang else _rendering.get()[0]


# Jinja marks what gettext returns as safe HTML, but pages also pass messages that quote what
# someone typed (a refused value, a flash): a translation is text, so it is escaped here, and
# the %(placeholders)s filled in afterwards are escaped by Markup's own formatting. Unlike
# Jinja's own callables these format only when there is something to fill in, so a message
# that quotes "50%" comes out as written instead of failing the page.
@pass_context
def _gettext(ctx: Context, message: str, **variables: Any) -> Markup:
    text = escape(i18n.gettext_for(_lang(ctx), str(message)))
    return text % variables if variables else text


@pass_context
def _ngettext(ctx: Context, singular: str, plural: str, n: int, **variables: Any) -> Markup:
    text = escape(i18n.ngettext_for(_lang(ctx), str(singular), str(plural), n))
    return text % {"num": n, **variables}


env.globals.update(gettext=_gettext, _=_gettext, ngettext=_ngettext)


@pass_context
def _number(ctx: Context, value: float | int | None) -> str:
    return i18n.number(value, _lang(ctx))


@pass_context
def _day(ctx: Context, value: Any, style: str = "medium") -> str:
    return i18n.day(value, _lang(ctx), style)


@pass_context
def _fuzzy(ctx: Context, value: Any, precision: str | None) -> str:
    return i18n.fuzzy_day(value, precision, _lang(ctx))


def _tlp(value: int | str) -> str:
    return TLP(int(value)).label if not isinstance(value, str) else value


def _query(args: Any = None, **changes: Any) -> str:
    """The current filters with some changed, as a query string (empty values dropped).
    Without `args` (or inside a macro that cannot see them), the current page's filters."""
    base = args if isinstance(args, dict) else _rendering.get()[1]
    merged = {**base, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


env.filters.update(number=_number, day=_day, fuzzy=_fuzzy, tlp=_tlp)
env.globals.update(LANGUAGES=i18n.LANGUAGES, query=_query, TLP=TLP)


def render(
    request: Request,
    template: str,
    who: Viewer | None = None,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    lang = who.lang if who else language(request)
    flash = unquote(request.cookies.get(FLASH_COOKIE) or "") or None
    context = {
        "lang": lang,
        "language": i18n.LANGUAGES[lang],
        "viewer": who,
        "csrf": who.csrf if who else "",
        "flash": flash,
        "path": request.url.path,
        "args": dict(request.query_params),
        **values,
    }
    token = _rendering.set((lang, context["args"]))
    try:
        response = templates.TemplateResponse(request, template, context, status_code=status)
    finally:
        _rendering.reset(token)
    if flash:
        response.delete_cookie(FLASH_COOKIE)
    return response


def flash(response: R, message: str) -> R:
    """A one-time notice for the next page (an English msgid, translated when shown)."""
    response.set_cookie(
        FLASH_COOKIE,
        # A cookie holds Latin-1 at most: a message already in the reader's language (one with
        # counts in it, translated when set) travels percent-encoded.
        quote(message, safe=_COOKIE_SAFE),
        max_age=60,
        httponly=True,
        samesite="lax",
        secure=get_settings().cookie_secure,
    )
    return response
