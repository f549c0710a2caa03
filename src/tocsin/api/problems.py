"""RFC 9457 problem details for every error, naming the field at fault."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tocsin.core.errors import TocsinError, TooManyAttempts

MEDIA_TYPE = "application/problem+json"


def problem(
    status: int,
    title: str,
    detail: str,
    instance: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://tocsin.example/problems/{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or "body"


PageErrors = Callable[[Request, int, str, Exception], Response]
"""How the pages answer an error (an HTML page, or a redirect to sign in)."""


def _page(request: Request) -> PageErrors | None:
    """The page renderer for a page address; None under /api, which always answers JSON."""
    if request.url.path.startswith("/api/"):
        return None
    render: PageErrors | None = getattr(request.app.state, "page_errors", None)
    return render


def install(app: FastAPI) -> None:
    @app.exception_handler(TocsinError)
    async def _domain(request: Request, exc: TocsinError) -> Response:
        if page := _page(request):
            return page(request, exc.status, exc.detail, exc)
        headers = None
        if isinstance(exc, TooManyAttempts):
            headers = {"Retry-After": str(exc.retry_after_s)}
        if exc.status == 401:
            headers = {"WWW-Authenticate": "Bearer"}
        return problem(
            exc.status,
            exc.title,
            exc.detail,
            request.url.path,
            [e.as_dict() for e in exc.errors] or None,
            headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = []
        for err in exc.errors():
            msg = str(err.get("msg", "is not valid"))
            msg = msg.removeprefix("Value error, ")
            # A syntax error's location is a character offset, not a field.
            field = (
                "body" if err.get("type") == "json_invalid" else _field(tuple(err.get("loc", ())))
            )
            errors.append({"field": field, "message": msg})
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        if page := _page(request):
            return page(request, 422, detail, exc)
        return problem(422, "Validation failed", detail, request.url.path, errors)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> Response:
        # The last line of defence: the database refused a value validation let through.
        detail = (
            "a value was refused by the database; "
            "check for control characters or out-of-range numbers"
        )
        if page := _page(request):
            return page(request, 422, detail, exc)
        return problem(422, "Validation failed", detail, request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if page := _page(request):
            return page(request, exc.status_code, str(exc.detail), exc)
        title = {
            401: "Not authenticated",
            403: "Forbidden",
            404: "Not found",
            405: "Method not allowed",
        }.get(exc.status_code, "Error")
        return problem(
            exc.status_code,
            title,
            str(exc.detail),
            request.url.path,
            headers=getattr(exc, "headers", None),
        )
