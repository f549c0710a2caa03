"""The paragraph numbering as a sequence: what breaks it is repaired or reported.

Copying a PDF out as text shifts numbers around. Seen in practice and handled here:

- a page number printed in front of the rest of a paragraph ("18. ... reparation of" /
  "7. defenders."): a number going backwards before lower-case text is joined back;
- a paragraph number that landed on its second line ("- 0 To develop ... during the" /
  "7. aforementioned Conferences"): the expected number before lower-case text takes the
  unnumbered fragment before it;
- numbers lost from a list ("- 10 ..." / "- To ensure ..." / "- 12 ..."): inferred when the
  unnumbered items exactly fill the gap and carry the same list mark;
- a weak number (bare or after a dash) out of sequence is not trusted as one.
"""

from __future__ import annotations

import itertools

from tocsin.library.model import ItemKind
from tocsin.library.parse.blocks import Block, Role
from tocsin.library.parse.markers import Marker, Style, ends_sentence, starts_lower
from tocsin.library.report import EntryKind, ReportEntry

MAX_GAP = 5  # a weak number further ahead than this is more likely a figure than a paragraph


def repair_numbering(blocks: list[Block]) -> tuple[list[Block], list[ReportEntry]]:
    notes: list[ReportEntry] = []
    out: list[Block] = []
    last: int | None = None
    after_heading = True

    def note(kind: EntryKind, block: Block, reason: str) -> None:
        notes.append(ReportEntry(kind, block.lines[0], block.text[:200], reason, block.page))

    for block in blocks:
        n = block.number
        prev = out[-1] if out and out[-1].role in (Role.ITEM, Role.TEXT) else None
        fragment = prev is not None and not ends_sentence(prev.text)
        if n is None:
            after_heading = block.role in (Role.HEADING, Role.SUBHEADING)
            out.append(block)
            continue
        weak = block.marker is not None and block.marker.style in (Style.BARE, Style.DASH_NUMBER)
        lower = starts_lower(block.body)
        expected = 1 if last is None else last + 1
        if n == expected or last is None:
            if lower and prev is not None and fragment and prev.number is None:
                note(EntryKind.REPAIR, block, f"number {n} printed on the paragraph's next line")
                out.pop()
                _take_fragment(block, prev)
            last = n
        elif n > expected and (n - expected <= MAX_GAP or not weak) and not lower:
            last = n
        elif n == 1 and not lower and (not weak or after_heading):
            last = n  # the numbering starts again
        elif lower and prev is not None and fragment:
            note(EntryKind.ARTEFACT, block, f"page number {n} inside a paragraph: text rejoined")
            prev.extend(block.body, block.lines)
            continue
        elif weak:
            note(EntryKind.REPAIR, block, f"number {n} out of sequence (expected {expected})")
            _unnumber(block, prev if fragment else None, out)
            continue
        else:
            note(EntryKind.REPAIR, block, f"number {n} out of sequence (expected {expected})")
            last = n
        after_heading = False
        out.append(block)
    notes.extend(_infer_missing(out))
    notes.extend(_gaps(out))
    return out, notes


def _take_fragment(block: Block, fragment: Block) -> None:
    assert block.marker is not None
    words = f"{fragment.body} {block.body}"
    block.text = f"{block.marker.label}. {words}"
    block.marker = Marker(block.marker.style, block.marker.label, block.marker.value, words)
    block.lines = fragment.lines + block.lines


def _unnumber(block: Block, fragment: Block | None, out: list[Block]) -> None:
    """A weak number not trusted: after a dash, a bullet; else the figure starts a text line."""
    assert block.marker is not None
    if block.marker.style == Style.DASH_NUMBER:
        block.kind = ItemKind.BULLET
        block.marker = Marker(Style.BULLET, "-", "", block.marker.rest)
        out.append(block)
    elif fragment is not None:
        fragment.extend(block.text, block.lines)
    else:
        block.role, block.kind, block.marker = Role.TEXT, None, None
        out.append(block)


def _infer_missing(blocks: list[Block]) -> list[ReportEntry]:
    """Number the unnumbered items that exactly fill a gap between two numbered ones."""
    notes: list[ReportEntry] = []
    numbered = [i for i, b in enumerate(blocks) if b.number is not None]
    for a, c in itertools.pairwise(numbered):
        low, high = blocks[a].number, blocks[c].number
        between = blocks[a + 1 : c]
        assert low is not None and high is not None
        if not between or high - low - 1 != len(between):
            continue
        mark = next((b.text[0] for b in (blocks[a], blocks[c]) if _dashed(b)), None)
        if mark is None or not all(
            b.kind == ItemKind.BULLET and b.text[:1] == mark for b in between
        ):
            continue
        for offset, block in enumerate(between, start=1):
            value = str(low + offset)
            block.kind = ItemKind.PARAGRAPH
            block.marker = Marker(Style.DASH_NUMBER, value, value, block.body)
            block.inferred = True
            notes.append(
                ReportEntry(
                    EntryKind.REPAIR,
                    block.lines[0],
                    block.text[:200],
                    f"number {value} missing: inferred from paragraphs {low} and {high}",
                    block.page,
                )
            )
    return notes


def _dashed(block: Block) -> bool:
    return block.marker is not None and block.marker.style == Style.DASH_NUMBER


def _gaps(blocks: list[Block]) -> list[ReportEntry]:
    notes: list[ReportEntry] = []
    previous: int | None = None
    for block in blocks:
        n = block.number
        if n is None:
            continue
        if previous is not None and n > previous + 1:
            missing = f"{previous + 1}" if n == previous + 2 else f"{previous + 1} to {n - 1}"
            notes.append(
                ReportEntry(
                    EntryKind.GAP, block.lines[0], block.text[:200],
                    f"paragraph numbers {missing} not found", block.page,
                )
            )
        previous = n
    return notes
