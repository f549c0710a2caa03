"""The dashboard: headline figures, events and victims by act type, month and place (charts
drawn on the server as SVG, so they need no script and no network), and the newest events
waiting for verification. Figures come from tocsin.cases.statistics, within the reader's
clearance; this module only puts them into words in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import urlencode

from babel import Locale
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tocsin.api.deps import SessionDep
from tocsin.cases import statistics
from tocsin.cases.statistics import NEEDS_VERIFICATION, Dashboard
from tocsin.web import i18n
from tocsin.web.i18n import N_
from tocsin.web.labels import Labels
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer, Viewer

router = APIRouter(include_in_schema=False)

Bar = tuple[str, int, str]  # label, count, link to the matching events ("" for none)
NO_COUNTRY = N_("No country given")


@cache
def country_names(lang: str) -> dict[str, str]:
    """Country names in the reader's language (from CLDR, shipped with Babel: no network)."""
    return dict(Locale.parse(lang).territories)


def _events_link(**filters: str | None) -> str:
    return "/events?" + urlencode({k: v for k, v in filters.items() if v})


@dataclass
class Charts:
    """The figures as rows the chart macros draw."""

    events_by_month: list[tuple[str, int]]
    victims_by_month: list[tuple[str, int]]
    act_types: list[Bar]
    act_type_victims: list[int]
    countries: list[Bar]
    country_victims: list[int]
    areas: list[Bar]
    area_victims: list[int]


def charts(figures: Dashboard, labels: Labels, who: Viewer) -> Charts:
    names = country_names(who.lang)

    def month(t: statistics.Tally) -> str:
        return i18n.fuzzy_day(t.key, "month", who.lang)

    def country(code: str | None) -> str:
        return names.get(code, code) if code else who._(NO_COUNTRY)

    return Charts(
        events_by_month=[(month(t), t.events) for t in figures.by_month],
        victims_by_month=[(month(t), t.victims) for t in figures.by_month],
        act_types=[
            (labels.of("act_type", t.key), t.events, _events_link(act_type=t.key))
            for t in figures.by_act_type
        ],
        act_type_victims=[t.victims for t in figures.by_act_type],
        countries=[
            (country(t.key), t.events, _events_link(country=t.key) if t.key else "")
            for t in figures.by_country
        ],
        country_victims=[t.victims for t in figures.by_country],
        areas=[
            (
                f"{t.key[1]} ({country(t.key[0])})" if t.key[0] else t.key[1],
                t.events,
                _events_link(country=t.key[0], admin_area=t.key[1]),
            )
            for t in figures.by_area
        ],
        area_victims=[t.victims for t in figures.by_area],
    )


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, who: PageViewer) -> Response:
    figures = statistics.dashboard(session, who.actor)
    labels = Labels.load(session, who.lang)
    return render(
        request,
        "dashboard.html",
        who,
        figures=figures,
        charts=charts(figures, labels, who),
        labels=labels,
        countries=country_names(who.lang),
        waiting=[
            (labels.of("event_status", s), _events_link(status=s, sort="-created"))
            for s in NEEDS_VERIFICATION
        ],
    )
