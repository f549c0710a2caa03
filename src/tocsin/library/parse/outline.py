"""Classified blocks to the document tree: parts, sections, items, their keys and context.

Heading depths become levels per document: the shallowest depth printed is the part level
(so "Item V." is a part in an excerpt that has nothing above it). Within a part, the first
deeper heading fixes the section level; headings deeper still are sub-headings, kept as the
context of the items under them.
"""

from __future__ import annotations

import re

from tocsin.library.model import Item, ItemKind
from tocsin.library.parse.blocks import Block, Role
from tocsin.library.parse.cleanup import strip_footnotes
from tocsin.library.parse.drafts import PartDraft, SectionDraft
from tocsin.library.parse.finish import Outline, finish_outline
from tocsin.library.parse.markers import SUBHEADING_DEPTH, Style, table_cells
from tocsin.library.references import NO_KEY, clean_key, reference, slugify
from tocsin.library.report import EntryKind, ReportEntry

_INLINE_BULLET = re.compile(r"\s*•\s*")


def build_outline(blocks: list[Block], slug: str) -> Outline:
    depths = [b.depth for b in blocks if b.role == Role.HEADING and b.depth >= 1]
    builder = _Builder(slug, min(depths, default=SUBHEADING_DEPTH))
    for block in blocks:
        builder.add(block)
    return finish_outline(slug, builder.parts, builder.context_blocks, builder.used, builder.notes)


class _Builder:
    def __init__(self, slug: str, part_depth: int) -> None:
        self.slug = slug
        self.part_depth = part_depth
        self.parts: list[PartDraft] = [PartDraft(NO_KEY, "", "")]
        self.annex: tuple[str, str] | None = None  # key and label of the annex we are in
        self.context_blocks: list[Block] = []
        self.used: set[int] = set()  # ids of context blocks some item sits under
        self.notes: list[ReportEntry] = []
        self.items = 0

    @property
    def part(self) -> PartDraft:
        return self.parts[-1]

    @property
    def section(self) -> SectionDraft:
        return self.part.sections[-1]

    def add(self, block: Block) -> None:
        opened = block.role == Role.HEADING and self._heading(block)
        if not opened:
            self.part.lines.extend(block.lines)
            self.section.lines.extend(block.lines)
        if block.role == Role.SUBHEADING and self._before_body():
            self.context_blocks.append(block)  # under the title: front matter, not context
        elif block.role == Role.SUBHEADING or (block.role == Role.HEADING and not opened):
            self._context_group(block, block.text)
        elif block.role == Role.HEADER:
            self._context_group(block, " | ".join(_cells(block.text)))
        elif block.role == Role.TEXT:
            self._item(block, ItemKind.TEXT, block.text)
            if block.text.rstrip().endswith(":"):
                self.section.context.set_lead(block.text, block, self.section.started)
        elif block.role == Role.ROW:
            self._row(block)
        elif block.role == Role.UNPLACED:
            self._unplaced(block, "a number or list mark with no words after it")
        elif block.role == Role.ITEM and block.kind is not None:
            self._item(block, block.kind, block.body)

    def _before_body(self) -> bool:
        return len(self.parts) == 1 and not self.items

    def _heading(self, block: Block) -> bool:
        """Open the part or section this heading starts; False for a sub-heading."""
        key, label, heading = _heading_key(block)
        lines = list(block.lines)
        if block.depth == 0:
            self.annex = (key, label)
        elif block.depth <= self.part_depth:
            if self.annex is not None:
                annex_key, annex_label = self.annex
                if self.part.key == annex_key and not self.part.items():
                    # The annex heading only announces the parts inside it: its line goes
                    # with the first of them.
                    lines = self.parts.pop().lines + lines
                key, label = f"{annex_key}-{key}", f"{annex_label}, {label}".strip(", ")
        elif self.part.section_depth is None or block.depth <= self.part.section_depth:
            depth = self.part.section_depth
            self.part.section_depth = block.depth if depth is None else min(depth, block.depth)
            used = {s.key for s in self.part.sections}
            section = SectionDraft(_unique(key, used), label, heading, block, list(block.lines))
            self.part.sections.append(section)
            self.part.lines.extend(block.lines)
            return True
        else:
            return False
        used = {p.key for p in self.parts}
        self.parts.append(PartDraft(_unique(key, used), label, heading, block, lines))
        return True

    def _context_group(self, block: Block, text: str) -> None:
        group = self.section.context.group
        if group is not None and group[0] == text:
            return  # a caption repeated as the table's header row: placed with the caption
        self.section.context.set_group(text, block)
        self.context_blocks.append(block)

    def _row(self, block: Block) -> None:
        head, *bullets = _INLINE_BULLET.split(" | ".join(_cells(block.text)))
        bullets = [bullet for bullet in bullets if bullet.strip()]
        if not head.strip() and bullets:
            head = bullets.pop(0)  # a row that opens with a bullet is just a row
        if not head.strip():
            self._unplaced(block, "a table row with no words in it")
            return
        row = self._item(block, ItemKind.ROW, head)
        for bullet in bullets:
            self._item(block, ItemKind.BULLET, bullet, parent=row.key)

    def _unplaced(self, block: Block, reason: str) -> None:
        self.notes.append(
            ReportEntry(EntryKind.UNPLACED, block.lines[0], block.text, reason, block.page)
        )

    def _item(self, block: Block, kind: ItemKind, body: str, parent: str | None = None) -> Item:
        section = self.section
        key, label, parent = _item_key(section, block, kind, body, parent)
        if key in section.keys:
            key = _unique(key, section.keys)
            reason = f"number printed twice in one section: keyed {key}"
            self.notes.append(
                ReportEntry(EntryKind.REPAIR, block.lines[0], block.text[:200], reason, block.page)
            )
        text, marks = strip_footnotes(body.strip())
        item = Item(
            kind=kind,
            key=key,
            label=label,
            text=text,
            reference=reference(self.slug, self.part.key, section.key, key),
            lines=(min(block.lines), max(block.lines)),
            context=section.context.texts(),
            parent=parent,
            inferred=block.inferred,
            footnotes=marks,
        )
        section.add(item)
        self.items += 1
        self.used.update(id(source) for _, source in section.context.slots())
        return item


def _item_key(
    section: SectionDraft, block: Block, kind: ItemKind, body: str, parent: str | None
) -> tuple[str, str, str | None]:
    """Key, printed label and parent of an item (the scheme is in references.py)."""
    marker = block.marker
    opens_list = body.rstrip().endswith(":")
    if kind == ItemKind.PARAGRAPH and marker is not None:
        key = clean_key(marker.value)
        section.paragraph, section.letter, section.letter_value = key, None, None
        section.list_parent = key if opens_list else None
        return key, "" if block.inferred else marker.label, None
    if kind == ItemKind.SUBPARAGRAPH and marker is not None:
        value = marker.value
        roman = marker.style == Style.ROMAN or _roman_not_letter(value, section.letter_value)
        parent = (section.letter or section.paragraph) if roman else section.paragraph
        key = f"{parent}.{value}" if parent else value
        if not roman:
            section.letter, section.letter_value = key, value
        section.list_parent = key if opens_list else None
        return key, marker.label, parent
    if kind == ItemKind.BULLET:
        parent = parent or section.list_parent
        counter = f"{parent}.b" if parent else "b"
        section.counters[counter] += 1
        return f"{counter}{section.counters[counter]}", marker.label if marker else "•", parent
    prefix = "r" if kind == ItemKind.ROW else "p"
    section.list_parent = None
    section.counters[prefix] += 1
    return f"{prefix}{section.counters[prefix]}", "", None


def _roman_not_letter(value: str, last_letter: str | None) -> bool:
    """(i) is roman unless it follows (h); likewise (v) after (u) and (x) after (w)."""
    before = {"i": "h", "v": "u", "x": "w"}.get(value)
    return before is not None and last_letter != before


def _heading_key(block: Block) -> tuple[str, str, str]:
    marker = block.marker
    if marker is None:
        return slugify(block.text), "", block.text
    if marker.keyword in ("annex", "appendix"):
        return f"{marker.keyword}-{clean_key(marker.value)}", marker.label, marker.rest
    return clean_key(marker.value), marker.label, marker.rest


def _unique(key: str, used: set[str]) -> str:
    if key not in used:
        return key
    n = 2
    while f"{key}~{n}" in used:
        n += 1
    return f"{key}~{n}"


def _cells(text: str) -> list[str]:
    return [cell for cell in table_cells(text) if cell]
