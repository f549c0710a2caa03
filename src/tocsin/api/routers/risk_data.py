"""Atrocity risk from data: the statistical forecasts and their models, and the event-data
indicators (violence against civilians by area, against each area's own baseline)."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from pydantic import BaseModel, Field

from tocsin.api.deps import CurrentActor, SessionDep, SettingsDep
from tocsin.cases.schemas import Strict
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.risk import events, forecasting, ranking
from tocsin.risk.forecast_tables import RiskModel

router = APIRouter(tags=["risk"])


class ModelPublic(BaseModel):
    id: str
    trained_until: int
    data_name: str
    data_sha256: str
    train_seconds: float
    created_at: Any
    card: dict[str, Any]


class RankedPublic(BaseModel):
    rank: int
    ccode: int
    country: str | None  # ISO 3166-1 alpha-2; None for a state the code table does not know
    name: str
    probability: float
    previous_rank: int | None
    previous_probability: float | None
    rank_change: int | None  # places gained since the previous run
    entered_top: bool
    explanation: list[dict[str, Any]]


class RunPublic(BaseModel):
    id: str
    model_id: str
    year: int
    countries: int
    tlp: str
    created_at: Any
    previous_run_id: str | None = None
    rows: list[RankedPublic] = []


class ForecastIn(Strict):
    year: Annotated[int, Field(ge=1900, le=2200)]
    model_id: Annotated[str | None, Field(max_length=36)] = None
    tlp: str = "CLEAR"


def _model(row: RiskModel) -> ModelPublic:
    return ModelPublic.model_validate(row, from_attributes=True)


Top = Annotated[int | None, Query(ge=1, le=1000, description="only the first N countries")]


def _run(found: ranking.Ranking, top: int | None = None) -> RunPublic:
    run = found.run
    return RunPublic(
        id=run.id, model_id=run.model_id, year=run.year, countries=run.countries,
        tlp=TLP(run.tlp).label, created_at=run.created_at,
        previous_run_id=found.previous.id if found.previous else None,
        rows=[RankedPublic(rank=r.rank, ccode=r.ccode, country=r.country, name=r.name,
                           probability=r.probability, previous_rank=r.previous_rank,
                           previous_probability=r.previous_probability,
                           rank_change=r.rank_change, entered_top=r.entered_top,
                           explanation=r.explanation) for r in found.rows[:top]],
    )  # fmt: skip


@router.get("/risk/models", response_model=list[ModelPublic])
def list_models(session: SessionDep, actor: CurrentActor) -> list[ModelPublic]:
    """Trained models, newest first, each with its model card."""
    actor.require(Permission.READ)
    return [_model(m) for m in forecasting.models(session)]


@router.get("/risk/models/{model_id}", response_model=ModelPublic)
def get_model(model_id: str, session: SessionDep, actor: CurrentActor) -> ModelPublic:
    actor.require(Permission.READ)
    row = session.get(RiskModel, model_id)
    if row is None:
        raise NotFound("no such model")
    return _model(row)


@router.get("/risk/forecasts", response_model=list[RunPublic])
def list_forecasts(session: SessionDep, actor: CurrentActor) -> list[RunPublic]:
    """Forecast runs you may see, newest first (without their countries)."""
    return [
        RunPublic(
            id=r.id,
            model_id=r.model_id,
            year=r.year,
            countries=r.countries,
            tlp=TLP(r.tlp).label,
            created_at=r.created_at,
        )
        for r in ranking.visible_runs(session, actor)
    ]


@router.post("/risk/forecasts", response_model=RunPublic, status_code=201)
def make_forecast(data: ForecastIn, session: SessionDep, actor: CurrentActor) -> RunPublic:
    """Forecast from a year's predictors with a trained model (the newest by default)."""
    tlp = TLP.parse(data.tlp, "tlp")
    run = forecasting.run_forecast(session, actor, data.year, data.model_id, tlp=tlp)
    found = ranking.ranking(session, actor, run.id)
    assert found is not None
    return _run(found)


@router.get("/risk/forecasts/latest", response_model=RunPublic)
def latest_forecast(session: SessionDep, actor: CurrentActor, top: Top = None) -> RunPublic:
    """The newest run you may see, ranked, with each country's change since the run before."""
    found = ranking.ranking(session, actor)
    if found is None:
        raise NotFound("no forecast yet")
    return _run(found, top)


@router.get("/risk/forecasts/{run_id}", response_model=RunPublic)
def get_forecast(
    run_id: str, session: SessionDep, actor: CurrentActor, top: Top = None
) -> RunPublic:
    found = ranking.ranking(session, actor, run_id)
    assert found is not None  # a named run is either found or refused
    return _run(found, top)


class TrendPointPublic(BaseModel):
    run_id: str
    year: int
    created_at: Any
    probability: float
    rank: int


@router.get("/risk/countries/{country}/trend", response_model=list[TrendPointPublic])
def country_trend(country: str, session: SessionDep, actor: CurrentActor) -> list[TrendPointPublic]:
    """A country's forecasts over the runs you may see, oldest first."""
    from tocsin.core.countries import check_country

    code = check_country(country, "country")
    assert code is not None
    return [TrendPointPublic.model_validate(p, from_attributes=True)
            for p in ranking.country_trend(session, actor, code)]  # fmt: skip


# Event data


def _scope(actor: Any, country: str | None, dataset: list[str] | None) -> events.Scope:
    actor.require(Permission.READ)
    return events.Scope(max_tlp=actor.clearance, datasets=dataset or None, country=country)


Country = Annotated[str | None, Query(max_length=3, description="ISO alpha-2 or alpha-3")]
Datasets = Annotated[list[str] | None, Query(max_length=4, description="acled, ucdp, tocsin")]


@router.get("/risk/events/indicators", response_model=list[events.AreaIndicator])
def event_indicators(
    actor: CurrentActor,
    settings: SettingsDep,
    level: events.Level = events.Level.ADMIN1,
    window: events.Window = events.Window.MONTH,
    start: date | None = None,
    end: date | None = None,
    country: Country = None,
    dataset: Datasets = None,
    baseline: Annotated[int, Query(ge=2, le=104)] = 12,
) -> list[events.AreaIndicator]:
    """Violence against civilians by area over a period: events, deaths, perpetrator types and
    the latest window against the area's own baseline; only rows within your clearance."""
    return events.indicators(
        events.default_path(settings), level=level, window=window, start=start, end=end,
        scope=_scope(actor, country, dataset), baseline_windows=baseline,
    )  # fmt: skip


@router.get("/risk/events/spikes", response_model=list[events.AreaIndicator])
def event_spikes(
    actor: CurrentActor,
    settings: SettingsDep,
    level: events.Level = events.Level.ADMIN1,
    window: events.Window = events.Window.MONTH,
    end: date | None = None,
    country: Country = None,
    dataset: Datasets = None,
    min_events: Annotated[int, Query(ge=1, le=100_000)] = 5,
    min_ratio: Annotated[float, Query(ge=1, le=1000)] = 2.0,
    max_p: Annotated[float, Query(gt=0, le=1)] = 0.01,
) -> list[events.AreaIndicator]:
    """The areas whose latest window is well above their own baseline."""
    return events.spikes(
        events.default_path(settings), level=level, window=window, end=end,
        scope=_scope(actor, country, dataset), min_events=min_events, min_ratio=min_ratio,
        max_p=max_p,
    )  # fmt: skip


@router.get("/risk/events/series", response_model=list[events.AreaSeries])
def event_series(
    actor: CurrentActor,
    settings: SettingsDep,
    level: events.Level = events.Level.COUNTRY,
    window: events.Window = events.Window.MONTH,
    end: date | None = None,
    country: Country = None,
    dataset: Datasets = None,
    windows: Annotated[int, Query(ge=2, le=520)] = 24,
) -> list[events.AreaSeries]:
    """Counts per window for each area: the figures behind a trend chart."""
    return events.series(
        events.default_path(settings), level=level, window=window, end=end,
        scope=_scope(actor, country, dataset), windows=windows,
    )  # fmt: skip


@router.post("/risk/events/import", response_model=events.ImportReport)
def import_event_file(
    actor: CurrentActor,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="An ACLED or UCDP GED CSV export.")],
    layout: Annotated[str, Form(max_length=10, description="acled, ucdp or auto")] = "auto",
    tlp: Annotated[str, Form(max_length=12)] = "CLEAR",
) -> events.ImportReport:
    """Import an export; re-importing replaces rows, never duplicates; all or nothing."""
    actor.require(Permission.ASSESS)
    level = TLP.parse(tlp, "tlp")
    name = Path(file.filename or "upload.csv").name
    if not name.lower().endswith((".csv", ".csv.gz", ".txt")):
        raise ValidationFailed.on("file", "must be a CSV export (.csv or .csv.gz)")
    with tempfile.TemporaryDirectory(prefix="tocsin-events-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out)
        return events.import_events(actor, path, events.default_path(settings), layout,
                                    tlp=level)  # fmt: skip


@router.post("/risk/events/sync", response_model=events.SyncReport)
def sync_events(session: SessionDep, actor: CurrentActor, settings: SettingsDep) -> Any:
    """Copy the documented events, with their sharing levels, into the event-data file."""
    return events.sync_own_events(session, actor, events.default_path(settings))
