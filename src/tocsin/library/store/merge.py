"""Bring a document's stored nodes in line with a new import, matching on references.

A node whose reference is imported again is updated in place and keeps its id, so labels,
corrections and links stay attached. A new reference is a new node. A stored node the import no
longer has is kept and marked not current (``retired_at``); if a later import has it again, it
is current again (restored) with the same id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.library.store.models import LibraryNode
from tocsin.library.store.specs import NodeSpec
from tocsin.library.store.vocabulary import NodeKind

# What makes a node "updated" for the import history; a paragraph that only moved (other line
# numbers, another position) is unchanged.
CONTENT = ("kind", "item_kind", "key", "label", "heading", "text", "parent_reference",
           "parent_item", "inferred")  # fmt: skip


@dataclass
class Merged:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0
    # items whose text is new or changed, with the headings above them: to (re)classify
    to_classify: list[tuple[LibraryNode, str]] = field(default_factory=list)
    current: list[LibraryNode] = field(default_factory=list)

    def changes(self) -> dict[str, object]:
        return {"added": self.added, "updated": self.updated, "retired": self.retired,
                "restored": self.restored, "unchanged": self.unchanged}  # fmt: skip


def merge_nodes(
    session: Session, document_id: str, specs: list[NodeSpec], now: datetime
) -> Merged:
    stored = {
        n.reference: n
        for n in session.scalars(select(LibraryNode).where(LibraryNode.document_id == document_id))
    }
    out = Merged()
    for spec in specs:
        node = stored.pop(spec.reference, None)
        if node is None:
            node = LibraryNode(document_id=document_id, reference=spec.reference,
                               created_at=now, updated_at=now, current=True)  # fmt: skip
            _copy(node, spec)
            session.add(node)
            out.added.append(spec.reference)
            if spec.kind == NodeKind.ITEM:
                out.to_classify.append((node, spec.headings))
        else:
            text_changed = node.text_sha != spec.text_sha
            content_changed = any(getattr(node, name) != _value(spec, name) for name in CONTENT)
            if not node.current:
                node.current, node.retired_at = True, None
                out.restored.append(spec.reference)
            elif content_changed:
                out.updated.append(spec.reference)
            else:
                out.unchanged += 1
            if content_changed:
                node.updated_at = now
            _copy(node, spec)
            if text_changed and spec.kind == NodeKind.ITEM:
                out.to_classify.append((node, spec.headings))
        out.current.append(node)
    for reference, node in stored.items():
        if node.current:
            node.current, node.retired_at, node.updated_at = False, now, now
            out.retired.append(reference)
    session.flush()
    return out


def _value(spec: NodeSpec, name: str) -> object:
    value = getattr(spec, name)
    return value.value if name == "kind" else value


def _copy(node: LibraryNode, spec: NodeSpec) -> None:
    node.kind = spec.kind.value
    node.item_kind = spec.item_kind
    node.key, node.label = spec.key, spec.label
    node.heading, node.text, node.text_sha = spec.heading, spec.text, spec.text_sha
    node.parent_reference, node.parent_item = spec.parent_reference, spec.parent_item
    node.position = spec.position
    node.line_first, node.line_last = spec.lines
    node.context, node.footnotes = list(spec.context), list(spec.footnotes)
    node.inferred = spec.inferred
