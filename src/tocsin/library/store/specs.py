"""A parsed document as the flat list of nodes storage keeps: parts, sections and items in
document order, each with the reference it is matched on at the next import."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from tocsin.core.errors import ValidationFailed
from tocsin.library import Document, Item, Part, Section
from tocsin.library.store.vocabulary import NodeKind

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 200
MAX_REFERENCE = 500
MAX_KEY = 200


@dataclass(frozen=True)
class NodeSpec:
    reference: str
    kind: NodeKind
    item_kind: str | None
    key: str
    label: str
    heading: str
    text: str
    parent_reference: str | None
    parent_item: str | None
    position: int
    lines: tuple[int, int]
    context: tuple[str, ...]
    footnotes: tuple[str, ...]
    inferred: bool
    headings: str  # the headings above it, for the classifier

    @property
    def text_sha(self) -> str:
        return text_sha(self.text)


def text_sha(text: str) -> str:
    """Spaces folded first: a paragraph re-wrapped by a new edition is the same paragraph."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def check_slug(slug: str) -> str:
    slug = slug.strip()
    if not slug or len(slug) > MAX_SLUG or not SLUG.match(slug):
        raise ValidationFailed.on(
            "slug", f"lower-case letters, digits and single hyphens, at most {MAX_SLUG} characters"
        )
    return slug


def node_specs(document: Document, slug: str) -> list[NodeSpec]:
    """Every part, section and item, with references under ``slug`` (the parser's own slug
    replaced when the importer chose another)."""

    def ref(reference: str) -> str:
        return slug + reference[len(document.slug) :]

    specs: list[NodeSpec] = []
    for part in document.parts:
        specs.append(_outline(part, NodeKind.PART, ref(part.reference), None, len(specs), ""))
        for section in part.sections:
            specs.append(_outline(section, NodeKind.SECTION, ref(section.reference),
                                  ref(part.reference), len(specs), part.heading))  # fmt: skip
            above = " / ".join(h for h in (part.heading, section.heading) if h)
            for item in section.items:
                specs.append(_item(item, ref(item.reference), ref(section.reference), above,
                                   len(specs)))  # fmt: skip
    _check(specs)
    return specs


def _outline(
    node: Part | Section, kind: NodeKind, reference: str, parent: str | None, position: int,
    above: str,
) -> NodeSpec:  # fmt: skip
    return NodeSpec(
        reference=reference, kind=kind, item_kind=None, key=node.key, label=node.label,
        heading=node.heading, text="", parent_reference=parent, parent_item=None,
        position=position, lines=node.lines, context=(), footnotes=(), inferred=False,
        headings=above,
    )  # fmt: skip


def _item(item: Item, reference: str, section: str, above: str, position: int) -> NodeSpec:
    headings = " / ".join(h for h in (above, *item.context, item.heading) if h)
    return NodeSpec(
        reference=reference, kind=NodeKind.ITEM, item_kind=item.kind.value, key=item.key,
        label=item.label, heading=item.heading, text=item.text, parent_reference=section,
        parent_item=f"{section}/{item.parent}" if item.parent else None, position=position,
        lines=item.lines, context=item.context, footnotes=item.footnotes,
        inferred=item.inferred, headings=headings,
    )  # fmt: skip


def _check(specs: list[NodeSpec]) -> None:
    if not any(s.kind == NodeKind.ITEM for s in specs):
        raise ValidationFailed.on("document", "no paragraphs found: nothing to import")
    seen: set[str] = set()
    for spec in specs:
        if spec.reference in seen:
            raise ValidationFailed.on("document", f"the reference {spec.reference} appears twice")
        if len(spec.key) > MAX_KEY or len(spec.label) > MAX_KEY:
            raise ValidationFailed.on("document", f"a number or key too long at {spec.reference}")
        if len(spec.reference) > MAX_REFERENCE:
            raise ValidationFailed.on(
                "document", f"reference longer than {MAX_REFERENCE} characters: "
                f"{spec.reference[:60]}…; import with a shorter slug",
            )  # fmt: skip
        seen.add(spec.reference)
