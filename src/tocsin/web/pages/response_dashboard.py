"""The landing page of the response area (/response): the implementation dashboard of
commitments per actor and per document, with the report as PDF and CSV under the same filters.
Response plans have their own pages under /response/plans."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tocsin.api.deps import SessionDep
from tocsin.core.errors import TocsinError, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.response import commitments
from tocsin.web.pages.events import country_choices
from tocsin.web.pages.response_commitments_words import (
    filters_of,
    read_filters,
    refused,
    words,
)
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer

router = APIRouter(include_in_schema=False)


@router.get("/response", response_class=HTMLResponse)
def dashboard_page(request: Request, session: SessionDep, who: PageViewer) -> Response:
    filters, f = read_filters(request)
    board = None
    if f is not None:
        try:
            board = commitments.dashboard(session, who.actor, f)
        except TocsinError as exc:
            refused(filters, exc)
    return render(
        request, "response/dashboard.html", who, 200 if filters.ok else 422,
        board=board, filters=filters, report_query=urlencode(filters.values),
        country_choices=country_choices(who.lang, filters.value("country") or None),
        can_respond=who.can(Permission.RESPOND), can_export=who.can(Permission.EXPORT),
        **words(who),
    )  # fmt: skip


def _day(request: Request, name: str) -> date | None:
    text = request.query_params.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.on(name, f"{text!r} is not a date (YYYY-MM-DD)") from None


@router.get("/response/report.csv")
def report_csv(request: Request, session: SessionDep, who: PageViewer) -> Response:
    text = commitments.export_csv(session, who.actor, filters_of(request),
                                  _day(request, "since"), _day(request, "until"))  # fmt: skip
    return Response(text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="commitments-report.csv"'})  # fmt: skip


@router.get("/response/report.pdf")
def report_pdf(request: Request, session: SessionDep, who: PageViewer) -> Response:
    title = request.query_params.get("title", "").strip()[:300]
    pdf = commitments.export_pdf(session, who.actor, filters_of(request),
                                 _day(request, "since"), _day(request, "until"), title)  # fmt: skip
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": 'attachment; filename="commitments-report.pdf"'})  # fmt: skip
