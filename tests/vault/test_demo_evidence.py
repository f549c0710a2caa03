"""`tocsin demo load` gives the most recent demo events evidence: photos with EXIF, notes and
witness statements, all stored, logged and verifiable."""

from __future__ import annotations

from sqlalchemy import func, select
from typer.testing import CliRunner

from tocsin.cli import app
from tocsin.core.db import Database
from tocsin.core.settings import Settings
from tocsin.vault.models import CustodyEntry, Evidence, StoredTreeHead


def test_demo_load_adds_verifiable_evidence(cli_env: Settings, db: Database) -> None:
    runner = CliRunner()
    loaded = runner.invoke(
        app, ["demo", "load", "--events", "40", "--evidence-events", "4", "--no-forecast"]
    )
    assert loaded.exit_code == 0, loaded.output
    with db.session() as s:
        rows = s.scalars(select(Evidence)).all()
        kinds = sorted(r.kind for r in rows)
        photos = [r for r in rows if r.kind == "photo"]
        assert kinds.count("photo") == 4 and kinds.count("document") == 4
        assert 0 < kinds.count("witness_statement") <= 4
        # The photo's own EXIF was read at ingest, apart from what the collector states.
        assert all(p.extracted["device"]["make"] == "Demo Phones" for p in photos)
        assert all(p.extracted.get("taken_at") for p in photos)
        assert s.scalar(select(func.count()).select_from(CustodyEntry)) == 2 * len(rows)
        assert s.scalar(select(func.count()).select_from(StoredTreeHead)) >= 1
    assert f"{len(rows)} demo evidence files added" in loaded.output
    verified = runner.invoke(app, ["verify"])
    assert verified.exit_code == 0 and "intact" in verified.output, verified.output
