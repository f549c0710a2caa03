"""Tables of the action library: documents, their import history, their nodes (parts, sections,
items) with labels, analysts' corrections, links between nodes, and embeddings for search.

A node keeps its id for as long as its reference exists: a re-import updates it in place. A node
missing from a later import is marked not current and kept, so links and corrections that point
at it keep their meaning. Corrections are append-only (migration 0012), since later imports learn
from them. The full-text index is not a model: see ``fulltext`` and migrations 0012 and 0015.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from tocsin.cases.models import Record
from tocsin.core.clock import utcnow
from tocsin.core.db import Base
from tocsin.core.ids import new_id
from tocsin.core.tlp import TLP
from tocsin.core.types import UTCDateTime

REFERENCE = 500  # longest reference: a long file-name slug and three keys


class LibraryDocument(Record, Base):
    """One action-plan document, as last imported. Plans of action are public texts, so a
    document is TLP:CLEAR unless the importer says otherwise."""

    __tablename__ = "library_documents"

    tlp: Mapped[int] = mapped_column(SmallInteger, default=int(TLP.CLEAR), index=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    source_name: Mapped[str] = mapped_column(String(500), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(12))
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the last import's
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class LibraryImport(Base):
    """One import of a document: which file, by whom, and what it changed."""

    __tablename__ = "library_imports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    document_id: Mapped[str] = mapped_column(ForeignKey("library_documents.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    source_name: Mapped[str] = mapped_column(String(500), default="")
    format: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {added: [refs], ...}
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the parser's counts
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class LibraryNode(Base):
    """A part, section or item of a document, addressed by its reference."""

    __tablename__ = "library_nodes"
    __table_args__ = (Index("ix_library_nodes_document_position", "document_id", "position"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    document_id: Mapped[str] = mapped_column(ForeignKey("library_documents.id"))
    reference: Mapped[str] = mapped_column(String(REFERENCE), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # NodeKind
    item_kind: Mapped[str | None] = mapped_column(String(12), nullable=True)  # library.ItemKind
    key: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200), default="")  # the number as printed
    heading: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    parent_reference: Mapped[str | None] = mapped_column(String(REFERENCE), nullable=True)
    parent_item: Mapped[str | None] = mapped_column(String(REFERENCE), nullable=True)  # "…/12"
    position: Mapped[int] = mapped_column(Integer)  # order in the document as last imported
    line_first: Mapped[int] = mapped_column(Integer)
    line_last: Mapped[int] = mapped_column(Integer)
    context: Mapped[list[str]] = mapped_column(JSON, default=list)
    footnotes: Mapped[list[str]] = mapped_column(JSON, default=list)
    inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    text_sha: Mapped[str] = mapped_column(String(64), index=True)  # of the text, spaces folded
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LibraryLabel(Base):
    """A label a node carries now on one dimension (actor, sphere, situation, theme,
    risk_factor): the classifier's, with its confidence, or an analyst's."""

    __tablename__ = "library_labels"
    # node_id in the index too: a label filter reads its items from the index alone (0015)
    __table_args__ = (
        Index("ix_library_labels_dimension_label_node", "dimension", "label", "node_id"),
    )

    node_id: Mapped[str] = mapped_column(ForeignKey("library_nodes.id"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    label: Mapped[str] = mapped_column(String(40), primary_key=True)
    confidence: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(8))  # LabelSource
    method: Mapped[str] = mapped_column(String(40), default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)  # words that fired the rule
    by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LibraryLabelCorrection(Base):
    """An analyst's labels for one dimension of a node, with the text they read. Append-only:
    the database refuses UPDATE and DELETE (migration 0012); the latest per node and dimension
    is in force, and each is an example the classifier learns from."""

    __tablename__ = "library_label_corrections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    node_id: Mapped[str] = mapped_column(ForeignKey("library_nodes.id"), index=True)
    dimension: Mapped[str] = mapped_column(String(20))
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text, default="")
    text_sha: Mapped[str] = mapped_column(String(64), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LibraryLink(Base):
    """A relation from one node to another (usually across documents). One row per ordered
    pair: a suggestion is confirmed or rejected in place, and a rejected pair stays, so it is
    never suggested again."""

    __tablename__ = "library_links"
    __table_args__ = (
        UniqueConstraint("from_node_id", "to_node_id", name="uq_library_links_pair"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    from_node_id: Mapped[str] = mapped_column(ForeignKey("library_nodes.id"), index=True)
    to_node_id: Mapped[str] = mapped_column(ForeignKey("library_nodes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # LinkKind
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12))  # LinkStatus
    score: Mapped[float | None] = mapped_column(Float, nullable=True)  # similarity, if suggested
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LibraryEmbedding(Base):
    """A node's sentence embedding under one model: L2-normalised float32 bytes, and the hash
    of the text it was computed from, so a changed text is re-encoded and an unchanged one not."""

    __tablename__ = "library_embeddings"

    node_id: Mapped[str] = mapped_column(ForeignKey("library_nodes.id"), primary_key=True)
    model: Mapped[str] = mapped_column(String(80), primary_key=True)
    dims: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    text_sha: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
