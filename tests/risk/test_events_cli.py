"""`tocsin risk events ...` against a real store (events_app, as the lead registers it)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from tests.conftest import MakeActor
from tests.risk.test_events import ACLED_HEADER, acled, months, write
from tests.seeding import Seeder
from typer.testing import CliRunner

from tocsin.cli_risk_events import events_app
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings
from tocsin.risk.events import Level, Scope, indicators

WIDE = {"COLUMNS": "200"}


def test_import_indicators_spikes_and_sync_from_the_command_line(
    cli_env: Settings, db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    analyst = make_actor(Role.ANALYST, "analyst@example.org")
    make_actor(Role.DOCUMENTER, "documenter@example.org")
    rows, n = [], 0
    for month in months(date(2024, 6, 1), 13):  # a killing a month, then six in June
        for _ in range(6 if month == date(2024, 6, 1) else 1):
            n += 1
            rows.append(acled(n, (month + timedelta(days=4)).isoformat()))
    path = write(tmp_path / "acled.csv", ACLED_HEADER, rows)
    runner = CliRunner()
    as_analyst = ["--user", "analyst@example.org"]

    done = runner.invoke(events_app, ["import", str(path), *as_analyst], env=WIDE)
    assert done.exit_code == 0, done.output
    assert "added" in done.output and "18" in done.output
    again = runner.invoke(events_app, ["import", str(path), "--layout", "acled", *as_analyst],
                          env=WIDE)  # fmt: skip
    assert again.exit_code == 0 and "replaced" in again.output

    shown = runner.invoke(events_app, ["indicators", "--country", "SDN", "--level", "admin1"],
                          env=WIDE)  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert "SDN / North Darfur" in shown.output
    spiking = runner.invoke(events_app, ["spikes", "--window", "month"], env=WIDE)
    assert spiking.exit_code == 0 and "SDN / North Darfur" in spiking.output
    quiet = runner.invoke(events_app, ["spikes", "--min-events", "7"], env=WIDE)
    assert quiet.exit_code == 0 and "no spike" in quiet.output

    bad = write(tmp_path / "bad.csv", ACLED_HEADER, [acled(99, "someday")])
    refused = runner.invoke(events_app, ["import", str(bad), *as_analyst], env=WIDE)
    assert refused.exit_code == 2 and "event_date" in refused.output and "line 2" in refused.output
    no_right = runner.invoke(events_app, ["import", str(path), "--user", "documenter@example.org"])
    assert no_right.exit_code == 2 and "may not assess" in no_right.output
    wrong = runner.invoke(events_app, ["indicators", "--end", "June"], env=WIDE)
    assert wrong.exit_code == 2 and "--end" in wrong.output

    Seeder(db, analyst).act("AMBER", event_id=Seeder(db, analyst).event(
        "AMBER", start="2024-06-05", place={"country": "TD", "admin_area": "Ouaddai"}).id)
    synced = runner.invoke(events_app, ["sync", *as_analyst], env=WIDE)
    assert synced.exit_code == 0, synced.output
    store = cli_env.data_dir / "events.duckdb"
    chad = indicators(store, level=Level.COUNTRY, scope=Scope(country="TD", max_tlp=3))
    assert [(i.area.country, i.latest.total.events) for i in chad] == [("TCD", 1)]
    # Without an account only public rows count; the analyst's clearance shows the AMBER event.
    public = runner.invoke(events_app, ["indicators", "--country", "TD"], env=WIDE)
    assert "no violence" in public.output
    cleared = runner.invoke(events_app, ["indicators", "--country", "TD", *as_analyst], env=WIDE)
    assert "TCD / Ouaddai" in cleared.output
