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

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
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
from tocsin.library.store.label_index import ItemIndex, Mask, Stamp, item_index, read_stamp
from tocsin.library.store.models import LibraryDocument, LibraryLabel, LibraryNode
from tocsin.library.store.schemas import LabelPublic, SearchFilters, SearchHit, SearchResults
from tocsin.library.store.vectors import Vector, vector_index
from tocsin.library.store.views import Labels, node_summary
from tocsin.library.store.vocabulary import NodeKind

RRF_K = 60
SEMANTIC_FLOOR = 0.3
MAX_QUERY = 1000
MAX_LIMIT = 200
LABEL_FILTERS = DIMENSIONS  # SearchFilters has one field per taxonomy dimension
CHUNK = 5000  # ids per IN list, well under SQLite's limit on bound parameters


def search_text(
    session: Session, actor: Actor, query: str, filters: SearchFilters | None = None,
    limit: int = 50,
) -> list[SearchHit]:  # fmt: skip
    """Items holding every word of ``query`` (by prefix), best match first."""
    scope = _scope(session, actor, query, filters or SearchFilters(), limit)
    hits = _text(session, query, scope, limit)
    return _hits(session, actor, [(node_id, score, i + 1, None, None)
                                  for i, (node_id, score) in enumerate(hits)])  # fmt: skip


def search(
    session: Session, actor: Actor, query: str, filters: SearchFilters | None = None,
    limit: int = 20,
) -> SearchResults:  # fmt: skip
    """Full-text and, when embeddings are available and stored, semantic search, fused."""
    filters = filters or SearchFilters()
    scope = _scope(session, actor, query, filters, limit)
    wanted = scope.stamp.vectors[0] > 0 and embeddings.available()
    encoding = _encode_meanwhile(query) if wanted else None
    depth = max(limit * 3, 50)  # deeper than shown: an item low in one list may rise in both
    textual = _text(session, query, scope, depth)
    semantic = None if encoding is None else _semantic(session, scope, encoding.result, depth)
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
    """What a search may return, held twice: as a mask over the in-memory item index (tested
    in microseconds) and as SQL conditions (for items written since that index was built)."""

    conditions: list[ColumnElement[bool]]  # on library_nodes joined to library_documents
    document_id: str | None  # the document filter
    labels: list[tuple[str, str]]  # the label filters (dimension, code)
    stamp: Stamp
    items: ItemIndex
    allowed: Mask  # over ``items``' rows
    session: Session

    @property
    def narrowest(self) -> tuple[str, str] | None:
        """The label filter the fewest items carry, if any."""
        if not self.labels:
            return None
        return min(self.labels, key=lambda label: int(self.items.label(*label).sum()))

    def passing(self, ids: list[str]) -> dict[str, str]:
        """The ids among these that the filters keep, each with its reference."""
        kept: dict[str, str] = {}
        unknown = []
        rows, allowed, references = self.items.rows, self.allowed, self.items.references
        for node_id in ids:
            row = rows.get(node_id)
            if row is None:
                unknown.append(node_id)
            elif allowed[row]:
                kept[node_id] = references[row]
        for start in range(0, len(unknown), CHUNK):
            kept.update((node_id, reference) for node_id, reference in self.session.execute(
                select(LibraryNode.id, LibraryNode.reference)
                .join(LibraryDocument, LibraryDocument.id == LibraryNode.document_id)
                .where(LibraryNode.id.in_(unknown[start : start + CHUNK]), *self.conditions)
            ))  # fmt: skip
        return kept


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
    stamp = read_stamp(session)
    items = item_index(session, stamp)
    documents = [document_id] if document_id is not None else session.scalars(
        select(LibraryDocument.id).where(visible(LibraryDocument, actor)))  # fmt: skip
    allowed = items.allowed(documents, not filters.include_retired, labels)
    return _Scope(conditions, document_id, labels, stamp, items, allowed, session)


def _text(session: Session, query: str, scope: _Scope, limit: int) -> list[tuple[str, float]]:
    hits = text_hits(session, query, scope.passing, limit, scope.document_id, scope.narrowest)
    if not hits and search_is_empty(session):
        # e.g. a restored backup: its rows carry no search table. Checked only when nothing
        # matched, since the check itself costs a few milliseconds.
        rebuild_search_index(session)
        hits = text_hits(session, query, scope.passing, limit, scope.document_id,
                         scope.narrowest)  # fmt: skip
    return hits


def _encode_meanwhile(query: str) -> Future[Vector]:
    """The query's embedding, computed on a worker thread while the full-text side runs (the
    model and SQLite both let other threads run meanwhile): a search then costs about the
    longer of the two, not their sum."""
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            _encoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="library-query")
    return _encoder.submit(embeddings.encode_query, query)


_encoder: ThreadPoolExecutor | None = None
_encoder_lock = threading.Lock()


def _semantic(
    session: Session, scope: _Scope, encoded: Callable[[], Vector], depth: int
) -> list[tuple[str, float]] | None:
    """The ``depth`` nearest items the filters allow; None when semantic search cannot run
    (no model, or nothing encoded yet). The filters are a mask over the vector matrix (the
    item index's mask through the vector rows' items), so this is one matrix product."""
    if not embeddings.available():
        return None
    index = vector_index(session, stamp=scope.stamp.vectors)
    if index is None:
        return None
    try:
        vector = encoded()
    except embeddings.EmbeddingsUnavailable:
        return None
    # one False past the end stands for the vectors whose node the item index does not hold
    allowed = np.append(scope.allowed, False)[index.item_rows(scope.items)]
    return index.nearest(vector, allowed, depth, SEMANTIC_FLOOR)


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
    labels = _labels(session, ids)
    return [
        SearchHit(
            node=node_summary(pairs[node_id][0], labels.get(node_id, {})),
            document_slug=pairs[node_id][1].slug, document_title=pairs[node_id][1].title,
            score=round(score, 6), text_rank=text_rank, semantic_rank=semantic_rank,
            similarity=None if similarity is None else round(similarity, 4),
        )
        for node_id, score, text_rank, semantic_rank, similarity in rows
    ]  # fmt: skip


def _labels(session: Session, ids: list[str]) -> dict[str, Labels]:
    """As ``views.label_map``, read as plain rows: loading them as mapped objects took a
    third of a search's time after the filters moved into memory (about 150 labels)."""
    out: dict[str, Labels] = {}
    found = session.execute(
        select(LibraryLabel.node_id, LibraryLabel.dimension, LibraryLabel.label,
               LibraryLabel.confidence, LibraryLabel.source, LibraryLabel.method,
               LibraryLabel.keywords, LibraryLabel.by, LibraryLabel.at)
        .where(LibraryLabel.node_id.in_(ids))
        .order_by(LibraryLabel.confidence.desc(), LibraryLabel.label)
    )  # fmt: skip
    for node_id, dimension, code, confidence, source, method, keywords, by, at in found:
        out.setdefault(node_id, {}).setdefault(dimension, []).append(LabelPublic.model_construct(
            label=code, confidence=confidence, source=source, method=method,
            keywords=list(keywords), by=by, at=at))  # fmt: skip
    return out
