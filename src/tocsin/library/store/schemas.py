"""API shapes of the action library. Services return these, never storage rows."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from tocsin.cases.schemas import Strict

Code = Annotated[str | None, Field(max_length=40)]


class ReportEntryPublic(BaseModel):
    kind: str  # unplaced, artefact, repair, gap
    line: int
    text: str
    reason: str
    page: int | None = None


class ReportPublic(BaseModel):
    """What the parser could not simply place, from the last import."""

    counts: dict[str, int] = {}
    lines_read: int = 0
    layout: str = ""
    entries: list[ReportEntryPublic] = []


class DocumentSummary(BaseModel):
    id: str
    slug: str
    title: str
    source_name: str
    sha256: str
    format: str
    tlp: str
    imported_at: datetime
    imported_by: str | None
    items: int  # current items
    retired_items: int  # items missing from the last import, kept


class ImportPublic(BaseModel):
    id: str
    at: datetime
    by: str | None
    sha256: str
    source_name: str
    format: str
    title: str
    added: list[str]  # references
    updated: list[str]
    retired: list[str]
    restored: list[str]
    unchanged: int


class DocumentPublic(DocumentSummary):
    report: ReportPublic
    imports: list[ImportPublic]  # newest first
    created_at: datetime
    created_by: str | None


class LabelPublic(BaseModel):
    label: str
    confidence: float
    source: str  # auto, analyst
    method: str  # "rules+embeddings", "rules+lexical", "correction", "analyst"
    keywords: list[str] = []
    by: str | None = None
    at: datetime


class CorrectionPublic(BaseModel):
    dimension: str
    labels: list[str]
    text: str  # the paragraph as the analyst read it
    note: str
    by: str
    at: datetime


class NodeRef(BaseModel):
    id: str
    reference: str
    document_slug: str
    current: bool


class NodeSummary(BaseModel):
    id: str
    reference: str
    kind: str  # part, section, item
    item_kind: str | None  # paragraph, subparagraph, bullet, row, text
    key: str
    label: str
    heading: str
    text: str
    current: bool
    labels: dict[str, list[LabelPublic]] = {}  # dimension -> labels, most confident first


class LinkPublic(BaseModel):
    id: str
    from_node: NodeRef
    to_node: NodeRef
    kind: str
    note: str
    status: str  # suggested, confirmed, rejected
    score: float | None
    created_by: str | None
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None


class NodePublic(NodeSummary):
    document: DocumentSummary
    parent_reference: str | None
    parent_item: str | None
    position: int
    lines: tuple[int, int]
    context: list[str]
    footnotes: list[str]
    inferred: bool
    created_at: datetime
    updated_at: datetime
    retired_at: datetime | None
    corrections: list[CorrectionPublic]  # oldest first
    links: list[LinkPublic]  # to and from this node, rejected ones included


class SectionTree(NodeSummary):
    items: list[NodeSummary]


class PartTree(NodeSummary):
    sections: list[SectionTree]


class DocumentTree(BaseModel):
    document: DocumentSummary
    parts: list[PartTree]


class ImportResult(BaseModel):
    document: DocumentSummary
    import_id: str
    created: bool  # a new document, not a re-import
    same_file: bool  # the bytes were those of the previous import
    added: list[str]
    updated: list[str]  # text, heading, number or context changed
    retired: list[str]  # missing from this import: kept, marked not current
    restored: list[str]  # missing before, back now
    unchanged: int
    classified: int  # items (re)classified
    embedded: int  # items (re)encoded for semantic search
    report: ReportPublic


class SearchFilters(Strict):
    """Each filter narrows the search; labels are taxonomy codes (``state``, ``RF7``...)."""

    document: Annotated[str | None, Field(max_length=200)] = None  # a document's slug
    actor: Code = None
    sphere: Code = None
    situation: Code = None
    theme: Code = None
    risk_factor: Code = None
    include_retired: bool = False  # also paragraphs missing from their document's last import


class SearchHit(BaseModel):
    node: NodeSummary
    document_slug: str
    document_title: str
    score: float  # the fused score (see library.store.search)
    text_rank: int | None = None  # 1-based rank in the full-text results, if found there
    semantic_rank: int | None = None
    similarity: float | None = None  # cosine similarity to the query, if semantic


class SearchResults(BaseModel):
    query: str
    method: str  # "text", or "text+semantic" when embeddings are available
    hits: list[SearchHit]
