"""Search over a few thousand paragraphs: the shortcuts that keep it fast at 100,000 give the
answer of the plain method. Full text ranks the best matches first and tests only those against
the filters, held in memory (both databases); semantic search masks the vector matrix with the
same filters; the in-memory matrix and filters are reused until the stored rows change. Rows are
written directly (no parser, no model): the query vector is fixed, so the reference is exact."""

from __future__ import annotations

import random
import sys
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, insert, literal_column, select, update
from sqlalchemy.orm import Session
from tests.conftest import MakeActor
from tests.seeding import cheap_hashing

from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.db import Database
from tocsin.core.ids import new_id
from tocsin.core.roles import Role
from tocsin.core.tlp import TLP
from tocsin.library import embeddings
from tocsin.library.store import (
    SearchFilters,
    correct_labels,
    rebuild_search_index,
    search_text,
)
from tocsin.library.store.models import (
    LibraryDocument,
    LibraryEmbedding,
    LibraryLabel,
    LibraryNode,
)
from tocsin.library.store.vectors import vector_index

fulltext = sys.modules["tocsin.library.store.fulltext"]
searching = sys.modules["tocsin.library.store.search"]
WORDS = ("warning", "shelter", "justice", "schools", "media", "border", "courts", "victims",
         "training", "funding", "archives", "mediation")  # fmt: skip
ITEMS, DIMS = 3000, 384
QUERY = np.eye(DIMS, dtype=np.float32)[0]


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


def _library(db: Database, owner: Actor) -> list[str]:
    """ITEMS paragraphs in six documents (one RED), a few retired; returns the document slugs.
    Labels are skewed as real ones are: one actor on most paragraphs, one on very few."""
    rng = random.Random(8)
    now = utcnow()
    docs = [{"id": new_id(), "slug": f"scale-{d}", "title": f"Scale {d}", "sha256": "0" * 64,
             "format": "text", "tlp": int(TLP.RED if d == 5 else TLP.CLEAR),
             "created_by": None} for d in range(6)]  # fmt: skip
    nodes, labels, vectors = [], [], []
    for n in range(ITEMS):
        node_id, doc = new_id(), docs[n % 6]
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9)))
        nodes.append({"id": node_id, "document_id": doc["id"], "reference": f"{doc['slug']}/{n}",
                      "kind": "item", "key": str(n), "text": text, "position": n,
                      "line_first": n, "line_last": n, "text_sha": "0" * 64,
                      "current": n % 50 != 7})  # fmt: skip
        actor = rng.choices(("state", "media", "donors"), (80, 15, 5))[0]
        labels.append({"node_id": node_id, "dimension": "actor", "label": actor,
                       "confidence": 0.9, "source": "auto"})  # fmt: skip
        vector = np.array([rng.random()] + [rng.gauss(0, 0.05) for _ in range(DIMS - 1)])
        vectors.append({"node_id": node_id, "model": embeddings.MODEL, "dims": DIMS,
                        "vector": (vector / np.linalg.norm(vector)).astype(np.float32).tobytes(),
                        "text_sha": "0" * 64, "at": now})  # fmt: skip
    with db.session() as s:
        s.execute(insert(LibraryDocument), docs)
        s.execute(insert(LibraryNode), nodes)
        s.execute(insert(LibraryLabel), labels)
        s.execute(insert(LibraryEmbedding), vectors)
        rebuild_search_index(s)
    return [d["slug"] for d in docs]


FILTERS = [SearchFilters(), SearchFilters(actor="donors"), SearchFilters(document="scale-2"),
           SearchFilters(document="scale-3", actor="media"),
           SearchFilters(actor="state", include_retired=True)]  # fmt: skip


def _joined(s: Session, query: str, conditions: list[Any], limit: int) -> list[tuple[str, float]]:
    """The plain method: every match joined to its node and document and filtered in SQL."""
    if s.get_bind().dialect.name == "sqlite":
        return fulltext.joined_hits(s, " AND ".join(f'"{w}"*' for w in query.split()),
                                    conditions, limit)  # fmt: skip
    document = literal_column(fulltext.PG_DOCUMENT)
    tsquery = func.to_tsquery("simple", " & ".join(f"{w}:*" for w in query.split()))
    rank = func.ts_rank(document, tsquery)
    rows = s.execute(
        select(LibraryNode.id, rank)
        .join(LibraryDocument, LibraryDocument.id == LibraryNode.document_id)
        .where(document.op("@@")(tsquery), *conditions)
        .order_by(rank.desc(), LibraryNode.reference).limit(limit)
    )  # fmt: skip
    return [(node_id, float(score)) for node_id, score in rows]


def test_ranked_matches_give_the_answer_of_joining_every_match(
    db: Database, make_actor: MakeActor
) -> None:
    analyst = make_actor(Role.ANALYST)
    _library(db, analyst)
    with db.session() as s:
        for filters in FILTERS:
            for query in ("warning", "just cour", "med", "archives funding shelter"):
                scope = searching._scope(s, analyst, query, filters, 10)
                for limit in (1, 10, 60):
                    fast = fulltext.text_hits(s, query, scope.passing, limit, scope.document_id,
                                              scope.narrowest)  # fmt: skip
                    assert fast == _joined(s, query, scope.conditions, limit), (filters, limit)


def test_the_filter_index_follows_corrections_imports_and_new_rows(
    db: Database, make_actor: MakeActor
) -> None:
    """The in-memory filters are rebuilt after a correction or an import, and a paragraph
    written behind their back (no import, no vector) is still tested, in SQL."""
    analyst = make_actor(Role.ANALYST)
    _library(db, analyst)
    donors = SearchFilters(actor="donors")
    with db.session() as s:
        before = {h.node.id for h in search_text(s, analyst, "warning", donors, limit=200)}
        moved = s.scalars(select(LibraryNode.id).join(LibraryLabel).where(
            LibraryLabel.label == "state", LibraryNode.current.is_(True),
            LibraryNode.text.contains("warning")).limit(1)).one()  # fmt: skip
        correct_labels(s, analyst, moved, "actor", ["donors"])
    with db.session() as s:
        after = {h.node.id for h in search_text(s, analyst, "warning", donors, limit=200)}
        document = s.scalars(select(LibraryDocument.id).where(LibraryDocument.slug == "scale-1"))
        node_id = new_id()
        s.execute(insert(LibraryNode).values(
            id=node_id, document_id=document.one(), reference="scale-1/new", kind="item",
            key="new", text="warning sirens", position=9999, line_first=1, line_last=1,
            text_sha="0" * 64))  # fmt: skip
        s.execute(
            insert(LibraryLabel).values(
                node_id=node_id, dimension="actor", label="donors", confidence=1.0, source="auto"
            )
        )
        rebuild_search_index(s)
    with db.session() as s:
        latest = {h.node.id for h in search_text(s, analyst, "warning", donors, limit=200)}
    assert after == before | {moved} and moved not in before
    assert latest == after | {node_id}


def test_filters_combine_on_both_databases(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    _library(db, analyst)
    with db.session() as s:
        hits = search_text(s, analyst, "warn", SearchFilters(document="scale-3", actor="donors"),
                           limit=200)  # fmt: skip
        hidden = search_text(s, analyst, "warn", SearchFilters(), limit=200)
        expected = set(s.scalars(
            select(LibraryNode.id)
            .join(LibraryLabel, LibraryLabel.node_id == LibraryNode.id)
            .join(LibraryDocument, LibraryDocument.id == LibraryNode.document_id)
            .where(LibraryDocument.slug == "scale-3", LibraryLabel.label == "donors",
                   LibraryNode.current.is_(True), LibraryNode.text.contains("warning"))
        ))  # fmt: skip
    assert expected and {h.node.id for h in hits} == expected  # every match, nothing else
    assert hits and all(h.document_slug == "scale-3" and h.node.current for h in hits)
    assert all(h.node.labels["actor"][0].label == "donors" for h in hits)
    assert "scale-5" not in {h.document_slug for h in hidden}  # RED, above an analyst


def test_semantic_search_gives_the_nearest_items_that_pass_the_filters(
    db: Database, make_actor: MakeActor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embeddings, "available", lambda: True)
    monkeypatch.setattr(embeddings, "encode_query", lambda text: QUERY)
    analyst = make_actor(Role.ANALYST)
    _library(db, analyst)
    with db.session() as s:
        for filters in FILTERS:
            scope = searching._scope(s, analyst, "anything", filters, 20)
            found = searching._semantic(s, scope, lambda: QUERY, 50)
            assert found is not None
            rows = s.execute(
                select(LibraryEmbedding.node_id, LibraryEmbedding.vector)
                .join(LibraryNode, LibraryNode.id == LibraryEmbedding.node_id)
                .join(LibraryDocument, LibraryDocument.id == LibraryNode.document_id)
                .where(*scope.conditions)
            ).all()  # fmt: skip
            sims = {r.node_id: float(np.frombuffer(r.vector, dtype=np.float32) @ QUERY)
                    for r in rows}  # fmt: skip
            best = sorted((i for i in sims if sims[i] >= searching.SEMANTIC_FLOOR),
                          key=lambda i: (-sims[i], i))[:50]  # fmt: skip
            assert [node_id for node_id, _ in found] == best, filters
            assert len(best) > 10


def test_vector_matrix_is_reused_until_the_stored_vectors_change(
    db: Database, make_actor: MakeActor
) -> None:
    _library(db, make_actor(Role.ANALYST))
    with db.session() as s:
        first = vector_index(s)
    with db.session() as s:
        again = vector_index(s)
        some = s.scalars(select(LibraryEmbedding.node_id).limit(1)).one()
        s.execute(update(LibraryEmbedding).where(LibraryEmbedding.node_id == some).values(
            vector=np.ones(DIMS, dtype=np.float32).tobytes(), at=utcnow()))  # fmt: skip
    with db.session() as s:
        changed = vector_index(s)
    assert first is not None and again is first
    assert changed is not None and changed is not first and len(changed) == ITEMS
    row = changed.rows[some]
    assert changed.columns[:, row].tolist() == [1.0] * DIMS
