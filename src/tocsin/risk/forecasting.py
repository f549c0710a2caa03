"""Train the statistical model, keep it, and run forecasts from it (the store around
``risk.forecast``, which knows nothing of the database).

A model is kept with the path and SHA-256 of the table it learnt from; a later forecast reads
the table again and refuses it if its bytes changed, unless a new table is named explicitly (a
new year's predictors), whose hash is then recorded with the run's model card."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.risk.country_codes import iso_for_cow
from tocsin.risk.forecast.backtest import Progress, backtest
from tocsin.risk.forecast.card import model_card
from tocsin.risk.forecast.data import CountryYearTable, read_table
from tocsin.risk.forecast.model import forecast, train
from tocsin.risk.forecast.serialise import model_from_dict, model_to_dict
from tocsin.risk.forecast_tables import CountryForecast, ForecastRun, RiskModel

# The strongest predictors each way kept with every country's figure: enough to say why,
# small enough that a run of 170 countries stays a few hundred kilobytes.
EXPLAINED = 5
KIND = "risk_model"


def train_and_keep(
    session: Session,
    actor: Actor,
    data: Path,
    until: int,
    backtest_from: int | None = None,
    progress: Progress | None = None,
) -> RiskModel:
    """Train on ``data`` for forecasts from ``until`` and store the model with its card. With
    ``backtest_from``, the card also carries the rolling backtest of onsets from that year to
    the last year whose outcomes the table knows (slower: one fit per year)."""
    actor.require(Permission.FORECAST)
    table = read_table(data)
    if not table.first_year < until <= table.last_year:
        raise ValidationFailed.on(
            "until", f"must be a year in the table, after {table.first_year}: "
            f"{table.first_year + 1}..{table.last_year}",
        )  # fmt: skip
    model = train(table, until)
    result = None
    if backtest_from is not None:
        result = backtest(table, backtest_from, min(until, table.last_year), progress=progress)
    row = RiskModel(
        trained_until=until,
        data_name=data.name,
        data_path=str(data.resolve()),
        data_sha256=model.data.sha256,
        parameters=model_to_dict(model),
        card=model_card(model, result),
        train_seconds=model.train_seconds,
        created_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, audit.Action.CREATE, KIND, row.id,
                 {"until": until, "data": data.name, "sha256": row.data_sha256})  # fmt: skip
    return row


def latest_model(session: Session) -> RiskModel | None:
    return session.scalars(
        select(RiskModel).order_by(RiskModel.created_at.desc(), RiskModel.id.desc()).limit(1)
    ).first()


def _table_for(model: RiskModel, data: Path | None) -> CountryYearTable:
    if data is not None:
        return read_table(data)
    path = Path(model.data_path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ValidationFailed.on(
            "data", f"the model's table {path} cannot be read ({exc.strerror}); name one"
        ) from exc
    if digest != model.data_sha256:
        raise ValidationFailed.on(
            "data", f"{path.name} changed since the model was trained; name it to use it as is"
        )
    return read_table(path)


def run_forecast(
    session: Session,
    actor: Actor,
    year: int,
    model_id: str | None = None,
    data: Path | None = None,
    tlp: TLP = TLP.CLEAR,
) -> ForecastRun:
    """Forecast every country of ``year`` in the table and keep the run. The probabilities come
    from public country data, so a run is CLEAR unless the caller says otherwise."""
    actor.require(Permission.FORECAST)
    row = session.get(RiskModel, model_id) if model_id else latest_model(session)
    if row is None:
        raise NotFound("no trained model: run `tocsin risk train` first")
    model = model_from_dict(row.parameters)
    table = _table_for(row, data)
    if year not in table.years():
        raise ValidationFailed.on("year", f"the table has no country-years for {year}")
    results = forecast(model, table, year)
    run = ForecastRun(model_id=row.id, year=year, countries=len(results), tlp=int(tlp),
                      created_by=actor.user_id)  # fmt: skip
    session.add(run)
    session.flush()
    session.add_all(
        CountryForecast(
            run_id=run.id,
            ccode=r.ccode,
            country=iso_for_cow(r.ccode),
            name=r.country,
            probability=r.probability,
            rank=r.rank,
            explanation=r.explanation(EXPLAINED),
        )
        for r in results
    )
    session.flush()
    audit.record(session, actor, audit.Action.CREATE, "risk_forecast", run.id,
                 {"model": row.id, "year": year, "countries": len(results)})  # fmt: skip
    return run


def models(session: Session) -> list[RiskModel]:
    return list(session.scalars(select(RiskModel).order_by(RiskModel.created_at.desc())))
