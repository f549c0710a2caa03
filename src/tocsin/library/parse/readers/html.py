"""HTML: one line per heading, paragraph, list item and table row, each marked as printed.

List items get the marker the browser would draw ("1.", "(a)", "•") unless they print their
own; table rows become ``cell | cell |`` with a ``---|`` rule under a header row, as in text
copied from a web page. Navigation, footers and asides are site furniture: left out, reported.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tocsin.library.errors import DocumentUnreadable
from tocsin.library.parse.markers import read_marker
from tocsin.library.parse.readers import Reader, register
from tocsin.library.parse.source import (
    MAX_BYTES,
    Layout,
    SourceLine,
    SourceText,
    clean_line,
    decode_text,
)
from tocsin.library.report import EntryKind, ReportEntry

_SKIP = frozenset({"script", "style", "template", "noscript", "svg", "head"})
_FURNITURE = frozenset({"nav", "footer", "aside"})
_BLOCKS = frozenset({
    "p", "div", "li", "dt", "dd", "blockquote", "pre", "caption", "figcaption", "section",
    "article", "main", "header", "address", "table", "ul", "ol", "body", "form", "fieldset",
})  # fmt: skip
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""")
_ROMAN = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def read_html(data: bytes) -> SourceText:
    parser = _Html()
    parser.feed(_decode(data))
    parser.close()
    parser.flush()
    return SourceText(tuple(parser.lines), Layout.ELEMENTS, tuple(parser.dropped), parser.title())


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise DocumentUnreadable(f"the file is larger than {MAX_BYTES // 2**20} MB")
    found = _CHARSET.search(data[:4096])
    if found:
        try:
            return data.decode(found.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[SourceLine] = []
        self.dropped: list[ReportEntry] = []
        self.buffer: list[str] = []
        self.line = 1
        self.prefix = ""  # the marker of a list item, until its first text
        self.heading: int | None = None
        self.lists: list[list[str | int]] = []  # [tag, next number, type]
        self.skip = 0
        self.furniture = 0
        self.cells: list[str] | None = None
        self.cell: list[str] | None = None
        self.header_row = False
        self.in_thead = False
        self.title_text: list[str] = []
        self.in_title = False
        self.h1: str | None = None

    def title(self) -> str | None:
        return self.h1 or clean_line("".join(self.title_text)) or None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "title":
            self.in_title = True
        if tag in _SKIP:
            self.skip += 1
        elif tag == "br":
            self.buffer.append(" ")
        elif tag in ("td", "th") and self.cells is not None:
            self.cell = []
            self.header_row = self.header_row and tag == "th"
        elif self.cell is not None:
            self.cell.append(" ")  # blocks inside a cell are part of the cell
        elif tag == "tr":
            self.flush()
            self.cells, self.header_row = [], True
        elif tag == "thead":
            self.in_thead = True
        elif tag in ("ul", "ol"):
            self.flush()
            start = attributes.get("start") or "1"
            number = int(start) if start.isdigit() else 1
            self.lists.append([tag, number, attributes.get("type") or "1"])
        elif tag == "li":
            self.flush()
            self.prefix = self._list_marker(attributes.get("value"))
        elif tag in _HEADINGS:
            self.flush()
            self.heading = _HEADINGS[tag]
        elif tag in _FURNITURE or tag in _BLOCKS:
            self.flush()
            self.furniture += tag in _FURNITURE

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.cell is not None and self.cells is not None:
            self.cells.append(clean_line("".join(self.cell)))
            self.cell = None
        elif tag == "tr" and self.cells is not None:
            self._row(self.cells, self.header_row or self.in_thead)
            self.cells = None
        elif tag == "thead":
            self.in_thead = False
        elif tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
        elif tag in _HEADINGS:
            self.flush()
            self.heading = None
        elif tag in _FURNITURE or tag in _BLOCKS:
            self.flush()
            self.furniture = max(0, self.furniture - (tag in _FURNITURE))

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_text.append(data)
        elif self.skip:
            return
        elif self.cell is not None:
            self.cell.append(data)
        else:
            if not "".join(self.buffer).strip():
                self.line = self.getpos()[0]
            self.buffer.append(data)

    def flush(self) -> None:
        text = clean_line("".join(self.buffer))
        self.buffer = []
        if not text:
            return
        if self.furniture:
            reason = "web page furniture (navigation, footer)"
            self.dropped.append(ReportEntry(EntryKind.ARTEFACT, self.line, text, reason))
            return
        if self.prefix and read_marker(text) is None:
            text = f"{self.prefix} {text}"
        self.prefix = ""
        if self.heading == 1 and self.h1 is None:
            self.h1 = text
        self.lines.append(SourceLine(self.line, text, heading=self.heading))

    def _row(self, cells: list[str], header: bool) -> None:
        if not any(cells):
            return
        line = self.getpos()[0]
        self.lines.append(SourceLine(line, " | ".join(cells) + " |"))
        if header:
            self.lines.append(SourceLine(line, "---|"))

    def _list_marker(self, value: str | None) -> str:
        if not self.lists:
            return "•"
        current = self.lists[-1]
        tag, number, kind = str(current[0]), int(current[1]), str(current[2])
        if value is not None and value.isdigit():
            number = int(value)
        current[1] = number + 1
        if tag == "ul":
            return "•"
        # As a browser draws them: "a.", "iv.", "A.", "IV.", "3."
        if kind in ("a", "A"):
            letter = chr(ord("a") + (number - 1) % 26)
            return f"{letter}." if kind == "a" else f"{letter.upper()}."
        if kind in ("i", "I"):
            roman = _roman(number)
            return f"{roman}." if kind == "i" else f"{roman.upper()}."
        return f"{number}."


def _roman(number: int) -> str:
    out = ""
    for value, digits in _ROMAN:
        while number >= value:
            out += digits
            number -= value
    return out or "i"


READER = register(
    Reader(
        "html",
        ("html", "htm", "xhtml"),
        lambda data: data[:512].lstrip().lower().startswith((b"<!doctype html", b"<html")),
        read_html,
    )
)
