"""`tocsin evidence add` and `tocsin verify`, through the real command line."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import MakeActor
from typer.testing import CliRunner

from tocsin.cases import events
from tocsin.cases.schemas import EventCreate
from tocsin.cli import app
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings
from tocsin.vault.blobs import BlobStore
from tocsin.vault.vault_key import VaultKey, vault_key_path


def test_add_a_folder_then_verify_and_catch_a_flipped_byte(
    cli_env: Settings, db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    doc = make_actor(Role.DOCUMENTER)
    with db.session() as s:
        ev = events.create(s, doc, EventCreate(title="Raid", start="2023-07")).id
    folder = tmp_path / "upload"
    (folder / "day2").mkdir(parents=True)
    (folder / "a.txt").write_bytes(b"first file")
    (folder / "b.txt").write_bytes(b"second file")
    (folder / "day2" / "copy-of-a.txt").write_bytes(b"first file")
    runner = CliRunner()
    args = ["--event", ev, "--kind", "document", "--user", doc.email, "--collected-by", "Team C"]
    added = runner.invoke(app, ["evidence", "add", str(folder), *args])
    assert added.exit_code == 0, added.output
    assert added.output.count("stored") == 2 and added.output.count("duplicate") == 1
    ok = runner.invoke(app, ["verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output

    store = BlobStore(cli_env.evidence_dir, VaultKey.load(vault_key_path(cli_env)))
    blobs = sorted(p for p in cli_env.evidence_dir.rglob("*") if p.is_file())
    assert len(blobs) == 2
    victim = blobs[0]
    victim.chmod(0o600)
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    damaged = runner.invoke(app, ["verify"])
    assert damaged.exit_code == 1, damaged.output
    assert "DAMAGED" in damaged.output
    assert victim.name in damaged.output and str(store.path_of(victim.name)) in damaged.output
    other = blobs[1].name
    assert other not in damaged.output


def test_add_refuses_a_bad_kind_before_storing(
    cli_env: Settings, db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    doc = make_actor(Role.DOCUMENTER)
    with db.session() as s:
        ev = events.create(s, doc, EventCreate(title="Raid", start="2023-07")).id
    (tmp_path / "f.txt").write_bytes(b"x")
    r = CliRunner().invoke(app, ["evidence", "add", str(tmp_path / "f.txt"), "--event", ev,
                                 "--kind", "rumour", "--user", doc.email])  # fmt: skip
    assert r.exit_code == 2 and "kind" in r.output
    assert not any(p.is_file() for p in cli_env.evidence_dir.rglob("*"))


def test_export_an_event_for_a_recipient_then_verify_the_bundle(
    cli_env: Settings, db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    from tests.seeding import Seeder

    from tocsin.vault.store import open_blob_store

    analyst = make_actor(Role.ANALYST)
    seed = Seeder(db, analyst, open_blob_store(cli_env))  # makes the vault key, as init does
    event = seed.event("AMBER").id
    scene = seed.evidence("AMBER", event_id=event).id
    kept = seed.evidence("AMBER", event_id=event, person_id=seed.person("AMBER").id).id
    out = tmp_path / "for-icc.zip"
    runner = CliRunner()
    args = ["evidence", "export", "--event", event, "--for", "icc", "-o", str(out)]
    done = runner.invoke(app, [*args, "--user", analyst.email])
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())
    assert "1 file, " in said and f"withheld evidence {kept}" in said
    assert out.exists() and scene
    checked = runner.invoke(app, ["verify", str(out)])
    assert checked.exit_code == 0 and "VERDICT: INTACT" in checked.output, checked.output
    again = runner.invoke(app, [*args, "--user", analyst.email])
    assert again.exit_code == 2 and "never overwritten" in " ".join(again.output.split())
    refused = runner.invoke(app, [*args[:-2], "-o", str(tmp_path / "x.zip"), "--identify",
                                  "--user", analyst.email])  # fmt: skip
    assert refused.exit_code == 2 and "may not identify" in refused.output
