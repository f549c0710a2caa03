"""Physical lines joined into blocks: one block per heading, paragraph, list item or table row."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from tocsin.library.model import ItemKind
from tocsin.library.parse.cleanup import is_boilerplate, is_wordless
from tocsin.library.parse.flatten import unflatten
from tocsin.library.parse.markers import (
    Marker,
    Style,
    ends_sentence,
    is_table_row,
    is_table_separator,
    read_marker,
    starts_lower,
)
from tocsin.library.parse.source import Layout, SourceLine, SourceText, detect_layout
from tocsin.library.report import EntryKind, ReportEntry


class Role(StrEnum):
    HEADING = "heading"
    SUBHEADING = "subheading"  # unnumbered short line: context for what follows
    ITEM = "item"
    TEXT = "text"
    ROW = "row"
    HEADER = "header"  # a table's header row: context for its rows
    SEPARATOR = "separator"
    UNPLACED = "unplaced"  # a number or list mark with no words after it


@dataclass
class Block:
    text: str
    lines: list[int]
    page: int | None = None
    heading_level: int | None = None  # from the reader (HTML), when it knows
    role: Role = Role.TEXT
    marker: Marker | None = None
    depth: int = 0  # of a heading: 0 annex, 1 part, ... 5 sub-heading
    kind: ItemKind | None = None
    inferred: bool = False

    @property
    def body(self) -> str:
        """The text after the marker (the whole text when there is none)."""
        return self.marker.rest if self.marker is not None else self.text

    @property
    def number(self) -> int | None:
        """The number of a numbered paragraph, for the sequence check."""
        if self.role != Role.ITEM or self.kind != ItemKind.PARAGRAPH or self.marker is None:
            return None
        return None if self.marker.style == Style.DOTTED else self.marker.number

    @property
    def tabular(self) -> bool:
        return is_table_row(self.text) or is_table_separator(self.text)

    def extend(self, words: str, lines: list[int]) -> None:
        """Add the rest of this block's paragraph, found further on, to its text and body."""
        self.text = f"{self.text} {words}"
        if self.marker is not None:
            self.marker = replace(self.marker, rest=f"{self.marker.rest} {words}")
        self.lines.extend(lines)


@dataclass
class Blocks:
    blocks: list[Block]
    notes: list[ReportEntry] = field(default_factory=list)
    layout: Layout = Layout.LINES


_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_HEADING_STYLES = frozenset({Style.KEYWORD, Style.NUMBER_PAREN, Style.DOTTED, Style.UPPER_ROMAN})


def make_blocks(source: SourceText) -> Blocks:
    lines, notes = unflatten(source.lines)
    notes = list(source.dropped) + notes
    detected, width = detect_layout(lines)
    layout = source.layout or detected
    vocabulary = _vocabulary(line.text for line in lines)
    blocks: list[Block] = []
    current: _Growing | None = None
    gap = 0
    for line in lines:
        if not line.text:
            gap += 1
            continue
        marker = read_marker(line.text)
        reason = _artefact(line.text, marker)
        if reason and not line.heading:
            notes.append(ReportEntry(EntryKind.ARTEFACT, line.number, line.text, reason, line.page))
            continue  # the paragraph around a page number goes on as if it were not there
        if current is not None and current.joins(line, marker, gap, layout, width):
            current.append(line, vocabulary)
        else:
            if current is not None:
                blocks.append(current.block())
            current = _Growing(line)
        gap = 0
    if current is not None:
        blocks.append(current.block())
    return Blocks(blocks, notes, layout)


def _artefact(text: str, marker: Marker | None) -> str | None:
    if marker is not None and marker.style == Style.PAGE_NUMBER:
        return "page number"
    if is_table_row(text) or is_table_separator(text):
        return None
    if marker is None and is_boilerplate(text):
        return "web page furniture (a link or button)"
    if is_wordless(text):
        return "no words (a rule or an ornament)"
    return None


class _Growing:
    """A block while its lines come in; its text is joined once, when it is complete."""

    def __init__(self, first: SourceLine) -> None:
        self.first = first
        self.pieces = [first.text]  # the lines, each with the space (or not) that joins it
        self.last = first.text  # the last line as read
        self.numbers = [first.number]
        marker = read_marker(first.text)
        self.heading_marker = marker is not None and marker.style in _HEADING_STYLES
        self.tabular = is_table_row(first.text) or is_table_separator(first.text)
        # A number alone on its line ("12." then the paragraph), as some PDFs come out.
        self.bare_marker = marker is not None and not marker.rest and marker.style != Style.KEYWORD

    def joins(
        self, line: SourceLine, marker: Marker | None, gap: int, layout: Layout, width: float
    ) -> bool:
        """Whether ``line`` goes on the paragraph this block has started."""
        if layout == Layout.ELEMENTS or marker is not None or line.heading or self.first.heading:
            return False
        if self.tabular or is_table_row(line.text) or is_table_separator(line.text):
            return False
        if self.bare_marker and len(self.pieces) == 1:
            return True
        # Wrapped lines go on while the line before is full. In double-spaced copy (WRAPPED) a
        # blank line or two says nothing; where blank lines part paragraphs (BLOCKS) it ends one.
        wraps = (layout == Layout.WRAPPED and gap <= 2) or (layout == Layout.BLOCKS and gap == 0)
        if ends_sentence(self.last):
            # A sentence can end exactly at the wrap; a full line then a full line is one
            # paragraph going on, where a short line after it would be a heading.
            return wraps and min(len(self.last), len(line.text)) >= 0.9 * width
        if starts_lower(line.text) and gap <= 2:
            return True
        # A heading wraps only when its line is full; a paragraph's line can stop a little
        # short of the width where a long word did not fit.
        return wraps and len(self.last) >= (0.8 if self.heading_marker else 0.6) * width

    def append(self, line: SourceLine, vocabulary: Counter[str]) -> None:
        last = self.last
        if last.endswith("-") and last[-2:-1].isalpha() and starts_lower(line.text):
            before = re.search(r"[^\W\d_]+(?=-$)", last[-100:])
            after = re.match(r"[^\W\d_]+", line.text)
            keep = before is not None and after is not None and _keeps_hyphen(
                before.group().lower(), after.group().lower(), vocabulary
            )
            if not keep:
                self.pieces[-1] = self.pieces[-1][:-1]
            self.pieces.append(line.text)
        else:
            self.pieces.append(f" {line.text}")
        self.last = line.text
        self.numbers.append(line.number)

    def block(self) -> Block:
        text = "".join(self.pieces)
        return Block(text, self.numbers, self.first.page, self.first.heading)


def _keeps_hyphen(before: str, after: str, vocabulary: Counter[str]) -> bool:
    """``counter-`` + ``terrorist`` keeps its hyphen; ``last-`` + ``ing`` does not.

    Judged from the document's own words: a form it prints elsewhere wins; otherwise the
    hyphen stays when what follows it is a word on its own.
    """
    if f"{before}-{after}" in vocabulary:
        return True
    if f"{before}{after}" in vocabulary:
        return False
    # The fragment itself was counted once, at the start of its own line.
    return len(after) >= 3 and vocabulary[after] >= 2


def _vocabulary(texts: Iterable[str]) -> Counter[str]:
    words: Counter[str] = Counter()
    for text in texts:
        for word in _WORD.findall(text.lower()):
            words[word] += 1
            if "-" in word:
                words.update(word.split("-"))
    return words
