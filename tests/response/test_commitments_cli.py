"""`tocsin response commitments list | report`: a filter the store would refuse is a problem
named after its option, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import MakeActor
from tests.seeding import cheap_hashing
from typer.testing import CliRunner

from tocsin.cli import app
from tocsin.core.roles import Role
from tocsin.core.settings import Settings


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["list", "--country", "ABCD"], "--country"),
        (["list", "--status", "x" * 30], "--status"),
        (["report", "--format", "csv", "--status", "x" * 30], "--status"),
        (["report", "--format", "csv", "--document", "d" * 600], "--document"),
    ],
)
def test_a_bad_filter_names_its_option(
    cli_env: Settings, make_actor: MakeActor, tmp_path: Path, args: list[str], option: str
) -> None:
    who = make_actor(Role.ADMIN)
    out = tmp_path / "report.csv"
    extra = ["-o", str(out)] if args[0] == "report" else []
    result = CliRunner().invoke(
        app, ["response", "commitments", *args, *extra, "--user", who.email],
        env={"COLUMNS": "250"},
    )  # fmt: skip
    assert result.exit_code == 2 and result.exception is not None
    assert isinstance(result.exception, SystemExit)
    assert f"{option}:" in result.output and "Traceback" not in result.output
    assert not out.exists()
