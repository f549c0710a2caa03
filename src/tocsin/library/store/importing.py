"""Importing a parsed action-plan document into the library, or re-importing a new edition.

One transaction (the caller's session): the document row, its nodes merged by reference
(``merge``), labels of new and changed items (``labelling``), the search rows (``fulltext``),
embeddings when available (``vectors``), a line in the import history and one in the audit log.
"""

from __future__ import annotations

import logging
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.records import changed_tlp, tlp_rank
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.library import ImportReport, ParsedDocument, embeddings
from tocsin.library.classify import Classifier
from tocsin.library.store.fulltext import index_document
from tocsin.library.store.labelling import classify_items
from tocsin.library.store.merge import merge_nodes
from tocsin.library.store.models import LibraryDocument, LibraryImport, LibraryNode
from tocsin.library.store.schemas import ImportResult, ReportPublic
from tocsin.library.store.specs import check_slug, node_specs
from tocsin.library.store.vectors import store_embeddings
from tocsin.library.store.views import summary_of
from tocsin.library.store.vocabulary import DOCUMENT

FORMATS = {"pdf": "pdf", "html": "html", "htm": "html", "xhtml": "html"}
log = logging.getLogger(__name__)


def import_document(
    session: Session, actor: Actor, parsed: ParsedDocument, slug: str | None = None, *,
    tlp: str | None = None, format: str | None = None, classifier: Classifier | None = None,
    embed: bool | None = None,
) -> ImportResult:  # fmt: skip
    """Store a parsed document under ``slug`` (default: the parser's, from the file name).

    A slug already in the library is a re-import: nodes are matched by reference and keep
    their ids; missing ones are kept, marked not current. ``tlp`` defaults to CLEAR for a new
    document (plans of action are public) and to the document's level for a re-import.
    ``format`` defaults to the file name's suffix (pdf, html, else text). ``classifier`` may be
    passed to reuse one across imports (build it with ``correction_examples``); ``embed``
    defaults to whether embeddings are available.
    """
    actor.require(Permission.CURATE_LIBRARY)
    document = parsed.document
    slug = check_slug(slug if slug is not None else document.slug)
    specs = node_specs(document, slug)
    now = utcnow()
    row = session.scalar(select(LibraryDocument).where(LibraryDocument.slug == slug))
    created = row is None
    if row is None:
        row = LibraryDocument(
            slug=slug, tlp=tlp_rank(tlp or TLP.CLEAR.label), created_by=actor.user_id,
            created_at=now, sha256="", format="",
        )  # fmt: skip
        session.add(row)
    elif not actor.may_see(row.tlp, row.created_by):
        raise ValidationFailed.on("slug", "already used by another document; choose another slug")
    elif tlp is not None:
        row.tlp = changed_tlp(actor, row, tlp)
    same_file = not created and row.sha256 == document.sha256
    row.title = document.title.strip() or slug
    row.source_name = document.source_name
    row.sha256 = document.sha256
    row.format = _format(format, document.source_name)
    row.report = report_json(parsed.report)
    row.imported_at, row.imported_by = now, actor.user_id
    row.updated_at, row.updated_by = now, actor.user_id
    session.flush()

    merged = merge_nodes(session, row.id, specs, now)
    classified = classify_items(session, merged.to_classify, classifier)
    index_document(session, row.id)
    embedded = _embed(session, merged.current, embed)
    history = LibraryImport(
        document_id=row.id, sha256=row.sha256, source_name=row.source_name, format=row.format,
        title=row.title, changes=merged.changes(), counts=dict(parsed.report.counts), at=now,
        by=actor.user_id,
    )  # fmt: skip
    session.add(history)
    session.flush()
    audit.record(session, actor, audit.Action.IMPORT, DOCUMENT, row.id, {
        "slug": slug, "sha256": row.sha256, "created": created, "added": len(merged.added),
        "updated": len(merged.updated), "retired": len(merged.retired),
        "restored": len(merged.restored), "unchanged": merged.unchanged,
    })  # fmt: skip
    return ImportResult(
        document=summary_of(session, row), import_id=history.id, created=created,
        same_file=same_file, added=merged.added, updated=merged.updated,
        retired=merged.retired, restored=merged.restored, unchanged=merged.unchanged,
        classified=classified, embedded=embedded,
        report=ReportPublic.model_validate(row.report),
    )  # fmt: skip


def report_json(report: ImportReport) -> dict[str, object]:
    return {
        "counts": dict(report.counts), "lines_read": report.lines_read, "layout": report.layout,
        "entries": [{"kind": e.kind.value, "line": e.line, "text": e.text, "reason": e.reason,
                     "page": e.page} for e in report.entries],
    }  # fmt: skip


def _format(given: str | None, source_name: str) -> str:
    if given is not None:
        value = given.strip().lower()
        if value not in {"text", *FORMATS.values()}:
            raise ValidationFailed.on("format", "one of text, pdf, html")
        return value
    return FORMATS.get(PurePath(source_name).suffix.lower().lstrip("."), "text")


def _embed(session: Session, nodes: list[LibraryNode], embed: bool | None) -> int:
    if embed is False or (embed is None and not embeddings.available()):
        return 0
    try:
        return store_embeddings(session, nodes)
    except embeddings.EmbeddingsUnavailable:
        if embed:
            raise ValidationFailed.on("embed", embeddings.status()) from None
        # the model failed to load: the import stands; semantic search waits for a re-import
        log.warning("library import without embeddings: %s", embeddings.status())
        return 0
