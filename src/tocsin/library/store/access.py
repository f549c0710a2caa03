"""Finding documents and nodes within the actor's clearance. A node is as visible as its
document; reads of a protected document's content (TLP:AMBER and above) are audited."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.records import read_is_audited
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.library.store.models import LibraryDocument, LibraryNode
from tocsin.library.store.vocabulary import DOCUMENT, NODE


def document(session: Session, actor: Actor, slug_or_id: str) -> LibraryDocument:
    """The document with this slug (or id), if the actor may see it, else NotFound."""
    actor.require(Permission.READ)
    row = session.scalar(select(LibraryDocument).where(LibraryDocument.slug == slug_or_id))
    if row is None:
        row = session.get(LibraryDocument, slug_or_id)
    if row is None or not actor.may_see(row.tlp, row.created_by):
        raise NotFound("no such document")
    if read_is_audited(DOCUMENT, row.tlp):
        audit.record(session, actor, audit.Action.READ, DOCUMENT, row.id)
    return row


def node(
    session: Session, actor: Actor, key: str, field: str | None = None
) -> tuple[LibraryNode, LibraryDocument]:
    """The node with this id or reference, and its document. One the actor may not see is
    reported as absent: NotFound, or, for a node named in input, a problem on ``field``."""
    actor.require(Permission.READ)
    found = _lookup(session, key)
    doc = session.get(LibraryDocument, found.document_id) if found is not None else None
    if found is None or doc is None or not actor.may_see(doc.tlp, doc.created_by):
        if field is None:
            raise NotFound("no such paragraph")
        raise ValidationFailed.on(field, f"no paragraph {key!r}")
    if read_is_audited(DOCUMENT, doc.tlp):
        audit.record(session, actor, audit.Action.READ, NODE, found.id)
    return found, doc


def _lookup(session: Session, key: str) -> LibraryNode | None:
    key = key.strip()
    if not key or len(key) > 500:
        return None
    if "/" in key:  # ids never hold a slash; references always do, past the document
        return session.scalar(select(LibraryNode).where(LibraryNode.reference == key))
    return session.get(LibraryNode, key)


def audit_nodes_read(
    session: Session, actor: Actor, pairs: Iterable[tuple[LibraryNode, LibraryDocument]],
    via: str,
) -> None:  # fmt: skip
    """One audit entry per node of a protected document that a list or search showed."""
    protected = [n.id for n, d in pairs if read_is_audited(DOCUMENT, d.tlp)]
    audit.record_reads(session, actor, NODE, protected, via=via)
