"""Alembic environment: the engine comes from the caller (tocsin.core.migrate)."""

from __future__ import annotations

from alembic import context

from tocsin.core.migrate import include_object
from tocsin.core.registry import load_models

metadata = load_models()
engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    context.run_migrations()
