"""`tocsin watchlist import` then `tocsin screen`: the output file holds each row's best hits
with a score and a one-line explanation; a bad input file is refused with its line named."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.conftest import MakeActor
from typer.testing import CliRunner

from tocsin.cli import app
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

DATA = Path(__file__).parent / "data"


def test_import_then_screen_a_file(
    cli_env: Settings, db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    admin = make_actor(Role.ADMIN)
    runner = CliRunner()
    done = runner.invoke(app, ["watchlist", "import", str(DATA / "consolidated.xml"),
                               "--format", "un", "--list", "un-sc", "--user", admin.email])
    assert done.exit_code == 0, done.output
    assert "added" in done.output and "3" in done.output
    applicants = tmp_path / "applicants.csv"
    applicants.write_text(
        "id,name,birth_date,nationality,identifiers\n"
        "a1,Husain Abdurrahman Jubouri,1968,IQ,\n"
        "a2,Nadia Karim Mansour,1990,FR,\n"
        "a3,Samira Tawfik,1976,,\n", encoding="utf-8")  # fmt: skip
    out = tmp_path / "hits.csv"
    run = runner.invoke(app, ["screen", str(applicants), "-o", str(out), "--user", admin.email])
    assert run.exit_code == 0, run.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    by_id: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_id.setdefault(row["id"], []).append(row)
    assert set(by_id) == {"a1", "a2", "a3"}
    assert by_id["a1"][0]["external_id"] == "900001" and float(by_id["a1"][0]["score"]) > 0.9
    assert "name " in by_id["a1"][0]["explanation"]
    assert "birth_date same_year" in by_id["a3"][0]["explanation"]
    assert by_id["a2"][0]["explanation"] == "no hit" and len(by_id["a2"]) == 1

    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,nationality\nb1,Ali Omar,Atlantis\n", encoding="utf-8")
    refused = runner.invoke(app, ["screen", str(bad), "--user", admin.email])
    assert refused.exit_code == 2
    assert "line 2 nationality" in refused.output
