"""escalation

The escalation clock's record (append-only, as alert_changes), the mark of an alert whose chain
ran out, and outbox rows that go to one person's account rather than to a subscription
(escalation notices): ``subscription_id`` becomes optional, beside ``recipient_user_id`` and
``purpose``, exactly one of the two recipients set.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.core.migrations import append_only

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)
_TABLE = "alert_escalations"


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalation_exhausted_at", _WHEN, nullable=True))
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.alter_column("subscription_id", existing_type=sa.String(length=36), nullable=True)
        batch_op.add_column(sa.Column("recipient_user_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("purpose", sa.String(length=12), nullable=False,
                                      server_default="alert"))
        batch_op.create_check_constraint(
            op.f("ck_alert_deliveries_one_recipient"),
            "(subscription_id IS NULL) <> (recipient_user_id IS NULL)",
        )
    op.create_table(
        _TABLE,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("alert_id", sa.String(length=36), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("chain_id", sa.String(length=36), nullable=True),
        sa.Column("notified", sa.JSON(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("missed_deadline", _WHEN, nullable=False),
        sa.Column("next_deadline", _WHEN, nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_escalations_alert_id_alerts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_escalations")),
        sa.UniqueConstraint("alert_id", "level", name="uq_alert_escalations_level"),
    )
    with op.batch_alter_table(_TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_escalations_alert_id"), ["alert_id"])
    _protect()


def downgrade() -> None:
    _unprotect()
    op.drop_table(_TABLE)
    # Notices to people have no subscription: they cannot stay once one is required again.
    op.execute("DELETE FROM alert_deliveries WHERE subscription_id IS NULL")
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_alert_deliveries_one_recipient"), type_="check")
        batch_op.drop_column("purpose")
        batch_op.drop_column("recipient_user_id")
        batch_op.alter_column("subscription_id", existing_type=sa.String(length=36),
                              nullable=False)
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_column("escalation_exhausted_at")


def _protect() -> None:
    """Whom the clock called, and when, is never rewritten."""
    append_only.protect(_TABLE)


def _unprotect() -> None:
    append_only.unprotect(_TABLE)
