"""The filters of search held in memory: per item its document, whether it is current, and per
(dimension, label) a boolean mask over the items, so a filtered search tests its candidates with
a few numpy operations instead of SQL joins (at 100,000 items a join of a few hundred candidates
to their node, document and labels cost 5 to 60 ms a round; the masks cost microseconds).

Kept per database in this process, like the vector matrix (``vectors``), and rebuilt when its
stamp changes. Labels change only by an import (which always writes a ``library_imports`` row)
or an analyst's correction (a ``library_label_corrections`` row); an item is retired or restored
only by an import; so the stamp is the count and latest time of those two small tables, plus the
vectors' own stamp (rows written directly, as benchmarks and tests do, come with vectors). All
of it is one statement of index probes (about 2 ms on SQLite, 5 on PostgreSQL at 100,000 items).
Sharing levels are not held: a document's TLP may change without an import, and the few hundred
documents are read at every search instead. An item written after the build (unknown to the
index) is tested in SQL, so the index never hides one.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.library.store.models import (
    LibraryEmbedding,
    LibraryImport,
    LibraryLabel,
    LibraryLabelCorrection,
    LibraryNode,
)
from tocsin.library.store.vocabulary import NodeKind

Mask = npt.NDArray[np.bool_]
VectorStamp = tuple[int, datetime | None]


@dataclass(frozen=True)
class Stamp:
    vectors: VectorStamp  # what ``vectors.vector_index`` compares
    history: tuple[Any, ...]  # imports and corrections: count and latest time of each


def read_stamp(session: Session) -> Stamp:
    """One statement: the vectors' count and latest write, the same of imports and of
    corrections. Each is a bare count (the smallest index) or one probe of an index's end."""
    found = session.execute(select(
        select(func.count()).select_from(LibraryEmbedding).scalar_subquery(),
        select(func.max(LibraryEmbedding.at)).scalar_subquery(),
        select(func.count()).select_from(LibraryImport).scalar_subquery(),
        select(func.max(LibraryImport.at)).scalar_subquery(),
        select(func.count()).select_from(LibraryLabelCorrection).scalar_subquery(),
        select(func.max(LibraryLabelCorrection.at)).scalar_subquery(),
    )).one()  # fmt: skip
    return Stamp(vectors=(int(found[0] or 0), found[1]), history=tuple(found[2:]))


@dataclass(frozen=True)
class ItemIndex:
    stamp: Stamp
    node_ids: Sequence[str]
    references: Sequence[str]
    rows: dict[str, int]  # node id -> its row
    documents: Sequence[str]  # document ids; ``document_codes`` index into it
    document_codes: npt.NDArray[np.int32]
    current: Mask
    labels: dict[tuple[str, str], Mask]  # (dimension, code) -> items carrying it

    def __len__(self) -> int:
        return len(self.node_ids)

    def label(self, dimension: str, code: str) -> Mask:
        found = self.labels.get((dimension, code))
        return np.zeros(len(self), dtype=np.bool_) if found is None else found

    def allowed(
        self, documents: Iterable[str], current_only: bool, labels: Sequence[tuple[str, str]]
    ) -> Mask:
        """The items in these documents, current ones only if asked, carrying every label."""
        wanted = set(documents)
        by_document = np.fromiter((d in wanted for d in self.documents), dtype=np.bool_,
                                  count=len(self.documents))  # fmt: skip
        mask = by_document[self.document_codes] if len(self) else np.zeros(0, dtype=np.bool_)
        if current_only:
            mask &= self.current
        for dimension, code in labels:
            mask &= self.label(dimension, code)
        return mask


_cache: dict[str, ItemIndex] = {}
_lock = threading.Lock()


def item_index(session: Session, stamp: Stamp) -> ItemIndex:
    """Every item of the library with its filters, as of ``stamp`` (read by the caller)."""
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    with _lock:
        cached = _cache.get(key)
    if cached is None or cached.stamp != stamp:
        cached = _build(session, stamp)
        with _lock:
            _cache[key] = cached
    return cached


def _build(session: Session, stamp: Stamp) -> ItemIndex:
    items = session.execute(
        select(LibraryNode.id, LibraryNode.reference, LibraryNode.document_id,
               LibraryNode.current)
        .where(LibraryNode.kind == NodeKind.ITEM.value)
        .order_by(LibraryNode.id)
    ).all()  # fmt: skip
    rows = {node_id: n for n, (node_id, *_) in enumerate(items)}
    documents: dict[str, int] = {}
    codes = np.fromiter((documents.setdefault(r.document_id, len(documents)) for r in items),
                        dtype=np.int32, count=len(items))  # fmt: skip
    current = np.fromiter((bool(r.current) for r in items), dtype=np.bool_, count=len(items))
    members: dict[tuple[str, str], list[int]] = defaultdict(list)
    for node_id, dimension, code in session.execute(
        select(LibraryLabel.node_id, LibraryLabel.dimension, LibraryLabel.label)
    ):  # fmt: skip
        row = rows.get(node_id)
        if row is not None:
            members[(dimension, code)].append(row)
    labels = {}
    for key, found in members.items():
        mask = np.zeros(len(items), dtype=np.bool_)
        mask[np.array(found, dtype=np.int64)] = True
        labels[key] = mask
    return ItemIndex(
        stamp=stamp, node_ids=[r.id for r in items], references=[r.reference for r in items],
        rows=rows, documents=list(documents), document_codes=codes, current=current,
        labels=labels,
    )  # fmt: skip
