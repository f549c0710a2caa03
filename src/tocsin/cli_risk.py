"""`tocsin risk ...`: train and run the statistical risk model, and event data (docs/risk.md,
docs/risk-forecast.md, docs/risk-events.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from tocsin.cli_risk_events import events_app

risk_app = typer.Typer(help="Atrocity risk: the statistical model and event data.",
                       no_args_is_help=True)  # fmt: skip
risk_app.add_typer(events_app, name="events")

UserOpt = Annotated[
    str | None,
    typer.Option("--user", "-u", envvar="TOCSIN_USER", help="Email of the account acting."),
]
DATA_HELP = "Country-year table in the Early Warning Project's layout (CSV)."
RequiredData = Annotated[
    Path, typer.Option("--data", exists=True, dir_okay=False, readable=True, help=DATA_HELP)
]
DataOpt = Annotated[
    Path | None, typer.Option("--data", exists=True, dir_okay=False, readable=True, help=DATA_HELP)
]


@risk_app.command("train")
def train(
    data: RequiredData,
    until: Annotated[int, typer.Option(help="Forecasts will be made from this year on.")],
    backtest_from: Annotated[
        int | None,
        typer.Option("--backtest-from", help="Also backtest onsets from this year (model card)."),
    ] = None,
    user: UserOpt = None,
) -> None:
    """Train the model on every outcome known by UNTIL and keep it with its model card."""
    from tocsin.cli import _actor, _errors, _progress, _store, console
    from tocsin.risk.forecasting import train_and_keep

    with _errors():
        _, db = _store()
        actor = _actor(db, user)
        with _progress("backtest") as update, db.session() as session:
            row = train_and_keep(
                session, actor, data, until, backtest_from,
                lambda done, total, year: update(f"forecasts from {year}", done, total),
            )  # fmt: skip
            model_id, seconds, card = row.id, row.train_seconds, row.card
    period = card.get("period", {})
    console.print(
        f"model [bold]{model_id}[/] trained in {seconds:.1f} s on "
        f"{period.get('training_rows')} country-years {period.get('training_years')}, "
        f"{period.get('training_onsets')} with an onset within two years"
    )
    if card.get("backtest"):
        console.print_json(json.dumps(card["backtest"]))


@risk_app.command("forecast")
def forecast(
    year: Annotated[int, typer.Option(help="Forecast from this year's predictors.")],
    data: DataOpt = None,
    model: Annotated[str | None, typer.Option(help="Model id (default: the newest).")] = None,
    top: Annotated[int, typer.Option(help="How many countries to print.")] = 30,
    user: UserOpt = None,
) -> None:
    """Forecast every country's risk of a mass-killing onset within two years and keep it."""
    from rich.table import Table

    from tocsin.cli import _actor, _errors, _store, console
    from tocsin.risk.forecasting import run_forecast
    from tocsin.risk.ranking import ranking

    with _errors():
        _, db = _store()
        actor = _actor(db, user)
        with console.status("forecasting"), db.session() as session:
            run = run_forecast(session, actor, year, model, data)
            ranked = ranking(session, actor, run.id)
            assert ranked is not None
            rows = [(r.rank, r.name, r.probability, r.rank_change) for r in ranked.rows[:top]]
            run_id, first = run.id, ranked.previous is None
    table = Table(title=f"Forecast from {year} (run {run_id})", title_justify="left")
    for column in ("rank", "country", "probability", "places gained"):
        table.add_column(column, justify="left" if column == "country" else "right")
    for rank, name, probability, change in rows:
        moved = "" if first else "new" if change is None else f"{change:+d}" if change else "="
        table.add_row(str(rank), name, f"{probability:.1%}", moved)
    console.print(table)


@risk_app.command("backtest")
def backtest(
    start: Annotated[int, typer.Option("--from", help="First onset year scored.")] = 1994,
    end: Annotated[int, typer.Option("--to", help="Last onset year scored.")] = 2024,
    data: DataOpt = None,
    out: Annotated[
        Path | None, typer.Option(help="Write every scored country-year here (CSV).")
    ] = None,
) -> None:
    """Rolling backtest with the Early Warning Project's protocol: each year's forecast learns
    only from outcomes known by then."""
    from tocsin.cli import _errors, _progress, console
    from tocsin.core.errors import ValidationFailed
    from tocsin.risk.forecast.backtest import backtest as run_backtest
    from tocsin.risk.forecast.data import read_table

    with _errors():
        if data is None:
            raise ValidationFailed.on("--data", "name the country-year table to backtest on")
        table = read_table(data)
        with _progress("backtest") as update:
            result = run_backtest(
                table, start, end,
                progress=lambda done, total, year: update(f"forecasts from {year}", done, total),
            )  # fmt: skip
    m = result.metrics
    console.print(
        f"onsets {start}-{end}: {m.onsets}; ROC AUC {m.auc:.3f}; in the top {m.top}: "
        f"{m.onsets_in_top} ({m.top_share:.1%}); Brier {m.brier:.4f}; "
        f"training {m.train_s:.1f} s"
    )
    if out is not None:
        import csv

        with out.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["year", "ccode", "country", "onset", "max_probability", "min_rank"])
            for s in result.scored:
                writer.writerow([s.year, s.ccode, s.country, s.onset, s.max_probability,
                                 s.min_rank])  # fmt: skip
        console.print(f"scored country-years written to {out}")
