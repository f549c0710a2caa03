"""Paragraphs of other documents that resemble one paragraph, for link suggestions.

By stored sentence embeddings when the paragraph has one (the query vector is read, not
computed, so this works even where the model is not installed); otherwise by hashed words and
word pairs (the classifier's lexical stand-in), which finds only shared wording. Each method has
its own floor below which nothing is suggested: unrelated paragraphs of plans of action still
share words such as "States" and "protection".
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.core.access import Actor, visible
from tocsin.library.classify.similarity import LexicalEncoder
from tocsin.library.store.models import LibraryDocument, LibraryNode
from tocsin.library.store.vectors import embedded_text, stored_vector, vector_index
from tocsin.library.store.vocabulary import NodeKind

EMBEDDING_FLOOR = 0.45  # all-MiniLM-L6-v2 cosine: paraphrases score 0.6 and more
LEXICAL_FLOOR = 0.12


def similar_nodes(
    session: Session, actor: Actor, source: LibraryNode, exclude: set[str], k: int
) -> list[tuple[str, float]]:
    """Up to ``k`` (node id, similarity) of current items in other documents the actor may
    see, most similar first, none in ``exclude``."""
    visible_docs = set(session.scalars(
        select(LibraryDocument.id).where(visible(LibraryDocument, actor),
                                         LibraryDocument.id != source.document_id)))  # fmt: skip
    if not visible_docs:
        return []
    query = stored_vector(session, source.id)
    index = vector_index(session) if query is not None else None
    if query is not None and index is not None:
        allowed = np.isin(index.document_ids, list(visible_docs)) & ~np.isin(
            index.node_ids, list(exclude)
        )
        found = index.nearest(query, allowed, k * 3, EMBEDDING_FLOOR)
        current = _current(session, [node_id for node_id, _ in found])
        return [(node_id, score) for node_id, score in found if node_id in current][:k]
    return _lexical(session, source, visible_docs, exclude, k)


def _current(session: Session, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    return set(session.scalars(select(LibraryNode.id).where(
        LibraryNode.id.in_(ids), LibraryNode.current.is_(True))))  # fmt: skip


def _lexical(
    session: Session, source: LibraryNode, documents: set[str], exclude: set[str], k: int
) -> list[tuple[str, float]]:
    candidates = [
        n for n in session.scalars(
            select(LibraryNode).where(
                LibraryNode.document_id.in_(sorted(documents)), LibraryNode.current.is_(True),
                LibraryNode.kind == NodeKind.ITEM.value,
            ).order_by(LibraryNode.id)
        )
        if n.id not in exclude
    ]  # fmt: skip
    if not candidates:
        return []
    encoder = LexicalEncoder()
    vectors = encoder([embedded_text(n) for n in candidates])
    sims = vectors @ encoder([embedded_text(source)])[0]
    order = sorted(range(len(candidates)), key=lambda i: (-float(sims[i]), candidates[i].id))
    return [(candidates[i].id, float(sims[i])) for i in order[:k] if sims[i] >= LEXICAL_FLOOR]
