"""`tocsin alerts rules list | dry-run | run` against a real store."""

from __future__ import annotations

import pytest
from rules_kit import acts_in, day, make_rule
from sqlalchemy import select
from tests.conftest import MakeActor
from typer.testing import CliRunner

from seeding import cheap_hashing
from tocsin.alerts.models import Alert
from tocsin.cli_alerts import alerts_app
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

WIDE = {"COLUMNS": "250"}
pytestmark = pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # one code path, as API


def test_list_dry_run_and_run_from_the_command_line(
    cli_env: Settings, db: Database, make_actor: MakeActor, monkeypatch: pytest.MonkeyPatch
) -> None:
    cheap_hashing(monkeypatch)
    coordinator = make_actor(Role.COORDINATOR, "coordinator@example.org")
    make_actor(Role.DOCUMENTER, "documenter@example.org")
    acts_in(db, make_actor(Role.ADMIN), day(1), "North", 3)
    rule = make_rule(db, coordinator, "act_threshold", {"country": "XQ", "threshold": 3},
                     name="Weekly acts")  # fmt: skip
    runner = CliRunner()
    me = ["--user", "coordinator@example.org"]

    listed = runner.invoke(alerts_app, ["rules", "list", *me], env=WIDE)
    assert listed.exit_code == 0, listed.output
    assert rule.id in listed.output and "Weekly acts" in listed.output
    tried = runner.invoke(alerts_app, ["rules", "dry-run", rule.id, "--from", "2024-01-01",
                                       "--to", "2024-12-31", *me], env=WIDE)  # fmt: skip
    assert tried.exit_code == 0, tried.output
    assert "1 alert would have been raised over 53 windows" in tried.output
    assert "TLP:AMBER" in tried.output and "North" in tried.output
    wrong = runner.invoke(alerts_app, ["rules", "dry-run", rule.id, "--from", "2024-12-31",
                                       "--to", "2024-01-01", *me], env=WIDE)  # fmt: skip
    assert wrong.exit_code == 2 and "to" in wrong.output
    barred = runner.invoke(alerts_app, ["rules", "list", "--user", "documenter@example.org"])
    assert barred.exit_code == 2 and "may not alert" in barred.output

    ran = runner.invoke(alerts_app, ["rules", "run"], env=WIDE)
    assert ran.exit_code == 0 and "0 alerts raised" in ran.output  # the week of 2024 is long gone
    with db.session() as s:
        assert list(s.scalars(select(Alert.id))) == []
