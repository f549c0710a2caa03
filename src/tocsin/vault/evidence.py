"""Evidence records: a stored blob, what it is evidence for, and its chain of custody.

Every record is one blob (``vault.blobs``) linked to an event, a person or both. The same
content uploaded again for the same event and person is not stored again and makes no new
record: ``add`` returns the record on file with ``duplicate`` set. For another event or person
the blob is shared and a new record made. Each new record appends ``collected`` and
``received`` to the custody log; each download appends ``accessed``; writes and downloads are
audited like every other record.
"""

from __future__ import annotations

import hashlib
import mimetypes
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from tocsin.cases.models import Event, Person
from tocsin.cases.records import fetch, page_of, reference, tlp_rank, visible_query, written
from tocsin.cases.schemas import Page
from tocsin.cases.vocabulary import Vocabularies
from tocsin.core import audit
from tocsin.core.access import Actor, ensure_visible, visible
from tocsin.core.roles import Permission
from tocsin.vault import custody
from tocsin.vault.blobs import BlobStore
from tocsin.vault.chunks import Readable
from tocsin.vault.custody import Kind, NewEntry, canonical_json
from tocsin.vault.file_metadata import Sampler, extract
from tocsin.vault.models import CustodyEntry, Evidence
from tocsin.vault.schemas import EvidenceCreate, EvidencePublic
from tocsin.vault.signing import LogKey

KIND = "evidence"  # the record kind in the audit log
VOCABULARY = "evidence_kind"
Progress = Callable[[int], None]  # bytes read so far

def _stamp(value: datetime | None) -> str | None:
    # In UTC, so the statement read back from the database gives the same text (and digest).
    return None if value is None else value.astimezone(UTC).isoformat()


def _statement(
    collected_by: str | None, collected_at: datetime | None, name: str | None,
    country: str | None, admin_area: str | None, lat: float | None, lon: float | None,
    capture_device: str | None, source_url: str | None, captured_at: datetime | None,
    notes: str | None,
) -> dict[str, Any]:  # fmt: skip
    return {
        "collected_by": collected_by,
        "collected_at": _stamp(collected_at),
        "place": {
            "name": name, "country": country, "admin_area": admin_area,
            # No floats in canonical JSON: coordinates as text, as given.
            "lat": None if lat is None else repr(lat),
            "lon": None if lon is None else repr(lon),
        },
        "capture_device": capture_device,
        "source_url": source_url,
        "captured_at": _stamp(captured_at),
        "notes": notes,
    }  # fmt: skip


def statement_of(meta: EvidenceCreate) -> dict[str, Any]:
    """The collector's statement as stored, in a fixed JSON shape (digested for the log)."""
    p = meta.place
    return _statement(meta.collected_by, meta.collected_at, p.name, p.country, p.admin_area,
                      p.lat, p.lon, meta.capture_device, meta.source_url, meta.captured_at,
                      meta.notes)  # fmt: skip


def statement_of_record(r: Evidence) -> dict[str, Any]:
    """The same statement, read back from a record: its digest matches the one logged."""
    return _statement(r.collected_by, r.collected_at, r.place_name, r.country, r.admin_area,
                      r.latitude, r.longitude, r.capture_device, r.source_url, r.captured_at,
                      r.notes)  # fmt: skip


def statement_digest(statement: dict[str, Any], salt: str) -> str:
    """A salted SHA-256 of the statement: the custody log commits to the statement without
    holding its text (the log is never erased and goes to court as it is)."""
    return hashlib.sha256(canonical_json({"salt": salt, "statement": statement})).hexdigest()


def _same(column: InstrumentedAttribute[str | None], value: str | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def add(
    session: Session,
    actor: Actor,
    store: BlobStore,
    stream: Readable,
    meta: EvidenceCreate,
    progress: Progress | None = None,
) -> Evidence:
    """Store a file as evidence for an event and/or person; see the module docstring."""
    actor.require(Permission.WRITE)
    Vocabularies.load(session).check(VOCABULARY, meta.kind, "kind")
    reference(session, Event, meta.event_id, actor, "event_id")
    reference(session, Person, meta.person_id, actor, "person_id")
    sampler = Sampler(stream, progress)
    blob = store.put(sampler)
    existing = session.scalar(
        select(Evidence)
        .where(
            Evidence.sha256 == blob.sha256,
            _same(Evidence.event_id, meta.event_id),
            _same(Evidence.person_id, meta.person_id),
            # One the uploader cannot see is not reported: that would reveal it exists.
            visible(Evidence, actor),
        )
        .order_by(Evidence.created_at)
    )
    if existing is not None:
        existing.duplicate = True
        return existing
    extracted = extract(sampler.sample(), meta.original_name)
    guessed = mimetypes.guess_type(meta.original_name, strict=False)[0]
    statement = statement_of(meta)
    salt = secrets.token_hex(16)
    p = meta.place
    record = Evidence(
        sha256=blob.sha256, sha512=blob.sha512, size=blob.size, kind=meta.kind,
        original_name=meta.original_name,
        media_type=meta.media_type or guessed or extracted.get("detected_type")
        or "application/octet-stream",
        event_id=meta.event_id, person_id=meta.person_id,
        collected_by=meta.collected_by, collected_at=meta.collected_at,
        place_name=p.name, country=p.country, admin_area=p.admin_area,
        latitude=p.lat, longitude=p.lon,
        capture_device=meta.capture_device, source_url=meta.source_url,
        captured_at=meta.captured_at, notes=meta.notes, statement_salt=salt,
        extracted=extracted, tlp=tlp_rank(meta.tlp),
        created_by=actor.user_id, updated_by=actor.user_id,
    )  # fmt: skip
    session.add(record)
    session.flush()
    target = {"evidence_id": record.id, "event_id": meta.event_id, "person_id": meta.person_id}
    custody.append_many(
        session,
        [
            NewEntry(actor, Kind.COLLECTED, blob.sha256, {
                **target, "kind": meta.kind, "collected_at": _stamp(meta.collected_at),
                "statement_sha256": statement_digest(statement, salt),
            }),
            NewEntry(actor, Kind.RECEIVED, blob.sha256, {
                **target, "size": blob.size, "sha512": blob.sha512,
                "already_stored": blob.duplicate,
            }),
        ],
    )  # fmt: skip
    written(session, actor, audit.Action.CREATE, KIND, record.id)
    return record


def get(session: Session, actor: Actor, evidence_id: str) -> Evidence:
    """One record within the actor's clearance (404 above it); protected reads are audited."""
    return fetch(session, Evidence, evidence_id, actor, KIND)


def list_for(
    session: Session,
    actor: Actor,
    event_id: str | None,
    person_id: str | None,
    page: int,
    page_size: int,
    convert: Callable[[list[Evidence]], list[EvidencePublic]],
) -> Page[EvidencePublic]:
    """Evidence for an event and/or person; an event or person out of reach is a 404."""
    q = visible_query(Evidence, actor)
    if event_id is not None:
        fetch(session, Event, event_id, actor, "event")
        q = q.where(Evidence.event_id == event_id)
    if person_id is not None:
        fetch(session, Person, person_id, actor, "person")
        q = q.where(Evidence.person_id == person_id)
    q = q.order_by(Evidence.created_at, Evidence.id)
    return page_of(session, actor, KIND, q, page, page_size, convert)


def list_for_event(
    session: Session,
    actor: Actor,
    event_id: str,
    convert: Callable[[list[Evidence]], list[EvidencePublic]],
    page: int = 1,
    page_size: int = 500,
) -> Page[EvidencePublic]:
    """An event's evidence, for its page: the event is checked but its read not audited twice
    (the page has just read it); the evidence listed is audited as any list is."""
    ensure_visible(session.get(Event, event_id), actor)
    return _listed(session, actor, Evidence.event_id == event_id, convert, page, page_size)


def list_for_person(
    session: Session,
    actor: Actor,
    person_id: str,
    convert: Callable[[list[Evidence]], list[EvidencePublic]],
    page: int = 1,
    page_size: int = 500,
) -> Page[EvidencePublic]:
    """A person's evidence, for their page, as ``list_for_event`` does an event's."""
    ensure_visible(session.get(Person, person_id), actor)
    return _listed(session, actor, Evidence.person_id == person_id, convert, page, page_size)


def _listed(
    session: Session,
    actor: Actor,
    which: ColumnElement[bool],
    convert: Callable[[list[Evidence]], list[EvidencePublic]],
    page: int,
    page_size: int,
) -> Page[EvidencePublic]:
    q = visible_query(Evidence, actor).where(which).order_by(Evidence.created_at, Evidence.id)
    return page_of(session, actor, KIND, q, page, page_size, convert)


def open_content(
    session: Session, actor: Actor, store: BlobStore, evidence_id: str
) -> tuple[Evidence, Iterator[bytes]]:
    """The record and its plaintext chunks. The access is logged (custody ``accessed`` and an
    audited read) before the first byte leaves, in the caller's transaction."""
    actor.require(Permission.READ)
    record = session.get(Evidence, evidence_id)
    ensure_visible(record, actor)
    assert record is not None
    chunks = store.open(record.sha256)  # a missing blob fails here, before anything is logged
    custody.append(session, actor, Kind.ACCESSED, record.sha256, {"evidence_id": record.id})
    audit.record(session, actor, audit.Action.READ, KIND, record.id, {"via": "content"})
    return record, chunks


@dataclass(frozen=True)
class Damaged:
    """One thing found wrong, named so an operator can find it."""

    item: str
    detail: str


@dataclass
class StoreReport:
    files: int = 0
    bytes: int = 0
    custody_entries: int = 0
    custody_heads: int = 0
    damaged: list[Damaged] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.damaged


def verify_store(
    session: Session,
    store: BlobStore,
    log_key: LogKey,
    progress: Callable[[int, int], None] | None = None,
) -> StoreReport:
    """Decrypt and re-hash every evidence file, check it against its records, and verify the
    custody log; every damaged item is named. ``progress(done_bytes, total_bytes)``."""
    records: dict[str, list[Evidence]] = {}
    for ev in session.scalars(select(Evidence).order_by(Evidence.sha256, Evidence.created_at)):
        records.setdefault(ev.sha256, []).append(ev)
    # A file the custody log speaks of must still be there, record or no record.
    for sha256 in session.scalars(select(CustodyEntry.subject_sha256).distinct()):
        records.setdefault(sha256, [])
    total = sum(group[0].size for group in records.values() if group)
    report = StoreReport()
    for sha256, group in sorted(records.items()):
        verdict = store.verify(sha256)
        report.files += 1
        report.bytes += verdict.size or 0
        names = ", ".join(sorted({f"{e.original_name} (evidence {e.id})" for e in group}))
        item = f"{store.path_of(sha256)} [{names or 'named in the custody log'}]"
        if not verdict.ok:
            report.damaged.append(Damaged(item, verdict.detail))
        else:
            for ev in group:
                if (ev.size, ev.sha512) != (verdict.size, verdict.sha512):
                    report.damaged.append(
                        Damaged(item, f"evidence {ev.id} records another size or SHA-512")
                    )
        if progress is not None:
            progress(min(report.bytes, total), total)
    log = custody.verify_log(session, log_key)
    report.custody_entries, report.custody_heads = log.entries, log.heads
    if not log.ok:
        where = "custody log" if log.entry is None else f"custody log entry {log.entry}"
        report.damaged.append(Damaged(where, log.problem or "verification failed"))
    return report
