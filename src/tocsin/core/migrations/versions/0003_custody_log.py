"""custody log

The evidence vault's chain-of-custody log (tocsin.vault.custody): entries (the Merkle leaves),
the perfect subtree hashes that make proofs cheap, and signed tree heads. Like the audit log,
all three are append-only in the database itself: triggers refuse UPDATE and DELETE.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("custody_entries", "custody_nodes", "tree_heads")
_BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "custody_entries",
        sa.Column("seq", _BIGINT, autoincrement=False, nullable=False),
        sa.Column("entry", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject_sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("who", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_custody_entries")),
    )
    with op.batch_alter_table("custody_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_custody_entries_subject_sha256"), ["subject_sha256"], unique=False
        )
    op.create_table(
        "custody_nodes",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_custody_nodes")),
    )
    op.create_table(
        "tree_heads",
        sa.Column("id", _BIGINT, autoincrement=True, nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("timestamp_ms", sa.BigInteger(), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tree_heads")),
    )
    with op.batch_alter_table("tree_heads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tree_heads_tree_size"), ["tree_size"], unique=False)
    _protect()


def downgrade() -> None:
    _unprotect()
    with op.batch_alter_table("tree_heads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tree_heads_tree_size"))
    op.drop_table("tree_heads")
    op.drop_table("custody_nodes")
    with op.batch_alter_table("custody_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_entries_subject_sha256"))
    op.drop_table("custody_entries")


def _protect() -> None:
    """Append-only in the database itself, as the audit log is (migration 0001)."""
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        return
    op.execute(
        "CREATE FUNCTION custody_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
    )
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION custody_append_only()"
        )


def _unprotect() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        return
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
    op.execute("DROP FUNCTION IF EXISTS custody_append_only()")
