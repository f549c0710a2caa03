"""library

The action library: documents with their import history, nodes (parts, sections, items), labels,
analysts' label corrections (append-only, as alert_changes), links between nodes and embeddings.
Full-text search: on SQLite an FTS5 table that the library service fills (library.store.fulltext),
on PostgreSQL a GIN index on the nodes' text.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.core.migrations import append_only

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)
_REF = sa.String(length=500)
_APPEND_ONLY = "library_label_corrections"
# Spelled exactly as library.store.fulltext.PG_DOCUMENT, so the planner uses the index.
_PG_DOCUMENT = (
    "to_tsvector('simple', coalesce(library_nodes.heading, '') || ' ' || "
    "coalesce(library_nodes.text, ''))"
)


def upgrade() -> None:
    _documents()
    _nodes()
    _labels()
    _links()
    _protect()
    _search()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS library_nodes_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_library_nodes_search")
    _unprotect()
    for table in ("library_embeddings", "library_links", "library_label_corrections",
                  "library_labels", "library_nodes", "library_imports", "library_documents"):
        op.drop_table(table)


def _documents() -> None:
    op.create_table(
        "library_documents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tlp", sa.SmallInteger(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("source_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=12), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("imported_at", _WHEN, nullable=False),
        sa.Column("imported_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_documents")),
        sa.UniqueConstraint("slug", name=op.f("uq_library_documents_slug")),
    )
    with op.batch_alter_table("library_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_library_documents_tlp"), ["tlp"])
        batch_op.create_index(batch_op.f("ix_library_documents_created_by"), ["created_by"])
    op.create_table(
        "library_imports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source_name", sa.String(length=500), nullable=False),
        sa.Column("format", sa.String(length=12), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["library_documents.id"],
            name=op.f("fk_library_imports_document_id_library_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_imports")),
    )
    with op.batch_alter_table("library_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_library_imports_document_id"), ["document_id"])


def _nodes() -> None:
    op.create_table(
        "library_nodes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("reference", _REF, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("item_kind", sa.String(length=12), nullable=True),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("heading", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("parent_reference", _REF, nullable=True),
        sa.Column("parent_item", _REF, nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line_first", sa.Integer(), nullable=False),
        sa.Column("line_last", sa.Integer(), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("footnotes", sa.JSON(), nullable=False),
        sa.Column("inferred", sa.Boolean(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("text_sha", sa.String(length=64), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.Column("retired_at", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["library_documents.id"],
            name=op.f("fk_library_nodes_document_id_library_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_nodes")),
        sa.UniqueConstraint("reference", name=op.f("uq_library_nodes_reference")),
    )
    with op.batch_alter_table("library_nodes", schema=None) as batch_op:
        batch_op.create_index("ix_library_nodes_document_position", ["document_id", "position"])
        batch_op.create_index(batch_op.f("ix_library_nodes_text_sha"), ["text_sha"])
    op.create_table(
        "library_embeddings",
        sa.Column("node_id", sa.String(length=36), nullable=False),
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("dims", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("text_sha", sa.String(length=64), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"], ["library_nodes.id"],
            name=op.f("fk_library_embeddings_node_id_library_nodes"),
        ),
        sa.PrimaryKeyConstraint("node_id", "model", name=op.f("pk_library_embeddings")),
    )
    with op.batch_alter_table("library_embeddings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_library_embeddings_at"), ["at"])


def _labels() -> None:
    op.create_table(
        "library_labels",
        sa.Column("node_id", sa.String(length=36), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("by", sa.String(length=36), nullable=True),
        sa.Column("at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"], ["library_nodes.id"],
            name=op.f("fk_library_labels_node_id_library_nodes"),
        ),
        sa.PrimaryKeyConstraint("node_id", "dimension", "label", name=op.f("pk_library_labels")),
    )
    with op.batch_alter_table("library_labels", schema=None) as batch_op:
        batch_op.create_index("ix_library_labels_dimension_label", ["dimension", "label"])
    op.create_table(
        _APPEND_ONLY,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("node_id", sa.String(length=36), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("text_sha", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=36), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"], ["library_nodes.id"],
            name=op.f("fk_library_label_corrections_node_id_library_nodes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_label_corrections")),
    )
    with op.batch_alter_table(_APPEND_ONLY, schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_library_label_corrections_node_id"), ["node_id"])
        batch_op.create_index(batch_op.f("ix_library_label_corrections_text_sha"), ["text_sha"])


def _links() -> None:
    op.create_table(
        "library_links",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("from_node_id", sa.String(length=36), nullable=False),
        sa.Column("to_node_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("decided_by", sa.String(length=36), nullable=True),
        sa.Column("decided_at", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["from_node_id"], ["library_nodes.id"],
            name=op.f("fk_library_links_from_node_id_library_nodes"),
        ),
        sa.ForeignKeyConstraint(
            ["to_node_id"], ["library_nodes.id"],
            name=op.f("fk_library_links_to_node_id_library_nodes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_links")),
        sa.UniqueConstraint("from_node_id", "to_node_id", name="uq_library_links_pair"),
    )
    with op.batch_alter_table("library_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_library_links_from_node_id"), ["from_node_id"])
        batch_op.create_index(batch_op.f("ix_library_links_to_node_id"), ["to_node_id"])


def _protect() -> None:
    """What analysts said a paragraph is about is never rewritten: later imports learn from it."""
    append_only.protect(_APPEND_ONLY)


def _unprotect() -> None:
    append_only.unprotect(_APPEND_ONLY)


def _search() -> None:
    """Full-text search over the nodes' heading and text. SQLite: an FTS5 table of its own
    (not external content: a table without an INTEGER PRIMARY KEY may have its rowids renumbered
    by VACUUM), filled by the service. PostgreSQL: an expression index the planner uses."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE library_nodes_fts USING fts5(node_id UNINDEXED, "
            "document_id UNINDEXED, heading, body, tokenize='unicode61 remove_diacritics 2')"
        )
        return
    op.execute(f"CREATE INDEX ix_library_nodes_search ON library_nodes USING gin ({_PG_DOCUMENT})")
