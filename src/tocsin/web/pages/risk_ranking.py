"""The statistical risk ranking (the newest forecast run, or one chosen) with its changes since
the run before, a world map of the probabilities, and the model card behind it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tocsin.api.deps import SessionDep
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.risk.forecasting import latest_model
from tocsin.risk.ranking import TOP, ranking, visible_runs
from tocsin.web.pages.risk_figures import band_floors, map_figures, page_words
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer

router = APIRouter(include_in_schema=False)
WORLD = "/static/vendor/world-atlas-2.0.2/countries-110m.json"


def _run_id(request: Request) -> str | None:
    return request.query_params.get("run", "").strip()[:36] or None


@router.get("/risk", response_class=HTMLResponse)
def ranking_page(request: Request, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.READ)
    found = ranking(session, who.actor, _run_id(request))  # a run out of sight: 404
    return render(
        request, "risk/ranking.html", who,
        found=found,
        runs=visible_runs(session, who.actor) if found else [],
        figures=map_figures(found.rows, who.lang) if found else {},
        legend=band_floors(),
        world=WORLD,
        top=TOP,
        tlp_label=lambda level: TLP(level).label,
        can_forecast=who.can(Permission.FORECAST),
        **page_words(who.lang),
    )  # fmt: skip


@router.get("/risk/model", response_class=HTMLResponse)
def model_page(request: Request, session: SessionDep, who: PageViewer) -> Response:
    """The full model card of the run shown on /risk (the newest model without any run)."""
    who.require(Permission.READ)
    found = ranking(session, who.actor, _run_id(request))
    model = found.model if found else latest_model(session)
    return render(request, "risk/ranking_model.html", who, model=model, found=found,
                  can_forecast=who.can(Permission.FORECAST), **page_words(who.lang))  # fmt: skip
