"""Evidence files: upload, list, metadata, download and chain of custody."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import Field as PydanticField
from pydantic import ValidationError
from starlette.background import BackgroundTask

from tocsin.api.deps import (
    BlobStoreDep,
    CurrentActor,
    LogKeyDep,
    PagingDep,
    SessionDep,
    SettingsDep,
)
from tocsin.cases.schemas import Page, Strict
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission
from tocsin.vault import evidence, statements, working_copy
from tocsin.vault.evidence_export import export_event
from tocsin.vault.evidence_views import custody_public, evidence_public
from tocsin.vault.export_files import new_bundle_path
from tocsin.vault.schemas import (
    CustodyPublic,
    EvidenceCreate,
    EvidencePublic,
    StatementCreate,
    StatementDocument,
)

router = APIRouter(prefix="/evidence", tags=["evidence"])


class BundleRequest(Strict):
    event_id: Annotated[str, PydanticField(min_length=1, max_length=36)]
    recipient: Annotated[str, PydanticField(min_length=1, max_length=80)]
    identify: bool = False

Field = Annotated[str | None, Form()]
PLACE_FIELDS = {"place_name": "name", "country": "country", "admin_area": "admin_area",
                "lat": "lat", "lon": "lon"}  # fmt: skip


def _metadata(file: UploadFile, fields: dict[str, str | None]) -> EvidenceCreate:
    """The form fields as an ``EvidenceCreate``; empty fields count as not given."""
    given = {k: v for k, v in fields.items() if v not in (None, "")}
    for name, value in given.items():
        if value is not None and "\x00" in value:
            raise ValidationFailed.on(name, "must not contain NUL characters")
    data: dict[str, Any] = {k: v for k, v in given.items() if k not in PLACE_FIELDS}
    place = {PLACE_FIELDS[k]: v for k, v in given.items() if k in PLACE_FIELDS}
    if place:
        data["place"] = place
    # Some browsers send the whole path of the file; only its name is the original name.
    sent = (file.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    data.setdefault("original_name", sent or "upload")
    if "media_type" not in data and file.content_type not in (None, "application/octet-stream"):
        data["media_type"] = file.content_type
    try:
        return EvidenceCreate.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


@router.post("", response_model=EvidencePublic, status_code=201)
def upload_evidence(
    session: SessionDep,
    actor: CurrentActor,
    store: BlobStoreDep,
    response: Response,
    file: Annotated[UploadFile, File(description="The evidence file.")],
    kind: Annotated[str, Form(max_length=80)],
    event_id: Field = None,
    person_id: Field = None,
    original_name: Field = None,
    media_type: Field = None,
    collected_by: Field = None,
    collected_at: Field = None,
    place_name: Field = None,
    country: Field = None,
    admin_area: Field = None,
    lat: Field = None,
    lon: Field = None,
    capture_device: Field = None,
    source_url: Field = None,
    captured_at: Field = None,
    notes: Field = None,
    tlp: Field = None,
) -> EvidencePublic:
    actor.require(Permission.WRITE)  # before the fields: a reader learns nothing from them
    fields = {k: v for k, v in locals().items() if k not in {"session", "actor", "store",
                                                             "response", "file"}}  # fmt: skip
    meta = _metadata(file, fields)
    # Starlette spooled the upload to a temporary file; the store reads it in chunks.
    record = evidence.add(session, actor, store, file.file, meta)
    if record.duplicate:
        response.status_code = 200
    return evidence_public(session, actor, record)


@router.post("/statements", response_model=EvidencePublic, status_code=201)
def take_statement(
    data: StatementCreate, session: SessionDep, actor: CurrentActor, store: BlobStoreDep
) -> EvidencePublic:
    """Record a witness statement; it is stored as an evidence file with its own custody."""
    return evidence_public(session, actor, statements.record(session, actor, store, data))


@router.post(
    "/bundles",
    response_class=FileResponse,
    responses={200: {"content": {"application/zip": {}}}},
)
def export_bundle(
    data: BundleRequest,
    session: SessionDep,
    actor: CurrentActor,
    store: BlobStoreDep,
    log_key: LogKeyDep,
    settings: SettingsDep,
) -> FileResponse:
    """A signed bundle of an event's evidence for one recipient (see `tocsin evidence export`).

    Files withheld for lack of consent are named in the X-Tocsin-Withheld header."""
    path = new_bundle_path(settings.data_dir)
    try:
        done = export_event(session, actor, store, log_key, data.event_id, data.recipient,
                            path, identify=data.identify)  # fmt: skip
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    name = f"evidence-{data.event_id[:8]}-{data.recipient}.zip"
    return FileResponse(
        path,
        media_type="application/zip",
        filename=name,
        headers={"X-Tocsin-Withheld": ",".join(w.evidence_id for w in done.withheld)},
        # The bundle holds the files in clear: it lives only as long as its download.
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.get("", response_model=Page[EvidencePublic])
def list_evidence(
    session: SessionDep,
    actor: CurrentActor,
    paging: PagingDep,
    event_id: Annotated[str | None, Query(max_length=36)] = None,
    person_id: Annotated[str | None, Query(max_length=36)] = None,
) -> Page[EvidencePublic]:
    return evidence.list_for(
        session,
        actor,
        event_id,
        person_id,
        paging.page,
        paging.page_size,
        lambda rows: [evidence_public(session, actor, r) for r in rows],
    )


@router.get("/{evidence_id}", response_model=EvidencePublic)
def get_evidence(evidence_id: str, session: SessionDep, actor: CurrentActor) -> EvidencePublic:
    return evidence_public(session, actor, evidence.get(session, actor, evidence_id))


@router.get("/{evidence_id}/content", response_class=StreamingResponse)
def download_evidence(
    evidence_id: str, session: SessionDep, actor: CurrentActor, store: BlobStoreDep
) -> StreamingResponse:
    record, chunks = evidence.open_content(session, actor, store, evidence_id)
    # A plain-ASCII fallback with no quote, backslash or control character, then the name.
    fallback = "".join(
        c if " " <= c <= "~" and c not in '"\\' else "_" for c in record.original_name
    )
    disposition = (
        f'attachment; filename="{fallback}"; '
        f"filename*=UTF-8''{quote(record.original_name, safe='')}"
    )
    return StreamingResponse(
        chunks,
        media_type=record.media_type,
        headers={"Content-Disposition": disposition, "Content-Length": str(record.size)},
    )


@router.post("/{evidence_id}/working-copy", response_model=EvidencePublic, status_code=201)
def make_working_copy(
    evidence_id: str,
    session: SessionDep,
    actor: CurrentActor,
    store: BlobStoreDep,
    response: Response,
) -> EvidencePublic:
    """A copy with identifying metadata removed (JPEG, PNG), as its own evidence record; 200
    with the copy already made when asked again."""
    copy = working_copy.make(session, actor, store, evidence_id)
    if copy.duplicate:
        response.status_code = 200
    return evidence_public(session, actor, copy)


@router.get("/{evidence_id}/statement", response_model=StatementDocument)
def read_statement(
    evidence_id: str, session: SessionDep, actor: CurrentActor, store: BlobStoreDep
) -> StatementDocument:
    """The witness statement, read from the vault (logged in custody and audited)."""
    return statements.read(session, actor, store, evidence_id)


@router.get("/{evidence_id}/custody", response_model=CustodyPublic)
def evidence_custody(
    evidence_id: str, session: SessionDep, actor: CurrentActor, log_key: LogKeyDep
) -> CustodyPublic:
    return custody_public(session, actor, log_key, evidence_id)
