"""What each block is: a heading (and how deep), a sub-heading, an item, text or a table row.

A numbered line is a heading when its text reads as one and it is not one of a list:
"1) Ensuring protection..." followed by bullets heads a section, while "(a) Early warning"
next to "(b) Rapid response" is a list item. A line ending in a colon and followed by items
numbered one level down ("1. States should:" then "(a) ...") introduces them, where
"(c) Tasks in the short term:" followed by "51. ..." heads them.
"""

from __future__ import annotations

from tocsin.library.model import ItemKind
from tocsin.library.parse.blocks import Block, Role
from tocsin.library.parse.markers import (
    CAPITALS_DEPTH,
    HEADING_DEPTH,
    KEYWORD_DEPTH,
    SUBHEADING_DEPTH,
    Marker,
    Style,
    heading_like,
    is_capitals,
    is_table_row,
    is_table_separator,
    read_marker,
)

# How long (in words) a numbered heading of each style may be, and how long when it ends in a
# colon: "(c) Tasks in the short term:" heads a section, "3. Authorities should answer every
# alert within two days:" is a paragraph introducing its sub-paragraphs.
_HEADING_WORDS: dict[Style, tuple[int, int]] = {
    Style.NUMBER: (12, 6),
    Style.NUMBER_PAREN: (20, 6),
    Style.DOTTED: (30, 12),
    Style.LETTER: (12, 6),
    Style.ROMAN: (12, 6),
    Style.UPPER_LETTER: (20, 12),
    Style.UPPER_ROMAN: (20, 12),
}
# Styles whose heading must not be followed by a sibling of the same style (see module doc).
_LIST_STYLES = frozenset({Style.NUMBER_PAREN, Style.LETTER, Style.ROMAN, Style.NUMBER})
# How deep each numbering style usually sits in a list: numbers, then letters, romans, bullets.
_LIST_LEVEL: dict[Style, int] = {
    Style.NUMBER: 1, Style.NUMBER_PAREN: 1, Style.DOTTED: 1, Style.BARE: 1,
    Style.DASH_NUMBER: 1, Style.LETTER: 2, Style.ROMAN: 3, Style.BULLET: 4,
}  # fmt: skip


def classify(blocks: list[Block]) -> None:
    """Set each block's role, marker, depth and item kind, in place."""
    for block in blocks:
        block.marker = None if block.tabular else read_marker(block.text)
    for i, block in enumerate(blocks):
        following = blocks[i + 1].marker if i + 1 < len(blocks) else None
        previous = blocks[i - 1] if i > 0 else None
        listed = previous is not None and previous.role == Role.ITEM and previous.marker is not None
        _classify(block, following, previous.marker if listed and previous else None)
    _find_table_headers(blocks)


def _classify(block: Block, following: Marker | None, previous_item: Marker | None) -> None:
    text, marker = block.text, block.marker
    if is_table_separator(text):
        block.role = Role.SEPARATOR
    elif is_table_row(text):
        block.role = Role.ROW
        block.kind = ItemKind.ROW
    elif block.heading_level is not None:
        _heading(block, _reader_depth(block))
    elif marker is None:
        if is_capitals(text) and heading_like(text, 15):
            _heading(block, CAPITALS_DEPTH)
        elif heading_like(text):
            block.role, block.depth = Role.SUBHEADING, SUBHEADING_DEPTH
        else:
            block.role = Role.TEXT
    elif not marker.rest and marker.style != Style.KEYWORD:
        block.role = Role.UNPLACED
    elif marker.style == Style.KEYWORD:
        depth = KEYWORD_DEPTH[marker.keyword]
        if depth <= 1 or not marker.rest or heading_like(marker.rest, 40):
            _heading(block, depth)
        else:
            _item(block, ItemKind.PARAGRAPH)
    elif marker.style in (Style.BARE, Style.DASH_NUMBER):
        _item(block, ItemKind.PARAGRAPH)
    elif marker.style == Style.BULLET:
        _item(block, ItemKind.BULLET)
    elif _reads_as_heading(marker, following, previous_item):
        _heading(block, HEADING_DEPTH[marker.style])
    elif marker.style in (Style.NUMBER, Style.NUMBER_PAREN, Style.DOTTED):
        _item(block, ItemKind.PARAGRAPH)
    elif marker.style in (Style.LETTER, Style.ROMAN):
        _item(block, ItemKind.SUBPARAGRAPH)
    else:  # "A. Smith said" is a sentence, not a lettered heading
        block.marker = None
        block.role = Role.TEXT


def _reads_as_heading(
    marker: Marker, following: Marker | None, previous_item: Marker | None
) -> bool:
    limits = _HEADING_WORDS.get(marker.style)
    if limits is None or not marker.rest:
        return False
    if marker.style == Style.NUMBER and is_capitals(marker.rest):
        return True  # "1. ACTIONS"
    if not heading_like(marker.rest, *limits):
        return False
    if marker.rest.rstrip().endswith(":") and following is not None:
        level, next_level = _LIST_LEVEL.get(marker.style), _LIST_LEVEL.get(following.style)
        if level is not None and next_level is not None and next_level > level:
            return False  # it introduces the items under it
    neighbours = (following, previous_item)
    siblings = any(m is not None and m.style == marker.style for m in neighbours)
    return not (marker.style in _LIST_STYLES and siblings)


def _reader_depth(block: Block) -> int:
    """Depth of a heading the reader marked (HTML h1-h6): its printed style, else its level."""
    marker = block.marker
    if marker is not None and marker.style == Style.KEYWORD:
        return KEYWORD_DEPTH[marker.keyword]
    if marker is not None and marker.style in HEADING_DEPTH:
        return HEADING_DEPTH[marker.style]
    if marker is not None:
        block.marker = None  # a bullet or bare number inside a heading is part of its words
    level = block.heading_level or SUBHEADING_DEPTH
    return min(max(level, CAPITALS_DEPTH), SUBHEADING_DEPTH)


def _heading(block: Block, depth: int) -> None:
    block.role = Role.SUBHEADING if depth >= SUBHEADING_DEPTH else Role.HEADING
    block.depth = depth


def _item(block: Block, kind: ItemKind) -> None:
    block.role = Role.ITEM
    block.kind = kind


def _find_table_headers(blocks: list[Block]) -> None:
    """A row that opens a table, or that a ``---|`` rule follows, is the table's header."""
    for i, block in enumerate(blocks):
        if block.role != Role.ROW:
            continue
        before = blocks[i - 1].role if i > 0 else None
        after = blocks[i + 1].role if i + 1 < len(blocks) else None
        if after == Role.SEPARATOR or before not in (Role.ROW, Role.HEADER, Role.SEPARATOR):
            block.role = Role.HEADER
            block.kind = None
