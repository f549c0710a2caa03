"""Library items as the proposal engine reads them: current paragraphs of documents within the
actor's clearance, with their stored labels. Only items carrying a label on a factor or theme of
the situation are loaded, so a large library costs one indexed query, not a full scan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from tocsin.core.access import Actor, visible
from tocsin.library.classify import RISK_FACTOR, THEME
from tocsin.library.store.models import LibraryDocument, LibraryLabel, LibraryNode
from tocsin.library.store.vocabulary import NodeKind
from tocsin.response.plans.scoring import Candidate

CHUNK = 500


def addressing(
    session: Session, actor: Actor, factors: Iterable[str], themes: Iterable[str]
) -> list[Candidate]:
    """Current items the actor may see that carry one of ``factors`` or ``themes``."""
    wanted = []
    if factors := sorted(set(factors)):
        wanted.append(and_(LibraryLabel.dimension == RISK_FACTOR, LibraryLabel.label.in_(factors)))
    if themes := sorted(set(themes)):
        wanted.append(and_(LibraryLabel.dimension == THEME, LibraryLabel.label.in_(themes)))
    if not wanted:
        return []
    query = (
        select(LibraryNode, LibraryDocument)
        .join(LibraryDocument, LibraryDocument.id == LibraryNode.document_id)
        .where(
            LibraryNode.kind == NodeKind.ITEM.value,
            LibraryNode.current.is_(True),
            visible(LibraryDocument, actor),
            LibraryNode.id.in_(select(LibraryLabel.node_id).where(or_(*wanted))),
        )
    )
    return with_labels(session, [(node, doc) for node, doc in session.execute(query)])


def with_labels(
    session: Session, pairs: list[tuple[LibraryNode, LibraryDocument]]
) -> list[Candidate]:
    ids = [node.id for node, _ in pairs]
    labels: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for start in range(0, len(ids), CHUNK):
        rows = session.scalars(
            select(LibraryLabel).where(LibraryLabel.node_id.in_(ids[start : start + CHUNK]))
        )
        for row in rows:
            labels[row.node_id][row.dimension][row.label] = row.confidence
    return [
        Candidate(
            node_id=node.id,
            reference=node.reference,
            document_slug=doc.slug,
            document_title=doc.title,
            label=node.label,
            heading=node.heading,
            text=node.text,
            labels={d: dict(c) for d, c in labels[node.id].items()},
        )
        for node, doc in pairs
    ]
