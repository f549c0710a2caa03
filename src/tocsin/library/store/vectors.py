"""Stored sentence embeddings of items, and an in-memory matrix of them for semantic search.

Vectors are computed at import when embeddings are available (``tocsin.library.embeddings``),
only for items whose text changed. Searching reads them as one float32 matrix, kept per database
and model in this process and rebuilt when the stored set changes (its row count or latest write
time differ), so a query costs one matrix product rather than reading every vector again.
Checking for a change costs two index reads, not a scan of the vectors (see ``_stamp``).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.core.clock import utcnow
from tocsin.library import embeddings
from tocsin.library.store.label_index import ItemIndex
from tocsin.library.store.models import LibraryEmbedding, LibraryNode
from tocsin.library.store.vocabulary import NodeKind

MODEL = embeddings.MODEL
CHUNK = 500
Vector = npt.NDArray[np.float32]


def embedded_text(node: LibraryNode) -> str:
    return f"{node.heading}. {node.text}" if node.heading else node.text


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def store_embeddings(session: Session, nodes: Sequence[LibraryNode]) -> int:
    """Encode the current items among ``nodes`` whose stored vector is missing or of another
    text; returns how many were encoded. Raises embeddings.EmbeddingsUnavailable."""
    items = [n for n in nodes if n.kind == NodeKind.ITEM and n.current and n.text.strip()]
    stored: dict[str, LibraryEmbedding] = {}
    ids = [n.id for n in items]
    for start in range(0, len(ids), CHUNK):
        stored.update((e.node_id, e) for e in session.scalars(select(LibraryEmbedding).where(
            LibraryEmbedding.model == MODEL,
            LibraryEmbedding.node_id.in_(ids[start : start + CHUNK]))))  # fmt: skip
    texts = {n.id: embedded_text(n) for n in items}
    todo = [n for n in items if n.id not in stored or stored[n.id].text_sha != _sha(texts[n.id])]
    if not todo:
        return 0
    vectors = embeddings.encode([texts[n.id] for n in todo])
    now = utcnow()
    for node, vector in zip(todo, vectors, strict=True):
        row = stored.get(node.id)
        if row is None:
            row = LibraryEmbedding(node_id=node.id, model=MODEL)
            session.add(row)
        row.dims, row.vector = int(vector.shape[0]), vector.astype(np.float32).tobytes()
        row.text_sha, row.at = _sha(texts[node.id]), now
    session.flush()
    return len(todo)


def stored_vector(session: Session, node_id: str) -> Vector | None:
    row = session.get(LibraryEmbedding, (node_id, MODEL))
    return None if row is None else np.frombuffer(row.vector, dtype=np.float32)


@dataclass(frozen=True)
class VectorIndex:
    stamp: tuple[int, datetime | None]
    node_ids: npt.NDArray[np.str_]
    document_ids: npt.NDArray[np.str_]
    # One L2-normalised column per node: stored this way, a query's similarities are one
    # vector-matrix product that reads memory in order (8 ms at 100,000 nodes, not 25)
    columns: npt.NDArray[np.float32]
    rows: dict[str, int] = field(default_factory=dict)  # node id -> its row
    # the row in the last item index asked for of each vector row (-1: none), and that index
    _items: list[tuple[object, npt.NDArray[np.int64]]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.node_ids)

    def mask(self, node_ids: Iterable[str]) -> npt.NDArray[np.bool_]:
        """True on the rows of these nodes (ids without a vector are ignored)."""
        out = np.zeros(len(self), dtype=np.bool_)
        found = [row for row in map(self.rows.get, node_ids) if row is not None]
        out[np.fromiter(found, dtype=np.int64, count=len(found))] = True
        return out

    def item_rows(self, items: ItemIndex) -> npt.NDArray[np.int64]:
        """For each vector row, the row of its node in ``items`` (-1 when absent); computed
        once per pair of indexes."""
        for known, mapped in self._items:
            if known is items:
                return mapped
        mapped = np.fromiter((items.rows.get(str(n), -1) for n in self.node_ids),
                             dtype=np.int64, count=len(self))  # fmt: skip
        self._items[:] = [(items, mapped)]
        return mapped

    def nearest(
        self, query: Vector, allowed: npt.NDArray[np.bool_] | None, n: int, floor: float
    ) -> list[tuple[str, float]]:
        """Up to ``n`` (node id, cosine similarity) at or above ``floor``, closest first."""
        sims = query.astype(np.float32) @ self.columns
        if allowed is not None:
            sims = np.where(allowed, sims, -np.inf)
        n = min(n, len(sims))
        if n <= 0:
            return []
        top = np.argpartition(-sims, n - 1)[:n]
        # ties broken by node id so the same query always gives the same order
        order = sorted(top, key=lambda i: (-float(sims[i]), str(self.node_ids[i])))
        return [(str(self.node_ids[i]), float(sims[i])) for i in order if sims[i] >= floor]


_cache: dict[tuple[str, str], VectorIndex] = {}
_lock = threading.Lock()


def _stamp(session: Session) -> tuple[int, datetime | None]:
    """What changes whenever the stored vectors do: how many there are and the latest write.
    Taken over every model, not only the one searched: with ``WHERE model = ...`` both
    databases read every row and its vector (about 100 ms at 100,000 rows on SQLite, 400 ms on
    PostgreSQL), whereas a bare count walks the smallest index and the latest write is one
    probe of the ``at`` index. A change under another model only costs a needless rebuild."""
    count = select(func.count()).select_from(LibraryEmbedding).scalar_subquery()
    latest = select(func.max(LibraryEmbedding.at)).scalar_subquery()
    found, at = session.execute(select(count, latest)).one()
    return int(found or 0), at


def vector_index(
    session: Session, model: str = MODEL, stamp: tuple[int, datetime | None] | None = None
) -> VectorIndex | None:
    """Every stored vector of ``model``, or None when there are none. ``stamp``: as
    ``_stamp`` gives it, when the caller has just read it (``label_index.read_stamp``)."""
    stamp = _stamp(session) if stamp is None else stamp
    if not stamp[0]:
        return None
    key = (session.get_bind().engine.url.render_as_string(hide_password=True), model)
    with _lock:
        cached = _cache.get(key)
    if cached is None or cached.stamp != stamp:
        cached = _build(session, model, stamp)
        with _lock:
            _cache[key] = cached
    return cached if len(cached) else None


def _build(session: Session, model: str, stamp: tuple[int, datetime | None]) -> VectorIndex:
    rows = session.execute(
        select(LibraryEmbedding.node_id, LibraryNode.document_id, LibraryEmbedding.vector)
        .join(LibraryNode, LibraryNode.id == LibraryEmbedding.node_id)
        .where(LibraryEmbedding.model == model)
        .order_by(LibraryEmbedding.node_id)
    ).all()  # fmt: skip
    flat = np.frombuffer(b"".join(r.vector for r in rows), dtype=np.float32)
    matrix = flat.reshape(len(rows), -1) if rows else flat.reshape(0, embeddings.DIMENSIONS)
    return VectorIndex(
        stamp=stamp,
        node_ids=np.array([r.node_id for r in rows], dtype=np.str_),
        document_ids=np.array([r.document_id for r in rows], dtype=np.str_),
        columns=np.ascontiguousarray(matrix.T),
        rows={r.node_id: n for n, r in enumerate(rows)},
    )
