"""The library's storage and services: imported documents with their parts, sections and items
(stable ids across re-imports), labels with analysts' corrections, links between paragraphs,
full-text and semantic search.

Every function takes a SQLAlchemy ``Session`` and the acting ``Actor``, checks permissions
(READ to read, CURATE_LIBRARY to write) and sharing levels itself, writes the audit log, and
returns API shapes (``schemas``), never storage rows. The caller commits.
"""

from tocsin.library.store.corrections import check_labels, correct_labels
from tocsin.library.store.fulltext import rebuild_search_index
from tocsin.library.store.importing import import_document
from tocsin.library.store.labelling import correction_examples
from tocsin.library.store.links import link, links_of, suggest_links, unlink
from tocsin.library.store.schemas import (
    CorrectionPublic,
    DocumentPublic,
    DocumentSummary,
    DocumentTree,
    ImportPublic,
    ImportResult,
    LabelPublic,
    LinkPublic,
    NodePublic,
    NodeRef,
    NodeSummary,
    PartTree,
    ReportPublic,
    SearchFilters,
    SearchHit,
    SearchResults,
    SectionTree,
)
from tocsin.library.store.search import search, search_text
from tocsin.library.store.views import document_tree, get_document, get_node, list_documents
from tocsin.library.store.vocabulary import LabelSource, LinkKind, LinkStatus, NodeKind

__all__ = [
    "CorrectionPublic",
    "DocumentPublic",
    "DocumentSummary",
    "DocumentTree",
    "ImportPublic",
    "ImportResult",
    "LabelPublic",
    "LabelSource",
    "LinkKind",
    "LinkPublic",
    "LinkStatus",
    "NodeKind",
    "NodePublic",
    "NodeRef",
    "NodeSummary",
    "PartTree",
    "ReportPublic",
    "SearchFilters",
    "SearchHit",
    "SearchResults",
    "SectionTree",
    "check_labels",
    "correct_labels",
    "correction_examples",
    "document_tree",
    "get_document",
    "get_node",
    "import_document",
    "link",
    "links_of",
    "list_documents",
    "rebuild_search_index",
    "search",
    "search_text",
    "suggest_links",
    "unlink",
]
