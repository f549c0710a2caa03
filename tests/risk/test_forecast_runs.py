"""Keeping trained models and forecast runs: the ranking with its changes, the refusal of a
changed table, roles, and the command line end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from tests.conftest import MakeActor
from tests.risk.test_forecast import synthetic_frame
from typer.testing import CliRunner

from tocsin.cli_risk import risk_app
from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, NotFound, ValidationFailed
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.core.settings import Settings
from tocsin.core.tlp import TLP
from tocsin.risk import watch
from tocsin.risk.forecasting import run_forecast, train_and_keep
from tocsin.risk.ranking import TOP, country_trend, ranking

WIDE = {"COLUMNS": "200"}


@pytest.fixture
def table(tmp_path: Path) -> Path:
    path = tmp_path / "country-years.csv"
    synthetic_frame(countries=40, first=1975, last=1995).to_csv(path, index=False)
    return path


def test_a_forecast_is_kept_and_ranked_against_the_run_before(
    db: Database, make_actor: MakeActor, table: Path
) -> None:
    admin = make_actor(Role.ADMIN)
    with db.session() as s:
        model = train_and_keep(s, admin, table, until=1994)
        first = run_forecast(s, admin, 1994)
        second = run_forecast(s, admin, 1995, model_id=model.id)
        assert model.card["period"]["forecasts_from"] == 1994
        assert model.data_sha256 and model.parameters

    with db.session() as s:
        latest = ranking(s, admin)
        assert latest is not None and latest.run.id == second.id
        assert latest.previous is not None and latest.previous.id == first.id
        assert [r.rank for r in latest.rows] == sorted(r.rank for r in latest.rows)
        assert len(latest.rows) == 40
        probabilities = [r.probability for r in latest.rows]
        assert probabilities == sorted(probabilities, reverse=True)
        before = {r.ccode: r for r in ranking(s, admin, first.id).rows}  # type: ignore[union-attr]
        for row in latest.rows:
            assert row.previous_rank == before[row.ccode].rank
            assert row.rank_change == before[row.ccode].rank - row.rank
            assert row.entered_top == (row.rank <= TOP < before[row.ccode].rank)
            assert row.explanation and {"feature", "direction"} <= set(row.explanation[0])
        # The synthetic countries have no ISO code: no trend by country, and no failure.
        assert country_trend(s, admin, "SD") == []
        actions = s.scalars(select(AuditEntry.entity_type)).all()
        assert actions.count("risk_forecast") == 2 and "risk_model" in actions


def test_a_changed_table_is_refused_unless_named(
    db: Database, make_actor: MakeActor, table: Path
) -> None:
    admin = make_actor(Role.ADMIN)
    with db.session() as s:
        train_and_keep(s, admin, table, until=1994)
    table.write_text(table.read_text().replace("Country 1,", "Country One,"))
    with db.session() as s, pytest.raises(ValidationFailed) as refused:
        run_forecast(s, admin, 1995)
    assert refused.value.errors[0].field == "data"
    with db.session() as s:
        run = run_forecast(s, admin, 1995, data=table)
        assert run.countries == 40
    with db.session() as s, pytest.raises(ValidationFailed, match="no country-years for 2001"):
        run_forecast(s, admin, 2001, data=table)


def test_only_forecasters_train_and_runs_respect_sharing_levels(
    db: Database, make_actor: MakeActor, table: Path
) -> None:
    admin, analyst = make_actor(Role.ADMIN), make_actor(Role.ANALYST)
    partner = make_actor(Role.PARTNER_VIEWER)
    with db.session() as s, pytest.raises(Forbidden):
        train_and_keep(s, analyst, table, until=1994)
    with db.session() as s:
        train_and_keep(s, admin, table, until=1994)
        hidden = run_forecast(s, admin, 1994, tlp=TLP.AMBER)
    with db.session() as s:
        assert ranking(s, partner) is None
        with pytest.raises(NotFound):
            ranking(s, partner, hidden.id)
        assert ranking(s, analyst) is not None


def test_training_refuses_a_year_outside_the_table(
    db: Database, make_actor: MakeActor, table: Path
) -> None:
    with db.session() as s, pytest.raises(ValidationFailed) as refused:
        train_and_keep(s, make_actor(Role.ADMIN), table, until=2030)
    assert refused.value.errors[0].field == "until"


def test_the_watchlist_updates_a_place_instead_of_doubling_it(
    db: Database, make_actor: MakeActor
) -> None:
    analyst, documenter = make_actor(Role.ANALYST), make_actor(Role.DOCUMENTER)
    with db.session() as s:
        first = watch.watch(s, analyst, "sd", "North Darfur", "sieges reported")
        again = watch.watch(s, analyst, "SD", "North Darfur", "sieges and looting")
        assert first.id == again.id
    with db.session() as s:
        assert [(w.country, w.area, w.reason) for w in watch.watched(s)] == [
            ("SD", "North Darfur", "sieges and looting")
        ]
        with pytest.raises(Forbidden):
            watch.watch(s, documenter, "SD")
        with pytest.raises(ValidationFailed, match="country"):
            watch.watch(s, analyst, "Sudan")
        watch.unwatch(s, analyst, first.id)
    with db.session() as s:
        assert watch.watched(s) == []


def test_train_forecast_and_backtest_from_the_command_line(
    cli_env: Settings, make_actor: MakeActor, table: Path, tmp_path: Path
) -> None:
    make_actor(Role.COORDINATOR, "coordinator@example.org")
    runner = CliRunner()
    user = ["--user", "coordinator@example.org"]
    trained = runner.invoke(
        risk_app, ["train", "--data", str(table), "--until", "1994", *user], env=WIDE
    )
    assert trained.exit_code == 0, trained.output
    assert "trained" in trained.output
    made = runner.invoke(risk_app, ["forecast", "--year", "1994", "--top", "5", *user], env=WIDE)
    assert made.exit_code == 0, made.output
    assert made.output.count("Country ") == 5
    again = runner.invoke(risk_app, ["forecast", "--year", "1995", *user], env=WIDE)
    assert again.exit_code == 0 and "places gained" in again.output
    out = tmp_path / "scored.csv"
    tested = runner.invoke(
        risk_app,
        ["backtest", "--data", str(table), "--from", "1992", "--to", "1995", "--out", str(out)],
        env=WIDE,
    )
    assert tested.exit_code == 0, tested.output
    assert "ROC AUC" in tested.output
    assert out.read_text().startswith("year,ccode,country,onset,max_probability,min_rank")
    refused = runner.invoke(risk_app, ["forecast", "--year", "1994"], env=WIDE)
    assert refused.exit_code != 0 and "--user" in refused.output
