"""dashboard indexes

The dashboard's figures are cached and checked against a data version (row counts and the
newest ``updated_at`` of events and acts) on every view: with these indexes that check reads a
few index pages instead of every row. Its list of the newest events awaiting verification walks
(status, created_at, id) backwards and stops after ten rows instead of sorting every match.
Its counts by day and place, and victims by act type, read covering indexes in order instead of
sorting every row (about five times faster at 100,000 events).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_updated_at", ["updated_at"], unique=False)
        batch_op.create_index(
            "ix_events_status_created", ["status", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_events_day_place",
            ["start_date", "country", "admin_area", "tlp", "created_by"],
            unique=False,
        )
    with op.batch_alter_table("acts", schema=None) as batch_op:
        batch_op.create_index("ix_acts_updated_at", ["updated_at"], unique=False)
        batch_op.create_index(
            "ix_acts_day_place",
            [
                "start_date",
                "country",
                "admin_area",
                "victim_count",
                "tlp",
                "created_by",
                "event_id",
            ],
            unique=False,
        )
        batch_op.drop_index("ix_acts_type_event")
        batch_op.create_index(
            "ix_acts_type_event",
            ["act_type", "event_id", "tlp", "created_by", "victim_count"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("acts", schema=None) as batch_op:
        batch_op.drop_index("ix_acts_type_event")
        batch_op.create_index(
            "ix_acts_type_event", ["act_type", "event_id", "tlp", "created_by"], unique=False
        )
        batch_op.drop_index("ix_acts_day_place")
        batch_op.drop_index("ix_acts_updated_at")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_day_place")
        batch_op.drop_index("ix_events_status_created")
        batch_op.drop_index("ix_events_updated_at")
