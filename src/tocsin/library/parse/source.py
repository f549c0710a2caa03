"""The lines a reader hands to the structure parser, and what every reader needs to make them."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tocsin.library.errors import DocumentUnreadable
from tocsin.library.report import EntryKind, ReportEntry

MAX_BYTES = 64 * 1024 * 1024  # larger than any plan of action; beyond it, a mistake or an attack


class Layout(StrEnum):
    """How a document's physical lines make up its paragraphs."""

    LINES = "lines"  # one paragraph a line (text exported from a web page or a word processor)
    WRAPPED = "wrapped"  # hard-wrapped at a width, blank lines meaningless (double-spaced copy)
    BLOCKS = "blocks"  # hard-wrapped, a blank line between paragraphs (PDF text, plain text)
    ELEMENTS = "elements"  # one element a line, never joined (HTML)


@dataclass(frozen=True)
class SourceLine:
    number: int
    text: str  # whitespace normalised, stripped; "" for a blank line
    page: int | None = None
    heading: int | None = None  # 1-6 when the reader knows the line is a heading (HTML)


@dataclass(frozen=True)
class SourceText:
    lines: tuple[SourceLine, ...]
    layout: Layout | None = None  # None: detect from the lines
    dropped: tuple[ReportEntry, ...] = ()  # what the reader left out, for the report
    title: str | None = None  # when the format names it (<h1>, <title>)


_SPACES = re.compile(r"[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def clean_line(text: str) -> str:
    """One line with its spaces normalised; a trailing soft hyphen becomes a hyphen."""
    text = text.translate(_INVISIBLE)
    if text.rstrip().endswith("\u00ad"):
        text = text.rstrip()[:-1] + "-"
    return _SPACES.sub(" ", text.replace("\u00ad", "")).strip()


def decode_text(data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Raises DocumentUnreadable for what is plainly not text, so binary junk gets a clear error
    instead of a document of mojibake.
    """
    if len(data) > MAX_BYTES:
        raise DocumentUnreadable(f"the file is larger than {MAX_BYTES // 2**20} MB")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data[:65536]:
        raise DocumentUnreadable("the file is binary, not text (it contains NUL bytes)")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    sample = text[:65536]
    control = sum(
        1 for c in sample if unicodedata.category(c) in ("Cc", "Cs", "Co") and c not in "\t\n\r\f"
    )
    if sample and (control > 0.02 * len(sample) or sample.count("\ufffd") > 0.05 * len(sample)):
        raise DocumentUnreadable("the file is binary, not text (too many control characters)")
    return text


def text_to_lines(text: str) -> SourceText:
    """Plain text to lines; form feeds are page breaks, whose running heads are dropped."""
    pages = text.replace("\r\n", "\n").replace("\r", "\n").split("\f")
    return pages_to_lines([page.split("\n") for page in pages])


def pages_to_lines(pages: Sequence[Sequence[str]], layout: Layout | None = None) -> SourceText:
    """Number the lines of every page in one sequence and drop running heads and feet."""
    repeated = _running_heads(pages)
    lines: list[SourceLine] = []
    dropped: list[ReportEntry] = []
    number = 0
    paged = len(pages) > 1
    for page_number, page in enumerate(pages, start=1):
        edge = _edge_positions(page)
        for position, raw in enumerate(page):
            number += 1
            text = clean_line(raw)
            page_no = page_number if paged else None
            if position in edge and _pattern(text) in repeated:
                dropped.append(
                    ReportEntry(EntryKind.ARTEFACT, number, text, "running head", page_no)
                )
                text = ""
            lines.append(SourceLine(number, text, page_no))
    return SourceText(tuple(lines), layout, tuple(dropped))


def _pattern(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower())


def _edge_positions(page: Sequence[str], depth: int = 2) -> set[int]:
    """Positions of the first and last ``depth`` non-blank lines of a page."""
    filled = [i for i, raw in enumerate(page) if raw.strip()]
    return set(filled[:depth] + filled[-depth:])


def _running_heads(pages: Sequence[Sequence[str]]) -> set[str]:
    """Lines (digits ignored) at the top or foot of at least half the pages, and two or more."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_pattern(clean_line(page[i])) for i in _edge_positions(page)})
    least = max(2, (len(pages) + 1) // 2)
    return {pattern for pattern, n in seen.items() if n >= least and pattern.strip()}


def detect_layout(lines: Sequence[SourceLine]) -> tuple[Layout, float]:
    """How the lines make paragraphs, and the wrap width (characters) when they are wrapped.

    A hard-wrapped text has its long lines near one width (a page's), and many of its lines
    start in the middle of a sentence, in lower case (over half in a wrapped plan, almost none
    where each line is a paragraph). When nearly every line is followed by a blank one, blank
    lines carry nothing (double-spaced copy) and paragraphs must be told apart by where lines
    stop short; otherwise blank lines part them.
    """
    lengths = sorted(len(line.text) for line in lines if len(line.text) >= 40)
    if len(lengths) < 3:
        return Layout.LINES, 0.0
    width = float(lengths[int(0.9 * (len(lengths) - 1))])
    filled = [i for i, line in enumerate(lines) if line.text]
    lower = sum(1 for i in filled if lines[i].text[:1].islower())
    if width > 160 or lower < 0.15 * len(filled):
        return Layout.LINES, width
    adjacent = sum(1 for a, b in itertools.pairwise(filled) if b == a + 1)
    if adjacent < 0.25 * len(filled):
        return Layout.WRAPPED, width
    return Layout.BLOCKS, width
