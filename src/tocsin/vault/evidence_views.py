"""Evidence records and their custody trail in their public shapes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tocsin.cases.models import Event, Person
from tocsin.cases.schemas import PlacePublic
from tocsin.core.access import Actor
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.vault import custody
from tocsin.vault.evidence import get
from tocsin.vault.models import Evidence
from tocsin.vault.schemas import (
    CustodyEntryPublic,
    CustodyPublic,
    EvidencePublic,
    ProofPublic,
    StatementPublic,
    TreeHeadPublic,
)
from tocsin.vault.signing import LogKey


def reveals_collector(actor: Actor, record: Evidence) -> bool:
    """Who collected a file, with what, and their notes can put a field worker at risk: shown
    to the team that works on the record (write access) and to the record's author, not to
    partners who only read."""
    return actor.can(Permission.WRITE) or record.created_by == actor.user_id


def _target(
    session: Session, actor: Actor, model: type[Event | Person], rid: str | None
) -> str | None:
    """An id the reader may follow, or None: even an id says too much about a hidden record."""
    if rid is None:
        return None
    target: Event | Person | None = session.get(model, rid)  # type: ignore[assignment]
    return rid if target is not None and actor.may_see(target.tlp, target.created_by) else None


def evidence_public(session: Session, actor: Actor, record: Evidence) -> EvidencePublic:
    reveal = reveals_collector(actor, record)
    statement = StatementPublic(
        withheld=not reveal,
        collected_by=record.collected_by if reveal else None,
        collected_at=record.collected_at,
        place=PlacePublic(
            name=record.place_name,
            country=record.country,
            admin_area=record.admin_area,
            lat=record.latitude,
            lon=record.longitude,
        ),
        capture_device=record.capture_device if reveal else None,
        source_url=record.source_url,
        captured_at=record.captured_at,
        notes=record.notes if reveal else None,
    )
    return EvidencePublic(
        id=record.id,
        kind=record.kind,
        event_id=_target(session, actor, Event, record.event_id),
        person_id=_target(session, actor, Person, record.person_id),
        sha256=record.sha256,
        sha512=record.sha512,
        size=record.size,
        original_name=record.original_name,
        media_type=record.media_type,
        statement=statement,
        extracted=dict(record.extracted or {}),
        tlp=TLP(record.tlp).label,
        duplicate=record.duplicate,
        derived_from=record.derived_from,
        created_at=record.created_at,
        created_by=record.created_by,
    )


def custody_public(
    session: Session, actor: Actor, log_key: LogKey, evidence_id: str
) -> CustodyPublic:
    """The record's custody entries, each with an inclusion proof against the latest signed
    head (a new head is signed first when the latest does not cover the whole log)."""
    record = get(session, actor, evidence_id)
    head = custody.latest_head(session)
    if head is None or head.tree_size < custody.log_size(session):
        head = custody.sign_head(session, log_key)
    entries = [
        e
        for e in custody.entries_for(session, record.sha256)
        if e.details.get("evidence_id") == record.id
    ]
    out = []
    for e in entries:
        proof = None
        if e.index < head.tree_size:
            p = custody.inclusion_proof(session, e.index, head.tree_size)
            proof = ProofPublic(
                tree_size=p.tree_size, leaf_hash=p.leaf_hash.hex(), path=[h.hex() for h in p.path]
            )
        out.append(
            CustodyEntryPublic(
                index=e.index,
                kind=e.kind.value,
                who=e.who,
                at=e.created_at,
                details=e.details,
                entry=e.data.decode("utf-8"),
                proof=proof,
            )
        )
    return CustodyPublic(
        evidence_id=record.id,
        sha256=record.sha256,
        head=TreeHeadPublic(
            tree_size=head.tree_size,
            timestamp_ms=head.timestamp_ms,
            root_hash=head.root_hash.hex(),
            signature=head.signature.hex(),
            key_id=head.key_id,
        ),
        public_key=log_key.public_raw().hex(),
        entries=out,
    )
