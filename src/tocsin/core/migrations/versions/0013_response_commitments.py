"""response commitments

Commitments made by actors (optionally on a paragraph of the action library) and the judgements
of their implementation over time. Judgements are append-only, as alert_changes: the current
status is the latest of them, and a correction is a new one.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.core.migrations import append_only

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)
_COMMITMENTS = "response_commitments"
_JUDGEMENTS = "response_judgements"


def upgrade() -> None:
    op.create_table(
        _COMMITMENTS,
        sa.Column("actor_name", sa.String(length=300), nullable=False),
        sa.Column("actor_kind", sa.String(length=40), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("node_id", sa.String(length=36), nullable=True),
        sa.Column("document_id", sa.String(length=36), nullable=True),
        sa.Column("document_title", sa.String(length=500), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tlp", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["library_nodes.id"],
            name=op.f("fk_response_commitments_node_id_library_nodes"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["library_documents.id"],
            name=op.f("fk_response_commitments_document_id_library_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_commitments")),
    )
    with op.batch_alter_table(_COMMITMENTS, schema=None) as batch_op:
        batch_op.create_index("ix_response_commitments_actor_due", ["actor_name", "due_on"])
        batch_op.create_index(batch_op.f("ix_response_commitments_node_id"), ["node_id"])
        batch_op.create_index(batch_op.f("ix_response_commitments_document_id"), ["document_id"])
        batch_op.create_index(batch_op.f("ix_response_commitments_country"), ["country"])
        batch_op.create_index(batch_op.f("ix_response_commitments_tlp"), ["tlp"])
        batch_op.create_index(batch_op.f("ix_response_commitments_created_by"), ["created_by"])
    op.create_table(
        _JUDGEMENTS,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("commitment_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("event_ids", sa.JSON(), nullable=False),
        sa.Column("evidence_ids", sa.JSON(), nullable=False),
        sa.Column("urls", sa.JSON(), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("judged_by", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["response_commitments.id"],
            name=op.f("fk_response_judgements_commitment_id_response_commitments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_judgements")),
    )
    with op.batch_alter_table(_JUDGEMENTS, schema=None) as batch_op:
        batch_op.create_index(
            "ix_response_judgements_order", ["commitment_id", "as_of", "recorded_at"]
        )
    append_only.protect(_JUDGEMENTS)


def downgrade() -> None:
    append_only.unprotect(_JUDGEMENTS)
    op.drop_table(_JUDGEMENTS)
    op.drop_table(_COMMITMENTS)
