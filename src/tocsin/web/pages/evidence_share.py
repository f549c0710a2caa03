"""Sharing evidence from the pages: a working copy with identifying metadata removed, and an
event's evidence exported as a signed bundle for one recipient.

Both go through the API's services: ``working_copy.make`` (which checks WRITE and the reader's
clearance) and ``evidence_export.plan`` / ``export_event`` (EXPORT; IDENTIFY to name persons;
consent decides which files go). The bundle is written to a private folder and removed once
downloaded, as the API's ``/evidence/bundles`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from tocsin.api.deps import BlobStoreDep, LogKeyDep, SessionDep, SettingsDep
from tocsin.cases import events
from tocsin.cases.records import audit_listed
from tocsin.core.errors import TocsinError, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.vault import working_copy
from tocsin.vault.evidence import KIND
from tocsin.vault.evidence_export import PUBLICATION, check_recipient, export_event, plan
from tocsin.vault.export_files import new_bundle_path
from tocsin.vault.models import Evidence
from tocsin.vault.signing import LogKey
from tocsin.vault.strip import can_strip
from tocsin.vault.working_copies_list import copies_of, original_of
from tocsin.web.forms import FormState, attempt
from tocsin.web.i18n import N_
from tocsin.web.labels import Labels
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)

COPY_MADE = N_("Shareable copy made.")
COPY_EXISTED = N_("A shareable copy already existed.")
COPY_REFUSED = N_("No shareable copy was made: %(why)s")
CHOOSE_RECIPIENT = N_("Choose who the bundle is for.")
# The export service's reasons, in words a translator can reach; any other reason is shown as
# the service gives it.
REASONS = {
    "a RED file is never published": N_("A RED file is never published."),
    "the person it concerns has no consent on file": N_(
        "The person it concerns has no consent on file."
    ),
    "the person it concerns withdrew consent": N_("The person it concerns withdrew consent."),
}
NOT_CONSENTED = N_("The person it concerns did not consent to sharing with this recipient.")


def _why(exc: TocsinError) -> str:
    return exc.errors[0].message if exc.errors else exc.detail


# --- Working copies ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingCopies:
    """What the evidence page says about working copies of the file it shows."""

    can_make: bool
    is_copy: bool
    original: Evidence | None  # for a copy: its original, if the reader may see it
    copies: list[Evidence] = field(default_factory=list)  # for an original: its copies


def working_copies(session: Session, who: Viewer, record: Evidence) -> WorkingCopies:
    is_copy = record.derived_from is not None
    return WorkingCopies(
        can_make=not is_copy and who.can(Permission.WRITE) and can_strip(record.media_type),
        is_copy=is_copy,
        original=original_of(session, who.actor, record),
        copies=[] if is_copy else copies_of(session, who.actor, record.id),
    )


@router.post("/evidence/{evidence_id:uuid}/working-copy", response_class=HTMLResponse)
def make_working_copy(
    evidence_id: UUID, session: SessionDep, who: PostedForm, store: BlobStoreDep
) -> Response:
    who.require(Permission.WRITE)
    eid = str(evidence_id)
    try:
        copy = working_copy.make(session, who.actor, store, eid)
        session.flush()
    except ValidationFailed as exc:
        # Nothing half-made stays: the copy's record (if any) goes with the unit of work.
        session.rollback()
        message = who._(COPY_REFUSED) % {"why": _why(exc)}
        return flash(RedirectResponse(f"/evidence/{eid}", status_code=303), message)
    done = COPY_EXISTED if copy.duplicate else COPY_MADE
    return flash(RedirectResponse(f"/evidence/{copy.id}", status_code=303), done)


# --- Export bundle -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    record: Evidence
    goes: bool
    reason: str = ""
    reason_known: bool = True  # one of our msgids (translated), else the service's words


def _reason(text: str, recipient: str) -> tuple[str, bool]:
    if text in REASONS:
        return REASONS[text], True
    if text == f"the person it concerns did not consent to sharing with {recipient}":
        return NOT_CONSENTED, True
    return text, False


def preview(session: Session, who: Viewer, event_id: str, recipient: str) -> list[PreviewRow]:
    """Every file of the event the reader may see, and whether it goes to ``recipient``."""
    allowed, withheld = plan(session, who.actor, event_id, recipient)
    rows = [PreviewRow(r, True) for group in allowed.values() for r in group]
    for w in withheld:
        record = session.get(Evidence, w.evidence_id)  # loaded by the plan: no query
        if record is not None:
            rows.append(PreviewRow(record, False, *_reason(w.reason, recipient)))
    rows.sort(key=lambda row: (row.record.created_at, row.record.id))
    audit_listed(session, who.actor, KIND, [row.record for row in rows])
    return rows


def _page(
    request: Request,
    session: Session,
    who: Viewer,
    log_key: LogKey,
    event_id: str,
    state: FormState,
    status: int = 200,
) -> HTMLResponse:
    event = events.get(session, who.actor, event_id)
    labels = Labels.load(session, who.lang)
    recipient = str(state.value("recipient") or "")
    rows: list[PreviewRow] | None = None
    if recipient:
        try:
            check_recipient(session, recipient)
            rows = preview(session, who, event.id, recipient)
        except ValidationFailed as exc:
            state.errors.setdefault("recipient", _why(exc))
    return render(
        request,
        "evidence/export.html",
        who,
        status if state.ok else 422,
        event=event,
        form=state,
        recipients=labels.choices("consent_recipient", keep=None),
        recipient_label=labels.of("consent_recipient", recipient) if recipient else "",
        rows=rows,
        going=sum(1 for row in rows or [] if row.goes),
        publication=recipient == PUBLICATION,
        can_identify=who.can(Permission.IDENTIFY),
        public_key=log_key.public_raw().hex(),
        labels=labels,
    )


@router.get("/events/{event_id:uuid}/evidence/export", response_class=HTMLResponse)
def export_form(
    request: Request,
    event_id: UUID,
    session: SessionDep,
    who: PageViewer,
    log_key: LogKeyDep,
    recipient: Annotated[str, Query(max_length=80)] = "",
) -> Response:
    who.require(Permission.EXPORT)
    state = FormState({"recipient": recipient.strip()})
    return _page(request, session, who, log_key, str(event_id), state)


@router.post("/events/{event_id:uuid}/evidence/export", response_model=None)
def export_bundle(
    request: Request,
    event_id: UUID,
    session: SessionDep,
    who: PostedForm,
    store: BlobStoreDep,
    log_key: LogKeyDep,
    settings: SettingsDep,
) -> Response:
    who.require(Permission.EXPORT)
    eid = str(event_id)
    recipient = who.form.get("recipient", "").strip()
    identify = who.form.get("identify") == "yes"
    if identify:
        who.require(Permission.IDENTIFY)  # refused as a whole, not as a field
    state = FormState({"recipient": recipient, "identify": identify})
    if not recipient:
        state.errors["recipient"] = CHOOSE_RECIPIENT
        return _page(request, session, who, log_key, eid, state, 422)
    path = new_bundle_path(settings.data_dir)
    try:
        done = attempt(
            session,
            lambda: export_event(session, who.actor, store, log_key, eid, recipient, path,
                                 identify=identify),
            state,
        )  # fmt: skip
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if done is None:
        path.unlink(missing_ok=True)
        return _page(request, session, who, log_key, eid, state, 422)
    return FileResponse(
        path,
        media_type="application/zip",
        filename=f"evidence-{eid[:8]}-{recipient}.zip",
        headers={"X-Tocsin-Withheld": ",".join(w.evidence_id for w in done.withheld)},
        # The bundle holds the files in clear: it lives only as long as its download.
        background=BackgroundTask(path.unlink, missing_ok=True),
    )
