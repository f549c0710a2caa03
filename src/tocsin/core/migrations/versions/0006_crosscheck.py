"""cross-check

Proposed matches and decisions, clusters of records decided to be the same, their history
(append-only, as the audit log), engine settings, and ``sources.repeats_id`` (a source that
repeats another is not independent corroboration).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.core.migrations import append_only

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "match_candidates",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("left_id", sa.String(length=36), nullable=False),
        sa.Column("right_id", sa.String(length=36), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("engine", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("proposed_at", _WHEN, nullable=False),
        sa.Column("decided_by", sa.String(length=36), nullable=True),
        sa.Column("decided_at", _WHEN, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_candidates")),
        sa.UniqueConstraint("kind", "left_id", "right_id", name="uq_match_candidates_pair"),
    )
    with op.batch_alter_table("match_candidates", schema=None) as batch_op:
        batch_op.create_index("ix_match_candidates_queue", ["kind", "status", "score"])
        batch_op.create_index(batch_op.f("ix_match_candidates_left_id"), ["left_id"])
        batch_op.create_index(batch_op.f("ix_match_candidates_right_id"), ["right_id"])
    op.create_table(
        "cluster_members",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("cluster_id", sa.String(length=36), nullable=False),
        sa.Column("joined_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("kind", "record_id", name=op.f("pk_cluster_members")),
    )
    with op.batch_alter_table("cluster_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cluster_members_cluster_id"), ["cluster_id"])
    op.create_table(
        "cluster_changes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("cluster_id", sa.String(length=36), nullable=False),
        sa.Column("record_ids", sa.JSON(), nullable=False),
        sa.Column("candidate_id", sa.String(length=36), nullable=True),
        sa.Column("decided_by", sa.String(length=36), nullable=True),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_changes")),
    )
    with op.batch_alter_table("cluster_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cluster_changes_cluster_id"), ["cluster_id"])
    op.create_table(
        "crosscheck_settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(length=36), nullable=True),
        sa.Column("changed_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_crosscheck_settings")),
    )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("repeats_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_sources_repeats_id"), ["repeats_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_sources_repeats_id_sources"), "sources", ["repeats_id"], ["id"],
            ondelete="SET NULL",
        )
    _protect()


def downgrade() -> None:
    _unprotect()
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_sources_repeats_id_sources"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_sources_repeats_id"))
        batch_op.drop_column("repeats_id")
    op.drop_table("crosscheck_settings")
    op.drop_table("cluster_changes")
    op.drop_table("cluster_members")
    op.drop_table("match_candidates")


def _protect() -> None:
    """The history of merges and splits is append-only in the database itself."""
    append_only.protect("cluster_changes")


def _unprotect() -> None:
    append_only.unprotect("cluster_changes")
