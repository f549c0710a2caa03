"""The structure of an imported action-plan document: Document -> Part -> Section -> Item.

Plain frozen values: the parser makes them, storage and pages read them. A part or section that
the document does not print (text before the first heading, a part without sections) has the
key ``-`` and empty label and heading, so every item sits at the same depth.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from tocsin.library.references import NO_KEY


class ItemKind(StrEnum):
    PARAGRAPH = "paragraph"  # numbered as printed ("12.", "- 3", "Commitment 4") or inferred
    SUBPARAGRAPH = "subparagraph"  # lettered or roman under a paragraph: "(a)", "(iii)"
    BULLET = "bullet"  # "•", "-": keyed by position, "b3" (or "12.b1" under paragraph 12)
    ROW = "row"  # a table row: "r5"
    TEXT = "text"  # an unnumbered paragraph: "p2"


@dataclass(frozen=True)
class Item:
    kind: ItemKind
    key: str  # the last segment of the reference: "12", "12.a", "b3", "r5", "p2"
    label: str  # the number as printed: "12", "(a)", "iii", "Commitment 4", "•"; "" if none
    text: str
    reference: str
    lines: tuple[int, int]  # first and last line of the source it was read from
    context: tuple[str, ...] = ()  # sub-heading, table caption or lead-in it sits under
    parent: str | None = None  # key of the item it belongs to ("12" for "12.a")
    inferred: bool = False  # the number was missing and taken from the neighbours
    footnotes: tuple[str, ...] = ()  # footnote marks taken out of the text ("3", "12")
    heading: str = ""  # a run-in heading, when the item prints one


@dataclass(frozen=True)
class Section:
    key: str
    label: str  # "1)", "Action 1.1", "(a)"; "" when the section is not printed
    heading: str
    reference: str
    lines: tuple[int, int]
    items: tuple[Item, ...] = ()

    @property
    def printed(self) -> bool:
        return self.key != NO_KEY

    @property
    def intro(self) -> str:
        """The unnumbered text before the section's first numbered item, bullet or row."""
        lead: list[str] = []
        for item in self.items:
            if item.kind != ItemKind.TEXT:
                break
            lead.append(item.text)
        return "\n\n".join(lead)


@dataclass(frozen=True)
class Part:
    key: str
    label: str  # "PART 1", "Part 4", "1", "Annex 1"; "" when the part is not printed
    heading: str
    reference: str
    lines: tuple[int, int]
    sections: tuple[Section, ...] = ()

    @property
    def printed(self) -> bool:
        return self.key != NO_KEY

    @property
    def intro(self) -> str:
        first = self.sections[0] if self.sections else None
        return first.intro if first is not None and not first.printed else ""

    def items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from section.items


@dataclass(frozen=True)
class Document:
    title: str
    source_name: str
    sha256: str  # of the bytes read, so the same file imported twice is recognised
    slug: str  # first segment of every reference
    parts: tuple[Part, ...] = ()
    front_matter: tuple[str, ...] = ()  # lines under the title and before the body

    def items(self) -> Iterator[Item]:
        for part in self.parts:
            yield from part.items()

    def sections(self) -> Iterator[Section]:
        for part in self.parts:
            yield from part.sections

    def find(self, reference: str) -> Part | Section | Item | None:
        """The part, section or item with this reference, if the document has it."""
        for part in self.parts:
            if part.reference == reference:
                return part
            for section in part.sections:
                if section.reference == reference:
                    return section
                for item in section.items:
                    if item.reference == reference:
                        return item
        return None

    def references(self) -> list[str]:
        return [item.reference for item in self.items()]
