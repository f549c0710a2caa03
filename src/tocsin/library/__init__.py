"""The action library: plans of action imported with their structure, their paragraphs
addressable by stable references (``document/part/section/item``)."""

from tocsin.library.errors import DocumentUnreadable
from tocsin.library.model import Document, Item, ItemKind, Part, Section
from tocsin.library.parse import (
    ParsedDocument,
    count_nodes,
    parse_bytes,
    parse_file,
    parse_text,
)
from tocsin.library.references import Reference, document_slug
from tocsin.library.report import EntryKind, ImportReport, ReportEntry

__all__ = [
    "Document",
    "DocumentUnreadable",
    "EntryKind",
    "ImportReport",
    "Item",
    "ItemKind",
    "ParsedDocument",
    "Part",
    "Reference",
    "ReportEntry",
    "Section",
    "count_nodes",
    "document_slug",
    "parse_bytes",
    "parse_file",
    "parse_text",
]
