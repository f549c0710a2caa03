"""Run Alembic migrations from inside the package, with no alembic.ini on disk."""

from __future__ import annotations

from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

# Schema objects written by hand in migrations (search tables and indexes), which the models
# do not describe: comparing models with the database must not ask to drop them.
HAND_WRITTEN_PREFIXES = (
    "events_fts", "ix_events_search", "library_nodes_fts", "ix_library_nodes_search",
    "search_vector",  # library_nodes' generated tsvector column on PostgreSQL (0015)
)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return not (reflected and compare_to is None and (name or "").startswith(HAND_WRITTEN_PREFIXES))


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("tocsin.core") / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def current(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
