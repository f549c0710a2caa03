"""Searching the library's paragraphs: full text, and meaning when embeddings are available.

:func:`search_text` uses the full-text index of whichever database runs (``fulltext``).
:func:`search` adds the items closest to the query's sentence embedding and merges both lists by
reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): each item scores
``sum(1 / (RRF_K + rank))`` over the lists it appears in (ranks from 1). Ranks, not raw scores,
are merged because BM25 or ts_rank and cosine similarity are on scales that cannot be compared;
``RRF_K = 60`` is the paper's value, which keeps one list's first place from drowning out an item
that both lists rank well. Items below ``SEMANTIC_FLOOR`` similarity are left out of the
semantic list, so a query about nothing in the library does not return its nearest noise.

Filters (document, actor, sphere, situation, theme, risk factor) apply to both lists, and only
documents the actor may see are searched.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from tocsin.core.access import Actor, visible
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.library import embeddings
from tocsin.library.classify import DIMENSIONS, load_taxonomy
from tocsin.library.store import access
from tocsin.library.store.fulltext import (
    rarest_label,
    rebuild_search_index,
    search_is_empty,
    text_hits,
)
from tocsin.library.store.models import LibraryDocument, LibraryLabel, LibraryNode
from tocsin.library.store.schemas import SearchFilters, SearchHit, SearchResults
from tocsin.library.store.vectors import vector_index
from tocsin.library.store.views import label_map, node_summary
from tocsin.library.store.vocabulary import NodeKind

RRF_K = 60
SEMANTIC_FLOOR = 0.3
MAX_QUERY = 1000
MAX_LIMIT = 200
LABEL_FILTERS = DIMENSIONS  # SearchFilters has one field per taxonomy dimension
CHUNK = 5000  # ids per IN list, well under SQLite's limit on bound parameters
# Reading a label's items costs about half as much per item as testing a candidate against the
# filters (measured at 100,000 items on SQLite: 12 and 25 microseconds), both random reads.
LABEL_READ_COST = 0.5


def search_text(
    session: Session, actor: Actor, query: str, filters: SearchFilters | None = None,
    limit: int = 50,
) -> list[SearchHit]:  # fmt: skip
    """Items holding every word of ``query`` (by prefix), best match first."""
    scope = _scope(session, actor, query, filters or SearchFilters(), limit)
    hits = text_hits(session, query, scope.conditions, limit, scope.document_id, scope.labels)
    return _hits(session, actor, [(node_id, score, i + 1, None, None)
                                  for i, (node_id, score) in enumerate(hits)])  # fmt: skip


def search(
    session: Session, actor: Actor, query: str, filters: SearchFilters | None = None,
    limit: int = 20,
) -> SearchResults:  # fmt: skip
    """Full-text and, when embeddings are available and stored, semantic search, fused."""
    filters = filters or SearchFilters()
    scope = _scope(session, actor, query, filters, limit)
    depth = max(limit * 3, 50)  # deeper than shown: an item low in one list may rise in both
    textual = text_hits(session, query, scope.conditions, depth, scope.document_id, scope.labels)
    semantic = _semantic(session, query, scope, depth)
    method = "text" if semantic is None else "text+semantic"
    fused: dict[str, _Fused] = {}
    for rank, (node_id, _) in enumerate(textual, start=1):
        fused[node_id] = _Fused(score=1.0 / (RRF_K + rank), text_rank=rank)
    for rank, (node_id, similarity) in enumerate(semantic or [], start=1):
        entry = fused.setdefault(node_id, _Fused())
        entry.score += 1.0 / (RRF_K + rank)
        entry.semantic_rank, entry.similarity = rank, similarity
    best = sorted(fused.items(), key=lambda kv: (-kv[1].score, kv[0]))[:limit]
    rows = [(node_id, f.score, f.text_rank, f.semantic_rank, f.similarity) for node_id, f in best]
    return SearchResults(query=query, method=method, hits=_hits(session, actor, rows))


@dataclass
class _Fused:
    score: float = 0.0
    text_rank: int | None = None
    semantic_rank: int | None = None
    similarity: float | None = None


@dataclass(frozen=True)
class _Scope:
    conditions: list[ColumnElement[bool]]  # on library_nodes joined to library_documents
    document_id: str | None  # the document filter, also among the conditions
    labels: list[tuple[str, str]]  # the label filters (dimension, code), also among them


def _scope(
    session: Session, actor: Actor, query: str, filters: SearchFilters, limit: int
) -> _Scope:
    actor.require(Permission.READ)
    if not query.strip():
        raise ValidationFailed.on("query", "empty")
    if len(query) > MAX_QUERY:
        raise ValidationFailed.on("query", f"at most {MAX_QUERY} characters")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.on("limit", f"between 1 and {MAX_LIMIT}")
    if search_is_empty(session):
        rebuild_search_index(session)  # e.g. a restored backup: its rows carry no search table
    conditions: list[ColumnElement[bool]] = [
        visible(LibraryDocument, actor), LibraryNode.kind == NodeKind.ITEM.value,
    ]  # fmt: skip
    if not filters.include_retired:
        conditions.append(LibraryNode.current.is_(True))
    document_id = None
    if filters.document is not None:
        try:
            document_id = access.document(session, actor, filters.document).id
        except NotFound:
            raise ValidationFailed.on("filters.document", "no such document") from None
        conditions.append(LibraryNode.document_id == document_id)
    taxonomy = load_taxonomy()
    labels = []
    for dimension in LABEL_FILTERS:
        code = getattr(filters, dimension)
        if code is None:
            continue
        if code not in taxonomy.dimension(dimension).codes:
            raise ValidationFailed.on(f"filters.{dimension}", f"unknown {dimension} {code!r}")
        labels.append((dimension, code))
        conditions.append(exists().where(
            LibraryLabel.node_id == LibraryNode.id, LibraryLabel.dimension == dimension,
            LibraryLabel.label == code))  # fmt: skip
    return _Scope(conditions, document_id, labels)


def _semantic(
    session: Session, query: str, scope: _Scope, depth: int
) -> list[tuple[str, float]] | None:
    """None when semantic search cannot run (no model, or nothing encoded yet).

    The nearest vectors of the whole library (of the filtered document, if one) are tested
    against the conditions, deeper while fewer than ``depth`` pass: testing every item a label
    filter allows costs a read of tens of thousands of ids per query, and the nearest few
    hundred usually hold enough. Whatever was not tested is no nearer than what was."""
    if not embeddings.available():
        return None
    index = vector_index(session)
    if index is None:
        return None
    try:
        vector = embeddings.encode_query(query)
    except embeddings.EmbeddingsUnavailable:
        return None
    allowed = None if scope.document_id is None else index.document_ids == scope.document_id
    wanted, rarest = depth * 2, None
    while True:
        found = index.nearest(vector, allowed, wanted, SEMANTIC_FLOOR)
        kept = _passing(session, [node_id for node_id, _ in found], scope.conditions)
        hits = [(node_id, sim) for node_id, sim in found if node_id in kept]
        if len(hits) >= depth or len(found) < wanted:  # enough, or nothing nearer is left
            return hits[:depth]
        # Deeper by the share that passed so far, or, when a label filter is narrow enough
        # that reading its items costs less than testing that many, only among its items.
        estimate = max(wanted * 2, int(depth * len(found) / max(len(hits), 1) * 1.5))
        if scope.labels and rarest is None:
            rarest = rarest_label(session, scope.labels)
            if rarest[2] * LABEL_READ_COST < estimate:
                labelled = index.mask(_label_items(session, rarest[0], rarest[1]))
                allowed = labelled if allowed is None else allowed & labelled
                continue
        wanted = estimate


def _label_items(session: Session, dimension: str, code: str) -> list[str]:
    return list(session.scalars(select(LibraryLabel.node_id).where(
        LibraryLabel.dimension == dimension, LibraryLabel.label == code)))  # fmt: skip


def _passing(session: Session, ids: list[str], conditions: list[ColumnElement[bool]]) -> set[str]:
    kept: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        kept.update(session.scalars(
            select(LibraryNode.id)
            .join(LibraryDocument, LibraryDocument.id == LibraryNode.document_id)
            .where(LibraryNode.id.in_(ids[start : start + CHUNK]), *conditions)
        ))  # fmt: skip
    return kept


def _hits(
    session: Session, actor: Actor,
    rows: list[tuple[str, float, int | None, int | None, float | None]],
) -> list[SearchHit]:  # fmt: skip
    ids = [r[0] for r in rows]
    if not ids:
        return []
    pairs = {
        n.id: (n, d)
        for n, d in session.execute(
            select(LibraryNode, LibraryDocument)
            .join(LibraryDocument, LibraryDocument.id == LibraryNode.document_id)
            .where(LibraryNode.id.in_(ids))
        ).all()
    }  # fmt: skip
    access.audit_nodes_read(session, actor, pairs.values(), via="search")
    labels = label_map(session, ids)
    return [
        SearchHit(
            node=node_summary(pairs[node_id][0], labels.get(node_id, {})),
            document_slug=pairs[node_id][1].slug, document_title=pairs[node_id][1].title,
            score=round(score, 6), text_rank=text_rank, semantic_rank=semantic_rank,
            similarity=None if similarity is None else round(similarity, 4),
        )
        for node_id, score, text_rank, semantic_rank, similarity in rows
    ]  # fmt: skip
