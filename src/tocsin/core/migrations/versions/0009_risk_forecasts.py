"""risk forecasts

Trained statistical models (parameters as JSON with the hash of their data), forecast runs and
each country's probability with the predictors that explain it; the horizon-scan watchlist.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "risk_models",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("trained_until", sa.Integer(), nullable=False),
        sa.Column("data_name", sa.Text(), nullable=False),
        sa.Column("data_path", sa.Text(), nullable=False),
        sa.Column("data_sha256", sa.String(length=64), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("train_seconds", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_models")),
    )
    op.create_table(
        "risk_forecast_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("model_id", sa.String(length=36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("countries", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.SmallInteger(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"], ["risk_models.id"],
            name=op.f("fk_risk_forecast_runs_model_id_risk_models"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_forecast_runs")),
    )
    with op.batch_alter_table("risk_forecast_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_forecast_runs_model_id"), ["model_id"])
        batch_op.create_index("ix_risk_forecast_runs_year", ["year", "created_at"])
    op.create_table(
        "risk_country_forecasts",
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("ccode", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["risk_forecast_runs.id"],
            name=op.f("fk_risk_country_forecasts_run_id_risk_forecast_runs"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "ccode", name=op.f("pk_risk_country_forecasts")),
    )
    with op.batch_alter_table("risk_country_forecasts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_country_forecasts_country"), ["country"])
    op.create_table(
        "risk_watch_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=36), nullable=True),
        sa.Column("added_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_watch_items")),
    )
    with op.batch_alter_table("risk_watch_items", schema=None) as batch_op:
        batch_op.create_index("uq_risk_watch_items_place", ["country", "area"], unique=True)


def downgrade() -> None:
    op.drop_table("risk_watch_items")
    op.drop_table("risk_country_forecasts")
    op.drop_table("risk_forecast_runs")
    op.drop_table("risk_models")
