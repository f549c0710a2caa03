"""The evidence page: what the file is, what its collector states beside what the file itself
says, a witness statement in full, and the chain of custody with its signed tree head.

Read through the API's own services: ``evidence.get`` (404 above the reader's clearance,
protected reads audited), ``custody_public`` and, for a witness statement, ``statements.read``
(which logs the access in custody as any download does).
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import BlobStoreDep, LogKeyDep, SessionDep
from tocsin.cases import event_dossier, record_titles
from tocsin.core.errors import ValidationFailed
from tocsin.vault import evidence, statements
from tocsin.vault.blobs import BlobStore
from tocsin.vault.evidence_views import custody_public, evidence_public
from tocsin.vault.schemas import StatementDocument
from tocsin.web.labels import Labels
from tocsin.web.pages.event_suggest import person_label
from tocsin.web.pages.evidence_facts import (
    CUSTODY_KINDS,
    UNKNOWN_PRESENT,
    custody_rows,
    file_says,
)
from tocsin.web.pages.evidence_share import working_copies
from tocsin.web.pages.statement_form import AGREEMENTS
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer, Viewer

router = APIRouter(include_in_schema=False)


def _statement(
    session: Session, who: Viewer, store: BlobStore, evidence_id: str, media_type: str
) -> tuple[StatementDocument | None, str]:
    """The statement document, or why it cannot be shown. A file merely filed under the kind
    "witness statement" (a scan, a recording) is not a structured statement: no read, no log."""
    if media_type != statements.MEDIA_TYPE:
        return None, ""
    try:
        return statements.read(session, who.actor, store, evidence_id), ""
    except ValidationFailed as exc:
        return None, exc.errors[0].message if exc.errors else exc.detail


@router.get("/evidence/{evidence_id:uuid}", response_class=HTMLResponse)
def evidence_page(
    request: Request,
    evidence_id: UUID,
    session: SessionDep,
    who: PageViewer,
    store: BlobStoreDep,
    log_key: LogKeyDep,
) -> Response:
    eid = str(evidence_id)
    record = evidence.get(session, who.actor, eid)
    ev = evidence_public(session, who.actor, record)
    doc, unreadable = None, ""
    if ev.kind == statements.KIND:
        doc, unreadable = _statement(session, who, store, eid, ev.media_type)
    # After the statement is read, so the table shows that very access.
    custody = custody_public(session, who.actor, log_key, eid)
    wanted = [p for p in (ev.person_id, doc.witness_id if doc else None) if p]
    people = event_dossier.persons_by_id(session, who.actor, wanted)
    titles = record_titles.event_titles(session, who.actor, [ev.event_id] if ev.event_id else [])
    head = custody.head
    return render(
        request,
        "evidence/page.html",
        who,
        ev=ev,
        says=file_says(ev.extracted),
        unknown_present=UNKNOWN_PRESENT,
        labels=Labels.load(session, who.lang),
        event_title=titles.get(ev.event_id or ""),
        people={pid: person_label(p) for pid, p in people.items()},
        doc=doc,
        unreadable=unreadable,
        agreements=AGREEMENTS,
        custody=custody,
        rows=custody_rows(custody.entries, head),
        kinds=CUSTODY_KINDS,
        signed_at=datetime.fromtimestamp(head.timestamp_ms / 1000, UTC) if head else None,
        copies=working_copies(session, who, record),
    )
