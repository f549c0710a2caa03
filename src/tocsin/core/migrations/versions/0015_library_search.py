"""library search

Faster library search at 100,000 paragraphs, with the same answers:
- SQLite: the FTS5 table is recreated with prefix indexes of two and three characters, so a
  short prefix term (``"on"*``, ``"by"*``) reads one precomputed list instead of merging the
  lists of every word it begins; the table is refilled from the nodes here.
- both: the label index also holds the node id, so a label filter reads its items from the
  index alone instead of one table row per item.
- PostgreSQL: the text-search document is a stored generated column with its GIN index, so
  ranking a match reads its tsvector instead of recomputing it (the expression index goes).

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FTS_COLUMNS = (
    "node_id UNINDEXED, document_id UNINDEXED, heading, body, "
    "tokenize='unicode61 remove_diacritics 2'"
)
_PG_DOCUMENT = "to_tsvector('simple', coalesce(heading, '') || ' ' || coalesce(text, ''))"
# Spelled exactly as in migration 0012, for the downgrade.
_PG_EXPRESSION = (
    "to_tsvector('simple', coalesce(library_nodes.heading, '') || ' ' || "
    "coalesce(library_nodes.text, ''))"
)
_OLD_LABEL_INDEX = "ix_library_labels_dimension_label"
_LABEL_INDEX = "ix_library_labels_dimension_label_node"


def upgrade() -> None:
    op.drop_index(_OLD_LABEL_INDEX, table_name="library_labels")
    op.create_index(_LABEL_INDEX, "library_labels", ["dimension", "label", "node_id"])
    if op.get_bind().dialect.name == "sqlite":
        _fts(prefix=", prefix='2 3'")
        return
    op.execute("DROP INDEX IF EXISTS ix_library_nodes_search")
    op.execute(
        "ALTER TABLE library_nodes ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({_PG_DOCUMENT}) STORED"
    )
    op.execute(
        "CREATE INDEX ix_library_nodes_search_vector ON library_nodes USING gin (search_vector)"
    )


def downgrade() -> None:
    op.drop_index(_LABEL_INDEX, table_name="library_labels")
    op.create_index(_OLD_LABEL_INDEX, "library_labels", ["dimension", "label"])
    if op.get_bind().dialect.name == "sqlite":
        _fts(prefix="")
        return
    op.execute("DROP INDEX IF EXISTS ix_library_nodes_search_vector")
    op.execute("ALTER TABLE library_nodes DROP COLUMN IF EXISTS search_vector")
    op.execute(
        f"CREATE INDEX ix_library_nodes_search ON library_nodes USING gin ({_PG_EXPRESSION})"
    )


def _fts(prefix: str) -> None:
    """Recreate SQLite's search table with or without prefix indexes, and refill it as
    library.store.fulltext.rebuild_search_index does (an FTS5 table's options cannot be
    altered in place)."""
    op.execute("DROP TABLE IF EXISTS library_nodes_fts")
    op.execute(f"CREATE VIRTUAL TABLE library_nodes_fts USING fts5({_FTS_COLUMNS}{prefix})")
    op.execute(
        "INSERT INTO library_nodes_fts(node_id, document_id, heading, body) "
        "SELECT id, document_id, heading, text FROM library_nodes WHERE kind = 'item'"
    )
    op.execute("INSERT INTO library_nodes_fts(library_nodes_fts) VALUES('optimize')")
