"""Witness statements: a structured form stored as an evidence file with its own custody trail.

The statement is written as one JSON document (the layout in docs/formats.md, "Witness
statements") and stored in the vault like any other file: encrypted, named by its SHA-256,
never changed afterwards, and logged as ``collected`` and ``received``. A correction is a new
statement, so what the witness agreed to stays exactly as it was. The witness is a person on
file, referenced by id: their names, contact and consent to share live in the person record,
encrypted and governed like every other identity, and exports decide by that consent.
"""

from __future__ import annotations

import io
import json
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission
from tocsin.vault import evidence
from tocsin.vault.blobs import BlobStore
from tocsin.vault.models import Evidence
from tocsin.vault.schemas import EvidenceCreate, StatementCreate, StatementDocument

KIND = "witness_statement"
FORMAT = "tocsin-witness-statement/1"
MEDIA_TYPE = "application/vnd.tocsin.witness-statement+json"
MAX_BYTES = 4 * 1024 * 1024  # the schema caps the text far below this; a bigger file is not ours


def document_of(data: StatementCreate, recorded_by: str | None) -> dict[str, Any]:
    p = data.place
    return {
        "format": FORMAT,
        "event_id": data.event_id,
        "witness_id": data.witness_id,
        "taken_at": data.taken_at.isoformat(),
        "place": {
            "name": p.name,
            "country": p.country,
            "admin_area": p.admin_area,
            "lat": p.lat,
            "lon": p.lon,
        },
        "interviewer": data.interviewer,
        "language": data.language,
        "interpreter": data.interpreter,
        "informed_consent": data.informed_consent,
        "consent_notes": data.consent_notes,
        "text": data.text,
        "agreement": data.agreement,
        "agreement_notes": data.agreement_notes,
        "recorded_by": recorded_by,
        "recorded_at": utcnow().isoformat(),
    }


def record(session: Session, actor: Actor, store: BlobStore, data: StatementCreate) -> Evidence:
    """Store the statement as evidence for its event and witness; returns the new record."""
    actor.require(Permission.WRITE)
    body = json.dumps(
        document_of(data, actor.user_id), indent=2, sort_keys=True, ensure_ascii=False
    ).encode()
    meta = EvidenceCreate(
        kind=KIND,
        event_id=data.event_id,
        person_id=data.witness_id,
        original_name=f"witness-statement-{data.taken_at:%Y-%m-%d}.json",
        media_type=MEDIA_TYPE,
        collected_by=data.interviewer,
        collected_at=data.taken_at,
        place=data.place,
        tlp=data.tlp,
    )
    try:
        return evidence.add(session, actor, store, io.BytesIO(body), meta)
    except ValidationFailed as exc:
        # The evidence layer names its own fields; say them as the statement form calls them.
        if [p.field for p in exc.errors] != ["person_id"]:
            raise
        raise ValidationFailed.on("witness_id", exc.errors[0].message) from None


def read(session: Session, actor: Actor, store: BlobStore, evidence_id: str) -> StatementDocument:
    """The statement, read from the vault; the read is logged in custody and audited."""
    record_, chunks = evidence.open_content(session, actor, store, evidence_id)
    if record_.kind != KIND or record_.media_type != MEDIA_TYPE:
        raise ValidationFailed.on("evidence_id", "this evidence is not a witness statement")
    if record_.size > MAX_BYTES:
        raise ValidationFailed.on("evidence_id", "this file is too large to be a statement")
    body = b"".join(chunks)
    try:
        doc = json.loads(body)
        if doc.get("format") != FORMAT:
            raise ValueError(f"unknown statement format {doc.get('format')!r}")
        return StatementDocument.model_validate({**doc, "evidence_id": record_.id})
    except (ValueError, ValidationError) as exc:
        raise ValidationFailed.on(
            "evidence_id", f"the stored statement is unreadable: {exc}"
        ) from None
