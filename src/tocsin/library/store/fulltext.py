"""Full-text search over items: SQLite FTS5 or PostgreSQL text search, behind one function.

SQLite: ``library_nodes_fts`` (migration 0012) holds each item's heading and text with its node
and document ids. It is a table of its own rather than an index over ``library_nodes``' rowids,
which VACUUM may renumber; the service refills a document's rows at every import
(:func:`index_document`), and :func:`rebuild_search_index` refills all of them (after restoring a
backup, which carries only model tables). Ranked by BM25, headings counting double.

PostgreSQL: an expression GIN index over the nodes themselves, so nothing needs refilling;
ranked by ``ts_rank``. On both, every word must match, by prefix; case does not matter.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, Select, String, func, literal_column, select, text
from sqlalchemy.orm import Session

from tocsin.cases.search import words
from tocsin.library.store.models import LibraryDocument, LibraryNode
from tocsin.library.store.vocabulary import NodeKind

# Spelled exactly as the index in migration 0012, so the planner can use it.
PG_DOCUMENT = (
    "to_tsvector('simple', coalesce(library_nodes.heading, '') || ' ' || "
    "coalesce(library_nodes.text, ''))"
)
_FILL = (
    "INSERT INTO library_nodes_fts(node_id, document_id, heading, body) "
    "SELECT id, document_id, heading, text FROM library_nodes WHERE kind = :item"
)


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_document(session: Session, document_id: str) -> None:
    """Refill the search rows of one document's items (SQLite; PostgreSQL needs nothing)."""
    if not _sqlite(session):
        return
    session.flush()
    params = {"d": document_id, "item": NodeKind.ITEM.value}
    session.execute(text("DELETE FROM library_nodes_fts WHERE document_id = :d"), params)
    session.execute(text(_FILL + " AND document_id = :d"), params)


def rebuild_search_index(session: Session) -> int:
    """Refill the whole SQLite search table from the nodes; returns the items indexed."""
    if not _sqlite(session):
        return 0
    session.flush()
    session.execute(text("DELETE FROM library_nodes_fts"))
    session.execute(text(_FILL), {"item": NodeKind.ITEM.value})
    return int(session.scalar(text("SELECT count(*) FROM library_nodes_fts")) or 0)


def search_is_empty(session: Session) -> bool:
    """True when SQLite's search table is empty although items exist (e.g. after a restore)."""
    if not _sqlite(session):
        return False
    indexed = session.scalar(text("SELECT 1 FROM library_nodes_fts LIMIT 1"))
    stored = session.scalar(select(LibraryNode.id).where(LibraryNode.kind == NodeKind.ITEM.value)
                            .limit(1))  # fmt: skip
    return indexed is None and stored is not None


def text_hits(
    session: Session, query: str, conditions: list[ColumnElement[bool]], limit: int
) -> list[tuple[str, float]]:
    """(node id, score) of the items matching every word of ``query`` and ``conditions`` (on
    library_nodes and library_documents), best first; a higher score is a better match."""
    found = words(query)
    if not found:
        return []
    statement: Select[Any]
    if _sqlite(session):
        expression = " AND ".join(f'"{w}"*' for w in found)
        fts = (
            text(
                "SELECT node_id, bm25(library_nodes_fts, 0.0, 0.0, 2.0, 1.0) AS rank "
                "FROM library_nodes_fts WHERE library_nodes_fts MATCH :fts_query"
            )
            .bindparams(fts_query=expression)
            .columns(node_id=String, rank=Float)
            .subquery("fts")
        )
        statement = (
            select(LibraryNode.id, -fts.c.rank)
            .join(fts, fts.c.node_id == LibraryNode.id)
            .join(LibraryDocument, LibraryDocument.id == LibraryNode.document_id)
            .where(*conditions)
            .order_by(fts.c.rank, LibraryNode.reference)
        )
    else:
        document: ColumnElement[Any] = literal_column(PG_DOCUMENT)
        tsquery = func.to_tsquery("simple", " & ".join(f"{w}:*" for w in found))
        rank = func.ts_rank(document, tsquery)
        statement = (
            select(LibraryNode.id, rank)
            .join(LibraryDocument, LibraryDocument.id == LibraryNode.document_id)
            .where(document.op("@@")(tsquery), *conditions)
            .order_by(rank.desc(), LibraryNode.reference)
        )
    return [(node_id, float(score)) for node_id, score in session.execute(statement.limit(limit))]
