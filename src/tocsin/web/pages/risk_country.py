"""One country's risk: its forecast over the runs with the latest explanation, its assessments,
violence against civilians by admin1 area (one area looked at more closely with ?area=), and
the button that puts it on the watchlist or takes it off."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tocsin.api.deps import SessionDep
from tocsin.core.roles import Permission
from tocsin.risk.country_outlook import CountryOutlook, country_outlook
from tocsin.risk.ranking import TOP
from tocsin.web import i18n
from tocsin.web.pages.risk_figures import page_words
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer

router = APIRouter(include_in_schema=False)


def _trend_rows(outlook: CountryOutlook) -> list[tuple[str, float]]:
    """(label, probability) per run, oldest first: the year of the data, and the run's date
    when one year was forecast more than once."""
    years = [p.year for p in outlook.trend]
    return [
        (str(p.year) if years.count(p.year) == 1 else f"{p.year} ({p.created_at.date()})",
         p.probability)
        for p in outlook.trend
    ]  # fmt: skip


@router.get("/risk/countries/{alpha2}", response_class=HTMLResponse)
def country_page(request: Request, session: SessionDep, who: PageViewer, alpha2: str) -> Response:
    who.require(Permission.READ)
    if alpha2 != alpha2.upper() and len(alpha2) == 2 and alpha2.isalpha():
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/risk/countries/{quote(alpha2.upper())}{query}", 303)
    area = request.query_params.get("area")
    outlook = country_outlook(session, who.actor, request.app.state.settings, alpha2, area)
    watching = {w.area.casefold(): w for w in outlook.watches}
    return render(
        request, "risk/country.html", who,
        o=outlook, trend_rows=_trend_rows(outlook), top=TOP,
        series_rows=[(i18n.day(p.start, who.lang, "MMM y"), p.total.events)
                     for p in (outlook.series.points if outlook.series else [])],
        watched_country=watching.get(""),
        watched_areas={name.lower() for name in watching if name},
        watched_area=watching.get(outlook.area.casefold()) if outlook.area else None,
        can_assess=who.can(Permission.ASSESS),
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        rtl=who.lang == "ar", **page_words(who.lang),
    )  # fmt: skip
