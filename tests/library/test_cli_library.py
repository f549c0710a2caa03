"""`tocsin library import | list | search | show` against a real store (SQLite and PostgreSQL):
a seed imported from the command line is listed, found and shown; bad input and the wrong role
are refused with the field or the permission named, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.conftest import MakeActor
from tests.library.seeds_kit import PARIS_COMMITMENTS, SEEDS, needs_seeds, parsed
from tests.seeding import cheap_hashing
from typer.testing import CliRunner

from tocsin.cli import app
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings
from tocsin.library.store.models import LibraryDocument

WIDE = {"COLUMNS": "250"}
ANALYST, VIEWER = "analyst@example.org", "viewer@example.org"


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")  # the rule layer; embeddings have their test


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["library", *args], env=WIDE)
    return result.exit_code, result.output


def documents(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(LibraryDocument)) or 0


@needs_seeds
def test_import_list_search_show(cli_env: Settings, db: Database, make_actor: MakeActor) -> None:
    make_actor(Role.ANALYST, ANALYST)
    slug = parsed(PARIS_COMMITMENTS).document.slug
    items = len(list(parsed(PARIS_COMMITMENTS).document.items()))

    code, out = run("import", str(SEEDS / PARIS_COMMITMENTS), "--user", ANALYST)
    assert code == 0, out
    # every node is a reference: the items, and the part and section the document leaves out
    assert f"imported {slug}" in out and f"added: {items + 2} ({slug}/-, {slug}/-/-, " in out
    assert f"{items} current, 0 retired" in out and f"classified │ {items}" in out

    code, out = run("list", "--user", ANALYST)
    assert code == 0 and slug in out and f"{items}" in out

    code, out = run("search", "impunity", "--user", ANALYST)
    assert code == 0, out
    assert f"{slug}/-/-/6" in out and "prosecute" in out and "actor:" in out
    code, out = run("search", "impunity", "--document", slug, "--theme", "children",
                    "--limit", "1", "--user", ANALYST)  # fmt: skip
    assert code == 0 and "1 paragraphs" in out, out

    code, out = run("show", f"{slug}/-/-/6", "--user", ANALYST)
    assert code == 0, out
    assert "fight against impunity" in out and "actor" in out and f"{slug}: " in out

    again, out = run("import", str(SEEDS / PARIS_COMMITMENTS), "--user", ANALYST)
    assert again == 0 and "re-imported" in out and "same file" in out and "added: 0" in out


def test_bad_input_is_named_and_nothing_written(
    cli_env: Settings, db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    make_actor(Role.ANALYST, ANALYST)
    make_actor(Role.PARTNER_VIEWER, VIEWER)
    plan = tmp_path / "plan.txt"
    plan.write_text("Plan\n\n1. States should protect defenders.\n", encoding="utf-8")

    code, out = run("import", str(tmp_path / "missing.txt"), "--user", ANALYST)
    assert code == 2 and "FILE: no file" in out
    code, out = run("import", str(plan), "--format", "docx", "--user", ANALYST)
    assert code == 2 and "--format" in out
    code, out = run("import", str(plan), "--slug", "Not A Slug!", "--user", ANALYST)
    assert code == 2 and "slug" in out
    code, out = run("import", str(plan), "--user", VIEWER)
    assert code == 2 and "may not" in out, out
    code, out = run("import", str(plan))
    assert code == 2 and "--user" in out
    assert documents(db) == 0

    assert run("import", str(plan), "--user", ANALYST)[0] == 0
    code, out = run("search", "defenders", "--actor", "wizards", "--user", ANALYST)
    assert code == 2 and "filters.actor" in out and "wizards" in out
    code, out = run("search", "defenders", "--limit", "0", "--user", ANALYST)
    assert code == 2 and "limit" in out
    code, out = run("search", "defenders", "--theme", "x" * 41, "--user", ANALYST)
    assert code == 2 and "--theme" in out
    code, out = run("show", "plan/-/-/9", "--user", VIEWER)
    assert code == 2 and "no such paragraph" in out
