"""Parts and sections while the outline is being built, and the context their items sit under."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tocsin.library.model import Item, ItemKind
from tocsin.library.parse.blocks import Block
from tocsin.library.references import NO_KEY


@dataclass
class Context:
    """What an item sits under, besides its section heading.

    ``lead``: a sentence that opens the section and introduces its list ("... have agreed to
    ... including the elements below:"); ``group``: a sub-heading or table caption ("For
    prevention:", "Recommended actions for members of the UNSC"); ``group_lead``: a sentence
    introducing the items of that group. Each slot keeps the block it came from, so the report
    can tell which sub-headings ended up over no item.
    """

    lead: tuple[str, Block] | None = None
    group: tuple[str, Block] | None = None
    group_lead: tuple[str, Block] | None = None

    def set_group(self, text: str, block: Block) -> None:
        self.group = (text, block)
        self.group_lead = None

    def set_lead(self, text: str, block: Block, section_started: bool) -> None:
        if section_started or self.group is not None:
            self.group_lead = (text, block)
        else:
            self.lead = (text, block)

    def slots(self) -> list[tuple[str, Block]]:
        return [slot for slot in (self.lead, self.group, self.group_lead) if slot is not None]

    def texts(self) -> tuple[str, ...]:
        out: list[str] = []
        for text, _ in self.slots():
            if text not in out:
                out.append(text)
        return tuple(out)


@dataclass
class SectionDraft:
    key: str
    label: str
    heading: str
    heading_block: Block | None = None
    lines: list[int] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    started: bool = False  # anything but unnumbered text yet: a lead-in after it leads a group
    counters: Counter[str] = field(default_factory=Counter)
    context: Context = field(default_factory=Context)
    paragraph: str | None = None  # key of the last numbered paragraph
    letter: str | None = None  # key of the last lettered sub-paragraph
    letter_value: str | None = None  # and its letter
    list_parent: str | None = None  # item ending in ":" that owns the bullets after it

    def add(self, item: Item) -> None:
        self.items.append(item)
        self.keys.add(item.key)
        self.started = self.started or item.kind != ItemKind.TEXT


@dataclass
class PartDraft:
    key: str
    label: str
    heading: str
    heading_block: Block | None = None
    lines: list[int] = field(default_factory=list)
    sections: list[SectionDraft] = field(default_factory=list)
    section_depth: int | None = None

    def __post_init__(self) -> None:
        if not self.sections:
            self.sections.append(SectionDraft(NO_KEY, "", ""))

    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]
