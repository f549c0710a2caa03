"""A commitment and the library paragraph it came from. The paragraph's text is often the
commitment's action, so a commitment is never shared more widely than the paragraph's document;
a reader who may not see the document sees neither the paragraph nor the text copied from it,
and a reader who sees a protected paragraph through a commitment is audited as a library read."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.core.errors import ValidationFailed
from tocsin.core.tlp import TLP
from tocsin.library.store.access import audit_nodes_read
from tocsin.library.store.models import LibraryDocument, LibraryNode
from tocsin.response.commitments.checks import Source
from tocsin.response.commitments.models import Commitment
from tocsin.response.commitments.schemas import CommitmentPublic

# How the report and the command line name a withheld action (the pages translate their own).
WITHHELD = "(withheld: the text of a library paragraph you may not see)"


def same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def nodes(session: Session, ids: Iterable[str]) -> dict[str, tuple[LibraryNode, LibraryDocument]]:
    """{node id: the node and its document}, whatever the reader may see."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(LibraryNode, LibraryDocument)
        .join(LibraryDocument, LibraryDocument.id == LibraryNode.document_id)
        .where(LibraryNode.id.in_(wanted))
    ).all()  # fmt: skip
    return {n.id: (n, d) for n, d in rows}


def withheld(action: str, node: LibraryNode | None) -> bool:
    """Whether a reader who may not see the source document must not see this action: it is the
    paragraph's text, or the paragraph is gone and nobody can tell."""
    return node is None or same_text(action, node.text)


def check_shared_narrowly(
    actor: Actor, tlp: int, source: Source | None, field: str = "tlp"
) -> None:
    """Refuse a commitment shared more widely than its source paragraph's document."""
    if source is not None:
        refuse_below(actor, tlp, source.tlp, field)


def refuse_below(actor: Actor, tlp: int, floor: int, field: str) -> None:
    if tlp >= floor:
        return
    if floor > actor.clearance:  # name no level the actor is not cleared for
        raise ValidationFailed.on(
            field, "is shared more widely than the library document the commitment comes from"
        )
    label = TLP(floor).label
    raise ValidationFailed.on(
        field,
        f"is shared more widely than the library document the commitment comes from "
        f"(TLP:{label}); choose TLP:{label} or a narrower level",
    )


def floor_after_update(
    session: Session, row: Commitment, source: Source | None, relinked: bool, action: str
) -> int:
    """The narrowest sharing level the edited commitment may have: its (new) paragraph's
    document's, and the old paragraph's while the action is still that paragraph's text (so
    unlinking a paragraph does not release the text it copied)."""
    levels = [source.tlp] if source is not None else []
    if row.node_id is not None:
        old = nodes(session, [row.node_id]).get(row.node_id)
        if old is not None and (not relinked or same_text(action, old[0].text)):
            levels.append(old[1].tlp)
        elif old is None and not relinked and row.document_id is not None:
            doc = session.get(LibraryDocument, row.document_id)
            levels.extend([doc.tlp] if doc is not None else [])
    return max(levels, default=int(TLP.CLEAR))


def audit_sources(session: Session, actor: Actor, shown: Iterable[CommitmentPublic]) -> None:
    """One library read per protected paragraph shown with a commitment."""
    ids = [c.source.node_id for c in shown if c.source is not None]
    audit_nodes_read(session, actor, nodes(session, ids).values(), via="commitment")
