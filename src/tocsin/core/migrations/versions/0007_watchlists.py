"""watchlists

Imported watchlists (Follow the Money entities, the UN Security Council consolidated list, CSV)
and the phonetic and identifier keys that screening looks candidates up by.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "watchlist_entries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("list_name", sa.String(length=60), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("schema", sa.String(length=20), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("birth_dates", sa.JSON(), nullable=False),
        sa.Column("nationalities", sa.JSON(), nullable=False),
        sa.Column("identifiers", sa.JSON(), nullable=False),
        sa.Column("properties", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchlist_entries")),
        sa.UniqueConstraint(
            "list_name", "external_id", name="uq_watchlist_entries_list_external"
        ),
    )
    with op.batch_alter_table("watchlist_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_watchlist_entries_list_name"), ["list_name"])
    op.create_table(
        "watchlist_keys",
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["watchlist_entries.id"],
            name=op.f("fk_watchlist_keys_entry_id_watchlist_entries"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "key", name=op.f("pk_watchlist_keys")),
    )
    with op.batch_alter_table("watchlist_keys", schema=None) as batch_op:
        batch_op.create_index("ix_watchlist_keys_key", ["key", "entry_id"])


def downgrade() -> None:
    op.drop_table("watchlist_keys")
    op.drop_table("watchlist_entries")
