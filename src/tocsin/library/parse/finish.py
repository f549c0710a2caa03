"""The drafts made final: empty headings before the body become front matter, the rest is
reported, and every node gets its reference and line span."""

from __future__ import annotations

from dataclasses import dataclass

from tocsin.library.model import Part, Section
from tocsin.library.parse.blocks import Block
from tocsin.library.parse.drafts import PartDraft, SectionDraft
from tocsin.library.references import NO_KEY, reference
from tocsin.library.report import EntryKind, ReportEntry


@dataclass(frozen=True)
class Outline:
    parts: tuple[Part, ...]
    front_matter: tuple[str, ...]
    notes: list[ReportEntry]


def finish_outline(
    slug: str,
    drafts: list[PartDraft],
    context_blocks: list[Block],
    used: set[int],
    notes: list[ReportEntry],
) -> Outline:
    first = min((item.lines[0] for d in drafts for item in d.items()), default=None)
    front: list[tuple[int, str]] = []

    def before_body(block: Block | None) -> bool:
        return block is not None and (first is None or block.lines[0] < first)

    def empty(block: Block | None) -> None:
        if block is None:
            return
        if before_body(block):
            front.append((block.lines[0], block.text))
        else:
            notes.append(_note(EntryKind.GAP, block, "heading with nothing under it"))

    parts: list[Part] = []
    for draft in drafts:
        sections: list[Section] = []
        for section in draft.sections:
            if not section.items:
                empty(section.heading_block)
                if before_body(section.heading_block) or section.key == NO_KEY:
                    continue
            sections.append(_section(slug, draft.key, section))
        if not draft.items():
            empty(draft.heading_block)
            if before_body(draft.heading_block) or draft.key == NO_KEY:
                continue
        parts.append(
            Part(
                key=draft.key,
                label=draft.label,
                heading=draft.heading,
                reference=reference(slug, draft.key),
                lines=_span(draft.lines),
                sections=tuple(sections),
            )
        )
    for block in context_blocks:
        if id(block) in used:
            continue
        if before_body(block):
            front.append((block.lines[0], block.text))
        else:
            notes.append(_note(EntryKind.UNPLACED, block, "sub-heading with nothing under it"))
    return Outline(tuple(parts), tuple(text for _, text in sorted(front)), notes)


def _section(slug: str, part_key: str, draft: SectionDraft) -> Section:
    return Section(
        key=draft.key,
        label=draft.label,
        heading=draft.heading,
        reference=reference(slug, part_key, draft.key),
        lines=_span(draft.lines),
        items=tuple(draft.items),
    )


def _span(lines: list[int]) -> tuple[int, int]:
    return (min(lines), max(lines)) if lines else (0, 0)


def _note(kind: EntryKind, block: Block, reason: str) -> ReportEntry:
    return ReportEntry(kind, block.lines[0], block.text[:200], reason, block.page)
