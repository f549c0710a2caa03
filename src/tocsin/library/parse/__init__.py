"""Action-plan documents (plain text, PDF, HTML) to their structure, with an import report.

The steps, each in its own module: a reader makes numbered lines (readers/); lines run
together are cut back (flatten.py); lines are joined into blocks (blocks.py); each block is
classified (classify.py); the paragraph numbering is checked as a sequence (numbering.py); the
blocks become parts, sections and items (outline.py).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tocsin.library.model import Document, ItemKind
from tocsin.library.parse.blocks import Block, Role, make_blocks
from tocsin.library.parse.classify import classify
from tocsin.library.parse.numbering import repair_numbering
from tocsin.library.parse.outline import build_outline
from tocsin.library.parse.readers import reader_for
from tocsin.library.parse.source import SourceText, text_to_lines
from tocsin.library.references import document_slug
from tocsin.library.report import EntryKind, ImportReport, ReportEntry


@dataclass(frozen=True)
class ParsedDocument:
    document: Document
    report: ImportReport


def parse_file(
    path: Path | str, *, title: str | None = None, slug: str | None = None
) -> ParsedDocument:
    """Read and parse a file; the format comes from its first bytes, else its suffix."""
    path = Path(path)
    return parse_bytes(path.read_bytes(), path.name, title=title, slug=slug)


def parse_bytes(
    data: bytes,
    source_name: str,
    *,
    title: str | None = None,
    slug: str | None = None,
    format: str | None = None,
) -> ParsedDocument:
    """Parse a document's bytes. Raises DocumentUnreadable when no reader can make text of them.

    ``format`` names a reader ("text", "pdf", "html") instead of recognising the bytes.
    """
    source = reader_for(source_name, data, format).read(data)
    sha256 = hashlib.sha256(data).hexdigest()
    return parse_source(source, source_name, sha256, title=title, slug=slug)


def parse_text(
    text: str, source_name: str = "document.txt", *, title: str | None = None,
    slug: str | None = None,
) -> ParsedDocument:
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return parse_source(text_to_lines(text), source_name, sha256, title=title, slug=slug)


def parse_source(
    source: SourceText,
    source_name: str,
    sha256: str,
    *,
    title: str | None = None,
    slug: str | None = None,
) -> ParsedDocument:
    """The structure of lines a reader made; what it could not place is in the report."""
    slug = slug or document_slug(source_name)
    made = make_blocks(source)
    classify(made.blocks)
    found_title, blocks = _take_title(made.blocks)
    blocks, numbering_notes = repair_numbering(blocks)
    outline = build_outline(blocks, slug)
    document = Document(
        title=title or source.title or found_title or _title_from(slug),
        source_name=source_name,
        sha256=sha256,
        slug=slug,
        parts=outline.parts,
        front_matter=outline.front_matter,
    )
    entries = made.notes + numbering_notes + outline.notes
    if not any(line.text for line in source.lines):
        entries.append(ReportEntry(EntryKind.GAP, 0, "", "the document has no text"))
    report = ImportReport(
        entries=tuple(sorted(entries, key=lambda e: e.line)),
        counts=count_nodes(document),
        lines_read=len(source.lines),
        layout=made.layout.value,
    )
    return ParsedDocument(document, report)


def count_nodes(document: Document) -> dict[str, int]:
    """How many printed parts and sections, and items of each kind, the document has."""
    counts: dict[str, int] = {
        "part": sum(1 for part in document.parts if part.printed),
        "section": sum(1 for section in document.sections() if section.printed),
    }
    kinds = Counter(item.kind for item in document.items())
    counts.update({kind.value: kinds[kind] for kind in ItemKind})
    return counts


def _take_title(blocks: list[Block]) -> tuple[str | None, list[Block]]:
    """The first block is the title when it is an unnumbered heading."""
    if not blocks:
        return None, blocks
    first = blocks[0]
    if first.marker is None and first.role in (Role.HEADING, Role.SUBHEADING):
        return first.text, blocks[1:]
    return None, blocks


def _title_from(slug: str) -> str:
    words = slug.replace("-", " ").strip()
    return words[:1].upper() + words[1:]
