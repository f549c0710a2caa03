"""The migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from tocsin.core import migrate
from tocsin.core.db import Database
from tocsin.core.registry import load_models


def test_models_and_migrations_agree(db: Database) -> None:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": False, "include_object": migrate.include_object}
        )
        diff = compare_metadata(ctx, load_models())
    assert diff == [], f"models differ from migrations: {diff}"


def test_migrations_are_at_head_and_idempotent(db: Database) -> None:
    before = migrate.current(db.engine)
    migrate.upgrade(db.engine)  # a second run must be a no-op, as `tocsin init` relies on
    assert migrate.current(db.engine) == before == "0015"
    tables = set(inspect(db.engine).get_table_names())
    expected = {"events", "acts", "persons", "audit_log", "custody_entries", "tree_heads"}
    assert expected | {"evidence"} <= tables
