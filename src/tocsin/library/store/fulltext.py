"""Full-text search over items: SQLite FTS5 or PostgreSQL text search, behind one function.

SQLite: ``library_nodes_fts`` (migration 0012) holds each item's heading and text with its node
and document ids. It is a table of its own rather than an index over ``library_nodes``' rowids,
which VACUUM may renumber; the service refills a document's rows at every import
(:func:`index_document`), and :func:`rebuild_search_index` refills all of them (after restoring a
backup, which carries only model tables). Ranked by BM25, headings counting double.

SQLite's table has prefix indexes of two and three characters (migration 0015): a query's
short words match by prefix as its long ones do, without merging the lists of every word they
begin.

PostgreSQL: a stored generated ``tsvector`` column over the nodes themselves with its GIN index
(migration 0015), so nothing needs refilling and ranking by ``ts_rank`` reads each match's
stored document instead of recomputing it. On both, every word must match, by prefix; case does
not matter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Float, Select, String, func, literal_column, select, text
from sqlalchemy.orm import Session

from tocsin.cases.search import words
from tocsin.library.store.models import LibraryDocument, LibraryLabel, LibraryNode
from tocsin.library.store.vocabulary import NodeKind

# The generated column of migration 0015: heading and text under the 'simple' configuration.
PG_DOCUMENT = "library_nodes.search_vector"
# Ranked by BM25, headings counting double; lower is better, as FTS5 gives it.
_MATCHES = (
    "SELECT node_id, bm25(library_nodes_fts, 0.0, 0.0, 2.0, 1.0) AS rank "
    "FROM library_nodes_fts WHERE library_nodes_fts MATCH :fts_query"
)
_IN_DOCUMENT = " AND document_id = :document_id"
# SQLite reads the label's items once (from the label index alone, 0015) and probes that set
# for each match, so a narrow label is ranked among its own items instead of among all.
_WITH_LABEL = (
    " AND node_id IN (SELECT node_id FROM library_labels"
    " WHERE dimension = :dimension AND label = :label)"
)
_ORDER = " ORDER BY rank LIMIT :depth"
MAX_DEPTH = 20_000  # matches ranked in a round; deeper, every match is ranked at once
# Tests candidate ids against the search's filters: the kept ones, each with its reference.
Passing = Callable[[list[str]], dict[str, str]]
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
    # one segment instead of the many a bulk refill leaves: ranking a common word reads every
    # segment's entries for it (at 100,000 items, 30 ms instead of 50)
    session.execute(text("INSERT INTO library_nodes_fts(library_nodes_fts) VALUES('optimize')"))
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
    session: Session, query: str, passing: Passing, limit: int,
    document_id: str | None = None, narrowest: tuple[str, str] | None = None,
) -> list[tuple[str, float]]:  # fmt: skip
    """(node id, score) of the items matching every word of ``query`` that ``passing`` keeps
    (it returns the kept ids with their references), best first; a higher score is a better
    match. ``document_id`` and ``narrowest`` (the rarest label filter, (dimension, code)), when
    given, must be among what ``passing`` tests: they only let the database skip other rows
    before ranking them.

    Ranking every match is cheap inside the full-text index but testing every match against the
    filters is not: a common word matches most of a large library. So the best ``depth``
    matches are ranked first and only those are tested, deeper while too few pass. The answer
    is the same as testing every match: whatever was not fetched ranks at or below the last
    fetched. When the first round is not enough and a label filter is set, later rounds rank
    only that label's items: a narrow label otherwise needs rounds of tens of thousands."""
    found = words(query)
    if not found:
        return []
    if _sqlite(session):
        expression = " AND ".join(f'"{w}"*' for w in found)
        return _sqlite_hits(session, expression, passing, limit, document_id, narrowest)
    return _pg_hits(session, " & ".join(f"{w}:*" for w in found), passing, limit, document_id,
                    narrowest)  # fmt: skip


def _sqlite_hits(
    session: Session, expression: str, passing: Passing, limit: int,
    document_id: str | None, narrowest: tuple[str, str] | None,
) -> list[tuple[str, float]]:  # fmt: skip
    """FTS5 orders by rank alone, so ties at the last fetched rank may have been cut
    anywhere: only matches strictly better than it are trusted until the matches run out."""
    depth: int | None = max(limit * 4, 200)
    label = None
    while True:
        ranked = _ranked(session, expression, document_id, label, depth)
        complete = depth is None or len(ranked) < depth
        cutoff = ranked[-1][1] if ranked else 0.0
        candidates = {node_id: rank for node_id, rank in ranked if complete or rank < cutoff}
        kept = passing(list(candidates))
        if complete or len(kept) >= limit:
            best = sorted(kept, key=lambda node_id: (candidates[node_id], kept[node_id]))
            return [(node_id, -candidates[node_id]) for node_id in best[:limit]]
        if narrowest is not None and label is None:
            label = narrowest
            continue  # the same depth, among that label's items only
        depth = None if depth is None or depth * 8 > MAX_DEPTH else depth * 8


def _ranked(
    session: Session, expression: str, document_id: str | None, label: tuple[str, str] | None,
    depth: int | None,
) -> list[tuple[str, float]]:  # fmt: skip
    """The ``depth`` best matches by BM25 (lower is better, as FTS5 gives it), of one document
    and one label when given; every match when ``depth`` is None."""
    statement = (_MATCHES + ("" if document_id is None else _IN_DOCUMENT)
                 + ("" if label is None else _WITH_LABEL)
                 + (" ORDER BY rank" if depth is None else _ORDER))  # fmt: skip
    dimension, code = label or (None, None)
    rows = session.execute(text(statement), {
        "fts_query": expression, "document_id": document_id, "depth": depth,
        "dimension": dimension, "label": code,
    })  # fmt: skip
    return [(node_id, float(rank)) for node_id, rank in rows]


def _pg_hits(
    session: Session, tsquery_text: str, passing: Passing, limit: int,
    document_id: str | None, narrowest: tuple[str, str] | None,
) -> list[tuple[str, float]]:  # fmt: skip
    """Ordered by rank and reference, a total order: the filtered first ``depth`` matches
    are exactly the first of all filtered matches."""
    document: ColumnElement[Any] = literal_column(PG_DOCUMENT)
    tsquery = func.to_tsquery("simple", tsquery_text)
    rank = func.ts_rank(document, tsquery)
    statement: Select[Any] = (
        select(LibraryNode.id, LibraryNode.reference, rank)
        .where(document.op("@@")(tsquery), LibraryNode.kind == NodeKind.ITEM.value)
        .order_by(rank.desc(), LibraryNode.reference)
    )
    if document_id is not None:
        statement = statement.where(LibraryNode.document_id == document_id)
    depth: int | None = max(limit * 4, 200)
    labelled = False
    while True:
        rows = session.execute(statement if depth is None else statement.limit(depth)).all()
        kept = passing([node_id for node_id, _, _ in rows])
        hits = [(node_id, float(score)) for node_id, _, score in rows if node_id in kept]
        if depth is None or len(rows) < depth or len(hits) >= limit:
            return hits[:limit]
        if narrowest is not None and not labelled:
            labelled = True  # the same depth, among the rarest label's items only
            dimension, code = narrowest
            items = select(LibraryLabel.node_id).where(
                LibraryLabel.dimension == dimension, LibraryLabel.label == code
            )
            statement = statement.where(LibraryNode.id.in_(items))
            continue
        depth = None if depth * 8 > MAX_DEPTH else depth * 8


def joined_hits(
    session: Session, expression: str, conditions: list[ColumnElement[bool]], limit: int
) -> list[tuple[str, float]]:
    """SQLite: every match joined to its node and document and tested against ``conditions``
    in one statement, the plain method the rounds above must agree with (tests compare)."""
    fts = (
        text(_MATCHES)
        .bindparams(fts_query=expression)
        .columns(node_id=String, rank=Float)
        .subquery("fts")
    )  # fmt: skip
    statement = (
        select(LibraryNode.id, -fts.c.rank)
        .join(fts, fts.c.node_id == LibraryNode.id)
        .join(LibraryDocument, LibraryDocument.id == LibraryNode.document_id)
        .where(*conditions)
        .order_by(fts.c.rank, LibraryNode.reference)
    )
    return [(node_id, float(score)) for node_id, score in session.execute(statement.limit(limit))]
