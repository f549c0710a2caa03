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

import numpy as np
from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from tocsin.core.access import Actor, visible
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.library import embeddings
from tocsin.library.classify import DIMENSIONS, load_taxonomy
from tocsin.library.store import access
from tocsin.library.store.fulltext import rebuild_search_index, search_is_empty, text_hits
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


def search_text(
    session: Session, actor: Actor, query: str, filters: SearchFilters | None = None,
    limit: int = 50,
) -> list[SearchHit]:  # fmt: skip
    """Items holding every word of ``query`` (by prefix), best match first."""
    conditions = _conditions(session, actor, query, filters or SearchFilters(), limit)
    hits = text_hits(session, query, conditions, limit)
    return _hits(session, actor, [(node_id, score, i + 1, None, None)
                                  for i, (node_id, score) in enumerate(hits)])  # fmt: skip


def search(
    session: Session, actor: Actor, query: str, filters: SearchFilters | None = None,
    limit: int = 20,
) -> SearchResults:  # fmt: skip
    """Full-text and, when embeddings are available and stored, semantic search, fused."""
    filters = filters or SearchFilters()
    conditions = _conditions(session, actor, query, filters, limit)
    depth = max(limit * 3, 50)  # deeper than shown: an item low in one list may rise in both
    textual = text_hits(session, query, conditions, depth)
    semantic = _semantic(session, query, conditions, filters, depth)
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


def _conditions(
    session: Session, actor: Actor, query: str, filters: SearchFilters, limit: int
) -> list[ColumnElement[bool]]:
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
    if filters.document is not None:
        try:
            doc = access.document(session, actor, filters.document)
        except NotFound:
            raise ValidationFailed.on("filters.document", "no such document") from None
        conditions.append(LibraryNode.document_id == doc.id)
    taxonomy = load_taxonomy()
    for dimension in LABEL_FILTERS:
        code = getattr(filters, dimension)
        if code is None:
            continue
        if code not in taxonomy.dimension(dimension).codes:
            raise ValidationFailed.on(f"filters.{dimension}", f"unknown {dimension} {code!r}")
        conditions.append(exists().where(
            LibraryLabel.node_id == LibraryNode.id, LibraryLabel.dimension == dimension,
            LibraryLabel.label == code))  # fmt: skip
    return conditions


def _semantic(
    session: Session, query: str, conditions: list[ColumnElement[bool]],
    filters: SearchFilters, depth: int,
) -> list[tuple[str, float]] | None:  # fmt: skip
    """None when semantic search cannot run (no model, or nothing encoded yet)."""
    if not embeddings.available():
        return None
    index = vector_index(session)
    if index is None:
        return None
    try:
        vector = embeddings.encode([query])[0]
    except embeddings.EmbeddingsUnavailable:
        return None
    narrowed = filters.document is not None or any(
        getattr(filters, d) is not None for d in LABEL_FILTERS
    )
    allowed = None
    if narrowed:  # a narrow filter could leave nothing among the nearest of the whole library
        ids = session.scalars(select(LibraryNode.id).join(
            LibraryDocument, LibraryDocument.id == LibraryNode.document_id).where(*conditions))
        allowed = np.isin(index.node_ids, list(ids))
    found = index.nearest(vector, allowed, depth * 2, SEMANTIC_FLOOR)
    if not found:
        return []
    kept = set(session.scalars(
        select(LibraryNode.id).join(LibraryDocument, LibraryDocument.id == LibraryNode.document_id)
        .where(LibraryNode.id.in_([node_id for node_id, _ in found]), *conditions)
    ))  # fmt: skip
    return [(node_id, sim) for node_id, sim in found if node_id in kept][:depth]


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
