"""Links between paragraphs: made by hand (this commitment implements that recommendation) or
suggested by similarity and then confirmed or rejected by an analyst.

One row per ordered pair of nodes. Unlinking never deletes: the row becomes ``rejected``, so the
decision is kept and :func:`suggest_links` never proposes that pair again, in either direction.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from tocsin.cases.records import written
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.library.store import access
from tocsin.library.store.models import LibraryDocument, LibraryLink, LibraryNode
from tocsin.library.store.schemas import LinkPublic, NodeRef
from tocsin.library.store.similar import similar_nodes
from tocsin.library.store.vocabulary import LINK, LinkKind, LinkStatus

MAX_NOTE = 4000
MAX_SUGGESTIONS = 50


def link(
    session: Session, actor: Actor, from_node: str, to_node: str,
    kind: str = LinkKind.REFERS_TO, note: str = "",
) -> LinkPublic:  # fmt: skip
    """Link two nodes (ids or references). A suggestion or a rejected pair becomes confirmed:
    an analyst's decision overrides the machine's and their own earlier one."""
    actor.require(Permission.CURATE_LIBRARY)
    link_kind = _kind(kind)
    source, _ = access.node(session, actor, from_node, "from_node")
    target, _ = access.node(session, actor, to_node, "to_node")
    if source.id == target.id:
        raise ValidationFailed.on("to_node", "a paragraph cannot be linked to itself")
    note = _note(note)
    now = utcnow()
    row = session.scalar(select(LibraryLink).where(
        LibraryLink.from_node_id == source.id, LibraryLink.to_node_id == target.id))  # fmt: skip
    created = row is None
    if row is None:
        row = LibraryLink(from_node_id=source.id, to_node_id=target.id, created_by=actor.user_id,
                          created_at=now)  # fmt: skip
        session.add(row)
    row.kind, row.note, row.status = link_kind.value, note, LinkStatus.CONFIRMED.value
    row.decided_by, row.decided_at = actor.user_id, now
    session.flush()
    action = audit.Action.CREATE if created else audit.Action.UPDATE
    written(session, actor, action, LINK, row.id, ["kind", "note", "status"])
    return _public(session, row)


def unlink(session: Session, actor: Actor, link_id: str, note: str = "") -> LinkPublic:
    """Withdraw a link or reject a suggestion. The row stays, marked rejected."""
    actor.require(Permission.CURATE_LIBRARY)
    row = session.get(LibraryLink, link_id)
    if row is None or not _may_see(session, actor, row):
        raise NotFound("no such link")
    row.status = LinkStatus.REJECTED.value
    if note:
        row.note = _note(note)
    row.decided_by, row.decided_at = actor.user_id, utcnow()
    session.flush()
    written(session, actor, audit.Action.UPDATE, LINK, row.id, ["status"])
    return _public(session, row)


def suggest_links(session: Session, actor: Actor, node: str, k: int = 5) -> list[LinkPublic]:
    """Up to ``k`` paragraphs of other documents most similar to this one, stored as
    suggestions (by embeddings when both sides have them, else by shared words). Pairs already
    linked, suggested or rejected, in either direction, are never proposed again."""
    actor.require(Permission.CURATE_LIBRARY)
    if not 1 <= k <= MAX_SUGGESTIONS:
        raise ValidationFailed.on("k", f"between 1 and {MAX_SUGGESTIONS}")
    source, _ = access.node(session, actor, node, "node")
    taken = _paired_with(session, source.id)
    found = similar_nodes(session, actor, source, exclude=taken | {source.id}, k=k)
    rows = []
    for target_id, score in found:
        row = LibraryLink(
            from_node_id=source.id, to_node_id=target_id, kind=LinkKind.RELATED.value,
            status=LinkStatus.SUGGESTED.value, score=round(score, 4), created_by=actor.user_id,
            created_at=utcnow(),
        )  # fmt: skip
        session.add(row)
        rows.append(row)
    session.flush()
    for row in rows:
        written(session, actor, audit.Action.CREATE, LINK, row.id, ["status"])
    return [_public(session, row) for row in rows]


def links_of(session: Session, actor: Actor, node_id: str) -> list[LinkPublic]:
    """Every link to or from a node whose other end the actor may see, oldest first."""
    rows = session.scalars(
        select(LibraryLink)
        .where(or_(LibraryLink.from_node_id == node_id, LibraryLink.to_node_id == node_id))
        .order_by(LibraryLink.created_at, LibraryLink.id)
    )
    return [_public(session, r) for r in rows if _may_see(session, actor, r)]


def _paired_with(session: Session, node_id: str) -> set[str]:
    rows = session.execute(select(LibraryLink.from_node_id, LibraryLink.to_node_id).where(
        or_(LibraryLink.from_node_id == node_id, LibraryLink.to_node_id == node_id)))  # fmt: skip
    return {b if a == node_id else a for a, b in rows}


def _may_see(session: Session, actor: Actor, row: LibraryLink) -> bool:
    ends = aliased(LibraryNode)
    docs = session.execute(
        select(LibraryDocument.tlp, LibraryDocument.created_by)
        .join(ends, ends.document_id == LibraryDocument.id)
        .where(ends.id.in_([row.from_node_id, row.to_node_id]))
    ).all()  # fmt: skip
    return len(docs) > 0 and all(actor.may_see(tlp, by) for tlp, by in docs)


def _ref(session: Session, node_id: str) -> NodeRef:
    row = session.execute(
        select(LibraryNode.id, LibraryNode.reference, LibraryNode.current, LibraryDocument.slug)
        .join(LibraryDocument, LibraryDocument.id == LibraryNode.document_id)
        .where(LibraryNode.id == node_id)
    ).one()  # fmt: skip
    return NodeRef(id=row.id, reference=row.reference, current=row.current,
                   document_slug=row.slug)  # fmt: skip


def _public(session: Session, row: LibraryLink) -> LinkPublic:
    return LinkPublic(
        id=row.id, from_node=_ref(session, row.from_node_id), to_node=_ref(session, row.to_node_id),
        kind=row.kind, note=row.note, status=row.status, score=row.score,
        created_by=row.created_by, created_at=row.created_at, decided_by=row.decided_by,
        decided_at=row.decided_at,
    )  # fmt: skip


def _kind(value: str) -> LinkKind:
    try:
        return LinkKind(value)
    except ValueError:
        known = ", ".join(k.value for k in LinkKind)
        raise ValidationFailed.on("kind", f"unknown link kind {value!r}; one of {known}") from None


def _note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ValidationFailed.on("note", f"at most {MAX_NOTE} characters")
    return note
