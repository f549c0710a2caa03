"""evidence working copies

``evidence.derived_from``: a working copy (metadata stripped for sharing) names the record of
the original it was made from; the original is never changed.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("derived_from", sa.String(length=36), nullable=True))
        batch_op.create_index("ix_evidence_derived_from", ["derived_from"], unique=False)
        batch_op.create_foreign_key(
            "fk_evidence_derived_from_evidence",
            "evidence",
            ["derived_from"],
            ["id"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_constraint("fk_evidence_derived_from_evidence", type_="foreignkey")
        batch_op.drop_index("ix_evidence_derived_from")
        batch_op.drop_column("derived_from")
