"""`tocsin risk events ...`: import event datasets, copy in the project's own events, and read
the area indicators (docs/risk-events.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tocsin.risk.events.models import Level, Window

if TYPE_CHECKING:
    from tocsin.core.access import Actor
    from tocsin.risk.events.area_indicators import Scope
    from tocsin.risk.events.models import AreaIndicator

events_app = typer.Typer(help="Event data: ACLED, UCDP GED and documented events.",
                         no_args_is_help=True)

UserOpt = Annotated[
    str | None,
    typer.Option("--user", "-u", envvar="TOCSIN_USER", help="Email of the account acting."),
]
CountryOpt = Annotated[str | None, typer.Option(help="ISO 3166-1 code (alpha-2 or alpha-3).")]
LevelOpt = Annotated[Level, typer.Option(help="Group events by country, admin1 or admin2.")]
WindowOpt = Annotated[Window, typer.Option(help="Count by week or by month.")]
EndOpt = Annotated[
    str | None, typer.Option(help="Last day counted, YYYY-MM-DD (default: the latest event).")
]
DatasetOpt = Annotated[
    list[str] | None,
    typer.Option("--dataset", help="Count only this dataset (repeatable): acled, ucdp, tocsin."),
]
BaselineOpt = Annotated[int, typer.Option(help="Windows in the baseline.")]


def _day(value: str | None, field: str) -> date | None:
    from tocsin.core.errors import ValidationFailed

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed.on(field, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _scope(user: str | None, country: str | None, datasets: list[str] | None) -> Scope:
    """What the reader may count: an account's clearance, or public (CLEAR) rows only."""
    from tocsin.cli import _actor, _store
    from tocsin.core.tlp import TLP
    from tocsin.risk.events.area_indicators import Scope

    clearance = TLP.CLEAR
    if user:
        _, db = _store()
        clearance = _actor(db, user).clearance
        db.dispose()
    return Scope(max_tlp=clearance, datasets=datasets or None, country=country)


def _acting(user: str | None) -> tuple[Actor, Path]:
    from tocsin.cli import _actor, _store
    from tocsin.risk.events.store import default_path

    settings, db = _store()
    actor = _actor(db, user)
    db.dispose()
    return actor, default_path(settings)


@events_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    layout: Annotated[str, typer.Option(help="acled, ucdp or auto (from the header).")] = "auto",
    tlp: Annotated[str, typer.Option(help="Sharing level of the rows (licensed data).")] = "CLEAR",
    user: UserOpt = None,
) -> None:
    """Import an ACLED or UCDP GED CSV export; re-importing replaces, never duplicates."""
    from tocsin.cli import _errors, _progress, _report
    from tocsin.core.tlp import TLP
    from tocsin.risk.events.importer import import_events

    with _errors():
        level = TLP.parse(tlp, "--tlp")
        actor, path = _acting(user)
        with _progress("importing") as progress:
            report = import_events(actor, file, path, layout, tlp=level, progress=progress)
    _report(f"imported into {path}", report)


@events_app.command("sync")
def sync(user: UserOpt = None) -> None:
    """Copy the documented events (with their sharing levels) into the event-data file."""
    from tocsin.cli import _actor, _errors, _progress, _report, _store
    from tocsin.risk.events.own_events import sync_own_events
    from tocsin.risk.events.store import default_path

    with _errors():
        settings, db = _store()
        actor = _actor(db, user)
        with _progress("syncing") as progress, db.session() as session:
            report = sync_own_events(session, actor, default_path(settings), progress)
    _report("documented events synced", report)


def _table(title: str, rows: list[AreaIndicator]) -> None:
    from rich.table import Table

    from tocsin.cli import console
    from tocsin.risk.events.models import Perpetrator

    table = Table(title=title, title_justify="left")
    for name in ("area", "latest", "events", "deaths", "baseline", "ratio", "p"):
        table.add_column(name, justify="left" if name == "area" else "right")
    for p in Perpetrator:
        table.add_column(p.value.replace("_", " "), justify="right")
    for i in rows:
        table.add_row(
            i.area.label, i.latest_start.isoformat(), str(i.latest.total.events),
            str(i.latest.total.fatalities), f"{i.trend.baseline_mean:.1f}",
            f"{i.trend.ratio:.1f}", f"{i.trend.p_value:.2g}",
            *(str(i.latest.by_perpetrator[p].events) for p in Perpetrator),
        )
    console.print(table)


@events_app.command("indicators")
def show_indicators(
    country: CountryOpt = None,
    level: LevelOpt = Level.ADMIN1,
    window: WindowOpt = Window.MONTH,
    end: EndOpt = None,
    dataset: DatasetOpt = None,
    baseline: BaselineOpt = 12,
    limit: Annotated[int, typer.Option(help="Rows shown.")] = 30,
    user: UserOpt = None,
) -> None:
    """Violence against civilians by area: the latest window, by perpetrator, against baseline."""
    from tocsin.cli import _errors, console
    from tocsin.core.settings import get_settings
    from tocsin.risk.events.area_indicators import indicators
    from tocsin.risk.events.store import default_path

    with _errors():
        scope = _scope(user, country, dataset)
        found = indicators(default_path(get_settings()), level=level, window=window,
                           end=_day(end, "--end"), scope=scope, baseline_windows=baseline)
    if not found:
        console.print("no violence against civilians in the period")
        return
    _table(f"violence against civilians by {level.value}, {window.value}ly "
           f"({len(found)} areas, latest window first)", found[:limit])


@events_app.command("spikes")
def show_spikes(
    country: CountryOpt = None,
    level: LevelOpt = Level.ADMIN1,
    window: WindowOpt = Window.MONTH,
    end: EndOpt = None,
    dataset: DatasetOpt = None,
    baseline: BaselineOpt = 12,
    min_events: Annotated[int, typer.Option(help="Fewest events in the latest window.")] = 5,
    min_ratio: Annotated[float, typer.Option(help="Least ratio to the baseline.")] = 2.0,
    max_p: Annotated[float, typer.Option(help="Largest Poisson tail probability.")] = 0.01,
    user: UserOpt = None,
) -> None:
    """Areas whose latest window is well above their own baseline."""
    from tocsin.cli import _errors, console
    from tocsin.core.settings import get_settings
    from tocsin.risk.events.area_indicators import spikes
    from tocsin.risk.events.store import default_path

    with _errors():
        scope = _scope(user, country, dataset)
        found = spikes(default_path(get_settings()), level=level, window=window,
                       end=_day(end, "--end"), scope=scope, baseline_windows=baseline,
                       min_events=min_events, min_ratio=min_ratio, max_p=max_p)
    if not found:
        console.print("no spike")
        return
    _table(f"spikes by {level.value}, {window.value}ly ({len(found)})", found)
