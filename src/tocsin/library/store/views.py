"""Reading the library: the list of documents, one document with its import history, its tree
of parts, sections and items, and one node in full (labels, corrections, links)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.cases.records import audit_listed, visible_query
from tocsin.core.access import Actor
from tocsin.core.tlp import TLP
from tocsin.library.store import access
from tocsin.library.store.links import links_of
from tocsin.library.store.models import (
    LibraryDocument,
    LibraryImport,
    LibraryLabel,
    LibraryLabelCorrection,
    LibraryNode,
)
from tocsin.library.store.schemas import (
    CorrectionPublic,
    DocumentPublic,
    DocumentSummary,
    DocumentTree,
    ImportPublic,
    LabelPublic,
    NodePublic,
    NodeSummary,
    PartTree,
    ReportPublic,
    SectionTree,
)
from tocsin.library.store.vocabulary import DOCUMENT, NodeKind

Labels = dict[str, list[LabelPublic]]


def list_documents(session: Session, actor: Actor) -> list[DocumentSummary]:
    """Every document the actor may see, by title."""
    rows = list(session.scalars(
        visible_query(LibraryDocument, actor).order_by(LibraryDocument.title, LibraryDocument.slug)
    ))  # fmt: skip
    audit_listed(session, actor, DOCUMENT, rows)
    counts = _item_counts(session, [r.id for r in rows])
    return [document_summary(r, counts.get(r.id, (0, 0))) for r in rows]


def get_document(session: Session, actor: Actor, slug: str) -> DocumentPublic:
    """A document (by slug or id) with its last import report and its import history."""
    row = access.document(session, actor, slug)
    imports = session.scalars(
        select(LibraryImport).where(LibraryImport.document_id == row.id)
        .order_by(LibraryImport.at.desc(), LibraryImport.id.desc())
    )  # fmt: skip
    return DocumentPublic(
        **summary_of(session, row).model_dump(),
        report=ReportPublic.model_validate(row.report or {}),
        imports=[_import_public(i) for i in imports],
        created_at=row.created_at,
        created_by=row.created_by,
    )


def document_tree(
    session: Session, actor: Actor, slug: str, include_retired: bool = False
) -> DocumentTree:
    """Parts, their sections and their items in document order, each item with its labels.
    Parts and sections the document does not print (key ``-``) are there, so every item sits
    at the same depth; a page may show their items directly."""
    row = access.document(session, actor, slug)
    query = select(LibraryNode).where(LibraryNode.document_id == row.id)
    if not include_retired:
        query = query.where(LibraryNode.current.is_(True))
    nodes = list(session.scalars(query.order_by(LibraryNode.position, LibraryNode.reference)))
    labels = label_map(session, [n.id for n in nodes if n.kind == NodeKind.ITEM])
    items: dict[str, list[NodeSummary]] = defaultdict(list)
    sections: dict[str, list[LibraryNode]] = defaultdict(list)
    for n in nodes:
        if n.kind == NodeKind.ITEM and n.parent_reference is not None:
            items[n.parent_reference].append(node_summary(n, labels.get(n.id, {})))
        elif n.kind == NodeKind.SECTION and n.parent_reference is not None:
            sections[n.parent_reference].append(n)
    parts = [
        PartTree(
            **node_summary(p, {}).model_dump(),
            sections=[
                SectionTree(**node_summary(s, {}).model_dump(), items=items[s.reference])
                for s in sections[p.reference]
            ],
        )
        for p in nodes
        if p.kind == NodeKind.PART
    ]
    return DocumentTree(document=summary_of(session, row), parts=parts)


def get_node(session: Session, actor: Actor, key: str) -> NodePublic:
    """One node by id or reference, with its labels, the corrections made to it and its links."""
    row, doc = access.node(session, actor, key)
    corrections = session.scalars(
        select(LibraryLabelCorrection).where(LibraryLabelCorrection.node_id == row.id)
        .order_by(LibraryLabelCorrection.at, LibraryLabelCorrection.id)
    )  # fmt: skip
    return NodePublic(
        **node_summary(row, label_map(session, [row.id]).get(row.id, {})).model_dump(),
        document=summary_of(session, doc),
        parent_reference=row.parent_reference,
        parent_item=row.parent_item,
        position=row.position,
        lines=(row.line_first, row.line_last),
        context=list(row.context),
        footnotes=list(row.footnotes),
        inferred=row.inferred,
        created_at=row.created_at,
        updated_at=row.updated_at,
        retired_at=row.retired_at,
        corrections=[
            CorrectionPublic(dimension=c.dimension, labels=list(c.labels), text=c.text,
                             note=c.note, by=c.by, at=c.at)
            for c in corrections
        ],
        links=links_of(session, actor, row.id),
    )


# ------------------------------------------------------------------------------ conversions


def label_map(session: Session, node_ids: Iterable[str]) -> dict[str, Labels]:
    """node id -> dimension -> its labels, most confident first."""
    ids = list(node_ids)
    out: dict[str, Labels] = defaultdict(lambda: defaultdict(list))
    for chunk in _chunks(ids):
        rows = session.scalars(
            select(LibraryLabel).where(LibraryLabel.node_id.in_(chunk))
            .order_by(LibraryLabel.confidence.desc(), LibraryLabel.label)
        )  # fmt: skip
        for r in rows:
            out[r.node_id][r.dimension].append(LabelPublic(
                label=r.label, confidence=r.confidence, source=r.source, method=r.method,
                keywords=list(r.keywords), by=r.by, at=r.at,
            ))  # fmt: skip
    return {k: dict(v) for k, v in out.items()}


def node_summary(row: LibraryNode, labels: Labels) -> NodeSummary:
    return NodeSummary(
        id=row.id, reference=row.reference, kind=row.kind, item_kind=row.item_kind, key=row.key,
        label=row.label, heading=row.heading, text=row.text, current=row.current, labels=labels,
    )  # fmt: skip


def summary_of(session: Session, row: LibraryDocument) -> DocumentSummary:
    return document_summary(row, _item_counts(session, [row.id]).get(row.id, (0, 0)))


def document_summary(row: LibraryDocument, counts: tuple[int, int]) -> DocumentSummary:
    return DocumentSummary(
        id=row.id, slug=row.slug, title=row.title, source_name=row.source_name,
        sha256=row.sha256, format=row.format, tlp=TLP(row.tlp).label,
        imported_at=row.imported_at, imported_by=row.imported_by,
        items=counts[0], retired_items=counts[1],
    )  # fmt: skip


def _item_counts(session: Session, document_ids: list[str]) -> dict[str, tuple[int, int]]:
    """document id -> (current items, retired items)."""
    if not document_ids:
        return {}
    rows = session.execute(
        select(LibraryNode.document_id, LibraryNode.current, func.count())
        .where(LibraryNode.document_id.in_(document_ids), LibraryNode.kind == NodeKind.ITEM)
        .group_by(LibraryNode.document_id, LibraryNode.current)
    )  # fmt: skip
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for document_id, current, n in rows:
        counts[document_id][0 if current else 1] = n
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _import_public(row: LibraryImport) -> ImportPublic:
    changes = row.changes or {}
    return ImportPublic(
        id=row.id, at=row.at, by=row.by, sha256=row.sha256, source_name=row.source_name,
        format=row.format, title=row.title, added=changes.get("added", []),
        updated=changes.get("updated", []), retired=changes.get("retired", []),
        restored=changes.get("restored", []), unchanged=changes.get("unchanged", 0),
    )  # fmt: skip


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    # bound the IN list: SQLite allows a limited number of parameters per statement
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
