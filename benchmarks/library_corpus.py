"""A 100,000-paragraph library for benchmarks/library_search.py, built from real sentences.

Encoding 100,000 paragraphs with all-MiniLM-L6-v2 on two CPU cores would take hours, so the
corpus is assembled instead, and the approximation is stated wherever figures are printed:

- The five seed documents are imported for real (parser, classifier, embeddings, search rows).
- Their current items are split into sentences; each DISTINCT sentence is encoded once with the
  real model (a couple of thousand sentences).
- Each synthetic paragraph joins a run of sentences of one real paragraph (its "source") with one
  or two sentences of another paragraph that addresses the same actor. Its vector is the
  L2-normalised mean of its sentences' real vectors: an approximation of encoding the paragraph,
  close enough for the cost of a search (one matrix product whatever the vectors hold) and for
  realistic neighbourhoods. Its labels are copied from its source, so filters keep the
  selectivity the classifier gives real paragraphs.
- Rows go into the real tables by bulk insertion; SQLite's search table is then refilled by the
  service's own ``rebuild_search_index`` (PostgreSQL's GIN index maintains itself).

Documents: ``DOCUMENTS`` synthetic ones beside the five seeds, with sharing levels spread as a
real library might hold them (mostly CLEAR, some GREEN, a few AMBER, two RED), so searches by an
analyst exercise the TLP filter and the audited reads of protected paragraphs.

This module is a helper: run on its own it only prints the sentence count of the seeds.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import exists, func, insert, select
from sqlalchemy.orm import Session

from tocsin.cases.search import words
from tocsin.core.access import Actor, visible
from tocsin.core.clock import utcnow
from tocsin.core.db import Database
from tocsin.core.ids import new_id
from tocsin.core.tlp import TLP
from tocsin.library import embeddings
from tocsin.library.classify import DIMENSIONS
from tocsin.library.store import SearchFilters, rebuild_search_index
from tocsin.library.store.models import (
    LibraryDocument,
    LibraryEmbedding,
    LibraryLabel,
    LibraryNode,
)
from tocsin.library.store.vocabulary import NodeKind

DOCUMENTS = 195
CHUNK = 5000
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-Z(\"\u201c])")
Matrix = npt.NDArray[np.float32]
Progress = Callable[[int], None]


def split_sentences(text: str) -> list[str]:
    """Sentences (and semicolon-separated clauses) of at least three words."""
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split()))
            if len(s.split()) >= 3]  # fmt: skip


@dataclass(frozen=True)
class Source:
    """A real imported paragraph: its sentences (indices) and its labels as stored."""

    sentences: tuple[int, ...]
    labels: tuple[dict[str, Any], ...]

    def codes(self, dimension: str) -> list[str]:
        return [row["label"] for row in self.labels if row["dimension"] == dimension]


@dataclass(frozen=True)
class Paragraph:
    text: str
    sentences: tuple[int, ...]
    source: int


def read_sources(session: Session) -> tuple[list[Source], list[str]]:
    """The current items in the store (the imported seeds) and their distinct sentences."""
    items = session.execute(
        select(LibraryNode.id, LibraryNode.text)
        .where(LibraryNode.kind == NodeKind.ITEM.value, LibraryNode.current.is_(True))
        .order_by(LibraryNode.reference)
    ).all()  # fmt: skip
    labels: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in session.scalars(select(LibraryLabel).order_by(LibraryLabel.node_id,
                                                             LibraryLabel.dimension,
                                                             LibraryLabel.label)):  # fmt: skip
        labels[row.node_id].append({
            "dimension": row.dimension, "label": row.label, "confidence": row.confidence,
            "source": row.source, "method": row.method, "keywords": list(row.keywords),
        })  # fmt: skip
    index: dict[str, int] = {}
    sources = []
    for node_id, text in items:
        ids = tuple(index.setdefault(s, len(index)) for s in split_sentences(text))
        if ids and labels.get(node_id):
            sources.append(Source(ids, tuple(labels[node_id])))
    return sources, list(index)


def synthesise(sources: Sequence[Source], sentences: Sequence[str], count: int,
               rng: random.Random) -> list[Paragraph]:  # fmt: skip
    """``count`` paragraphs, each a run of one source's sentences plus one or two sentences of
    another source addressing the same actor."""
    by_actor: dict[str, list[int]] = defaultdict(list)
    for n, source in enumerate(sources):
        for code in source.codes("actor"):
            by_actor[code].append(n)
    out = []
    for _ in range(count):
        primary = rng.randrange(len(sources))
        own = sources[primary].sentences
        start = rng.randrange(len(own))
        run = own[start : start + rng.randint(1, 3)]
        actors = sources[primary].codes("actor")
        pool = by_actor[rng.choice(actors)] if actors else range(len(sources))
        other = sources[rng.choice(pool)].sentences
        extra = tuple(rng.sample(other, min(len(other), rng.randint(1, 2))))
        ids = run + extra
        out.append(Paragraph(" ".join(sentences[i] for i in ids), ids, primary))
    return out


def paragraph_vectors(paragraphs: Sequence[Paragraph], sentence_vectors: Matrix) -> Matrix:
    """The L2-normalised mean of each paragraph's sentence vectors."""
    rows = np.repeat(np.arange(len(paragraphs)), [len(p.sentences) for p in paragraphs])
    columns = np.fromiter((i for p in paragraphs for i in p.sentences), dtype=np.int64)
    sums = np.zeros((len(paragraphs), sentence_vectors.shape[1]), dtype=np.float32)
    np.add.at(sums, rows, sentence_vectors[columns])
    sums /= np.linalg.norm(sums, axis=1, keepdims=True)
    return sums


def tlp_of(document: int) -> TLP:
    if document % 100 == 99:
        return TLP.RED
    if document % 33 == 5:
        return TLP.AMBER
    if document % 10 == 3:
        return TLP.GREEN
    return TLP.CLEAR


def slug_of(document: int) -> str:
    return f"bench-plan-{document:03d}"


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def store_corpus(
    db: Database, paragraphs: Sequence[Paragraph], vectors: Matrix, sources: Sequence[Source],
    creator: str, advance: Progress,
) -> None:  # fmt: skip
    """Insert the paragraphs into ``DOCUMENTS`` documents, then refill the search rows."""
    now = utcnow()
    documents = [{
        "id": new_id(), "slug": slug_of(d), "title": f"Benchmark plan of action {d}",
        "tlp": int(tlp_of(d)), "source_name": f"{slug_of(d)}.txt", "sha256": "0" * 64,
        "format": "text", "report": {}, "imported_at": now, "imported_by": creator,
        "created_by": creator, "created_at": now, "updated_at": now,
    } for d in range(DOCUMENTS)]  # fmt: skip
    with db.session() as s:
        s.execute(insert(LibraryDocument), documents)
    per_document = -(-len(paragraphs) // DOCUMENTS)
    for start in range(0, len(paragraphs), CHUNK):
        nodes, labels, vecs = [], [], []
        for n in range(start, min(start + CHUNK, len(paragraphs))):
            paragraph, position = paragraphs[n], n % per_document
            document = documents[n // per_document]
            node_id = new_id()
            nodes.append({
                "id": node_id, "document_id": document["id"], "kind": NodeKind.ITEM.value,
                "reference": f"{document['slug']}/{position + 1}", "item_kind": "paragraph",
                "key": str(position + 1), "label": f"{position + 1}.", "heading": "",
                "text": paragraph.text, "position": position, "line_first": position,
                "line_last": position, "context": [], "footnotes": [], "inferred": False,
                "current": True, "text_sha": _sha(paragraph.text), "created_at": now,
                "updated_at": now,
            })  # fmt: skip
            labels.extend({"node_id": node_id, "by": None, "at": now, **row}
                          for row in sources[paragraph.source].labels)  # fmt: skip
            vecs.append({
                "node_id": node_id, "model": embeddings.MODEL, "dims": vectors.shape[1],
                "vector": vectors[n].tobytes(), "text_sha": _sha(paragraph.text), "at": now,
            })  # fmt: skip
        with db.session() as s:
            s.execute(insert(LibraryNode), nodes)
            for chunk in _chunks(labels):
                s.execute(insert(LibraryLabel), chunk)
            s.execute(insert(LibraryEmbedding), vecs)
        advance(len(nodes))
    with db.session() as s:
        rebuild_search_index(s)  # the service's own refill of SQLite's search table
    db.refresh_statistics()


def naive_search(session: Session, actor: Actor, query: str, filters: SearchFilters,
                 limit: int) -> list[tuple[LibraryNode, list[LibraryLabel]]]:  # fmt: skip
    """The baseline: what search would cost with no index and no cache. The query is encoded
    the same way; the words are found by LIKE over every paragraph; every stored vector the
    filters let through is read from the database and scanned; both lists are fused by
    reciprocal rank as the service does."""
    vector = embeddings.encode([query])[0]
    conditions = [visible(LibraryDocument, actor), LibraryNode.kind == NodeKind.ITEM.value,
                  LibraryNode.current.is_(True)]  # fmt: skip
    if filters.document is not None:
        conditions.append(LibraryDocument.slug == filters.document)
    for dimension in DIMENSIONS:
        code = getattr(filters, dimension)
        if code is not None:
            conditions.append(exists().where(
                LibraryLabel.node_id == LibraryNode.id, LibraryLabel.dimension == dimension,
                LibraryLabel.label == code))  # fmt: skip
    depth = max(limit * 3, 50)
    joined = select(LibraryNode.id).join(
        LibraryDocument, LibraryDocument.id == LibraryNode.document_id
    )
    found = words(query)
    textual = list(session.scalars(joined.where(
        *conditions, *(func.lower(LibraryNode.text).like(f"%{w}%") for w in found),
    ).order_by(LibraryNode.reference).limit(depth))) if found else []  # fmt: skip
    rows = session.execute(
        select(LibraryEmbedding.node_id, LibraryEmbedding.vector)
        .join(LibraryNode, LibraryNode.id == LibraryEmbedding.node_id)
        .join(LibraryDocument, LibraryDocument.id == LibraryNode.document_id)
        .where(LibraryEmbedding.model == embeddings.MODEL, *conditions)
    ).all()  # fmt: skip
    matrix = np.frombuffer(b"".join(r.vector for r in rows), dtype=np.float32)
    sims = matrix.reshape(len(rows), -1) @ vector if rows else np.zeros(0, dtype=np.float32)
    semantic = [rows[i].node_id for i in np.argsort(-sims)[:depth] if sims[i] >= 0.3]
    fused: dict[str, float] = defaultdict(float)
    for ranked in (textual, semantic):
        for rank, node_id in enumerate(ranked, start=1):
            fused[node_id] += 1.0 / (60 + rank)
    best = sorted(fused, key=lambda n: (-fused[n], n))[:limit]
    nodes = {n.id: n for n in session.scalars(select(LibraryNode).where(LibraryNode.id.in_(best)))}
    labels: dict[str, list[LibraryLabel]] = defaultdict(list)
    for label in session.scalars(select(LibraryLabel).where(LibraryLabel.node_id.in_(best))):
        labels[label.node_id].append(label)
    return [(nodes[n], labels[n]) for n in best]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


if __name__ == "__main__":
    from library_seeds import SEEDS, read_seeds

    passages = [p.text for seed in read_seeds(SEEDS).values() for p in seed.values()]
    distinct = {s for text in passages for s in split_sentences(text)}
    print(f"{len(passages)} seed passages, {len(distinct)} distinct sentences")
