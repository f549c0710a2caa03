"""response plans

Response plans drawn from a situation for one actor: the plan with its situation snapshot, its
items (library paragraphs with the explanation and score that put them there), and the history
of its changes, append-only as alert_changes.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.core.migrations import append_only

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)
_CHANGES = "response_plan_changes"


def upgrade() -> None:
    _plans()
    _items()
    _changes()
    append_only.protect(_CHANGES)


def downgrade() -> None:
    append_only.unprotect(_CHANGES)
    for table in (_CHANGES, "response_plan_items", "response_plans"):
        op.drop_table(table)


def _plans() -> None:
    op.create_table(
        "response_plans",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tlp", sa.SmallInteger(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("admin_area", sa.String(length=200), nullable=True),
        sa.Column("alert_id", sa.String(length=36), nullable=True),
        sa.Column("assessment_id", sa.String(length=36), nullable=True),
        sa.Column("situation", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("sphere", sa.String(length=20), nullable=True),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_plans")),
    )
    with op.batch_alter_table("response_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_response_plans_tlp"), ["tlp"])
        batch_op.create_index(batch_op.f("ix_response_plans_created_by"), ["created_by"])
        batch_op.create_index(batch_op.f("ix_response_plans_country"), ["country"])
        batch_op.create_index(batch_op.f("ix_response_plans_alert_id"), ["alert_id"])
        batch_op.create_index(batch_op.f("ix_response_plans_status"), ["status"])


def _items() -> None:
    op.create_table(
        "response_plan_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("node_id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=500), nullable=False),
        sa.Column("by_hand", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("responsible", sa.String(length=300), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["response_plans.id"],
            name=op.f("fk_response_plan_items_plan_id_response_plans"),
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["library_nodes.id"],
            name=op.f("fk_response_plan_items_node_id_library_nodes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_plan_items")),
        sa.UniqueConstraint("plan_id", "node_id", name="uq_response_plan_items_node"),
    )
    with op.batch_alter_table("response_plan_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_response_plan_items_plan_id"), ["plan_id"])
        batch_op.create_index(batch_op.f("ix_response_plan_items_node_id"), ["node_id"])


def _changes() -> None:
    op.create_table(
        _CHANGES,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("by", sa.String(length=36), nullable=True),
        sa.Column("at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["response_plans.id"],
            name=op.f("fk_response_plan_changes_plan_id_response_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_plan_changes")),
    )
    with op.batch_alter_table(_CHANGES, schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_response_plan_changes_plan_id"), ["plan_id"])
