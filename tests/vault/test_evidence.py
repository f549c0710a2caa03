"""Evidence records over the blob store and the custody log, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from tests.conftest import MakeActor

from tocsin.cases import events, persons
from tocsin.cases.schemas import EventCreate, NameIn, PersonCreate
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, NotFound, ValidationFailed
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.vault import custody, evidence
from tocsin.vault.blobs import BlobStore
from tocsin.vault.custody import Kind
from tocsin.vault.evidence_views import evidence_public
from tocsin.vault.models import Evidence
from tocsin.vault.schemas import EvidenceCreate
from tocsin.vault.signing import LogKey
from tocsin.vault.vault_key import VaultKey

PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x40\x00\x00\x00\xf0" + bytes(40)


@pytest.fixture
def store(tmp_path: Any) -> BlobStore:
    return BlobStore(tmp_path / "blobs", VaultKey.generate(), chunk_size=1024)


def event(db: Database, actor: Actor, tlp: str = "AMBER") -> str:
    with db.session() as s:
        return events.create(s, actor, EventCreate(title="Shelling", start="2024-03", tlp=tlp)).id


def meta(**kw: Any) -> EvidenceCreate:
    return EvidenceCreate(**{"kind": "photo", "original_name": "market.png", **kw})


def add(db: Database, actor: Actor, store: BlobStore, content: bytes, **kw: Any) -> Evidence:
    with db.session() as s:
        return evidence.add(s, actor, store, io.BytesIO(content), meta(**kw))


def test_add_stores_once_records_custody_and_audits(
    db: Database, store: BlobStore, make_actor: MakeActor
) -> None:
    doc = make_actor(Role.DOCUMENTER)
    ev = event(db, doc)
    when = datetime(2024, 3, 2, 10, 30, tzinfo=UTC)
    first = add(db, doc, store, PNG_HEAD, event_id=ev, collected_by="Field team 3",
                collected_at=when, notes="taken from the roof")  # fmt: skip
    assert not first.duplicate and first.size == len(PNG_HEAD)
    assert first.extracted == {"detected_type": "image/png", "width": 320, "height": 240}
    assert first.media_type == "image/png"
    with db.session() as s:
        kinds = [e.kind for e in custody.entries_for(s, first.sha256)]
        assert kinds == [Kind.COLLECTED, Kind.RECEIVED]
        collected = custody.entries_for(s, first.sha256)[0]
        # The log commits to the statement without holding its text.
        assert "Field team 3" not in collected.data.decode()
        assert collected.details["evidence_id"] == first.id
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.entity_id == first.id)) == (
            "create"
        )
        stored = s.get(Evidence, first.id)
        assert stored is not None and stored.collected_by == "Field team 3"
    # Same file, same event: the record on file, nothing stored or logged again.
    again = add(db, doc, store, PNG_HEAD, event_id=ev)
    assert again.duplicate and again.id == first.id
    # Same file, another event: one blob, a second record.
    other = add(db, doc, store, PNG_HEAD, event_id=event(db, doc))
    assert not other.duplicate and other.id != first.id and other.sha256 == first.sha256
    blobs = [p for p in store.root.rglob("*") if p.is_file() and ".incoming" not in p.parts]
    assert len(blobs) == 1
    with db.session() as s:
        assert len(custody.entries_for(s, first.sha256)) == 4


def test_collector_fields_are_encrypted_at_rest(
    db: Database, store: BlobStore, make_actor: MakeActor
) -> None:
    doc = make_actor(Role.DOCUMENTER)
    rec = add(db, doc, store, b"statement", event_id=event(db, doc), collected_by="Amira Haddad",
              original_name="amira.txt", kind="witness_statement")  # fmt: skip
    with db.engine.connect() as conn:
        raw = conn.exec_driver_sql(
            "SELECT collected_by, original_name FROM evidence WHERE id = ?"
            if db.dialect == "sqlite"
            else "SELECT collected_by, original_name FROM evidence WHERE id = %s",
            (rec.id,),
        ).one()
    assert "Amira" not in raw[0] and "amira" not in raw[1]


def test_permissions_and_visibility(db: Database, store: BlobStore, make_actor: MakeActor) -> None:
    admin, partner = make_actor(Role.ADMIN), make_actor(Role.PARTNER_VIEWER)
    documenter = make_actor(Role.DOCUMENTER)
    red_event = event(db, admin, "RED")
    with pytest.raises(Forbidden):
        add(db, partner, store, b"x", event_id=event(db, admin, "CLEAR"))
    with pytest.raises(ValidationFailed) as unknown:
        add(db, documenter, store, b"x", event_id=red_event)  # above a documenter's clearance
    assert unknown.value.errors[0].field == "event_id"
    with pytest.raises(ValidationFailed) as bad_kind:
        add(db, admin, store, b"x", event_id=red_event, kind="rumour")
    assert bad_kind.value.errors[0].field == "kind"
    assert not any(p.is_file() for p in store.root.rglob("*"))  # refused before storing
    rec = add(db, admin, store, b"red file", event_id=red_event, tlp="RED")
    with db.session() as s, pytest.raises(NotFound):
        evidence.get(s, documenter, rec.id)
    with db.session() as s:
        evidence.get(s, admin, rec.id)
        reads = s.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == rec.id, AuditEntry.action == "read")
        ).all()
        assert len(reads) == 1  # a protected record: its read is audited


def test_partner_sees_no_collector(db: Database, store: BlobStore, make_actor: MakeActor) -> None:
    admin, partner = make_actor(Role.ADMIN), make_actor(Role.PARTNER_VIEWER)
    rec = add(db, admin, store, b"green", event_id=event(db, admin, "GREEN"), tlp="GREEN",
              collected_by="Local monitor", notes="met at the checkpoint")  # fmt: skip
    with db.session() as s:
        shown = evidence_public(s, partner, evidence.get(s, partner, rec.id))
        assert shown.statement.withheld and shown.statement.collected_by is None
        assert shown.statement.notes is None
        full = evidence_public(s, admin, evidence.get(s, admin, rec.id))
        assert full.statement.collected_by == "Local monitor"


def test_list_for_event_and_person(db: Database, store: BlobStore, make_actor: MakeActor) -> None:
    admin, analyst = make_actor(Role.ADMIN), make_actor(Role.ANALYST)
    ev = event(db, admin, "GREEN")
    with db.session() as s:
        person = persons.create(s, admin, PersonCreate(names=[NameIn(value="N")], tlp="GREEN")).id
    a = add(db, admin, store, b"one", event_id=ev, tlp="GREEN")
    add(db, admin, store, b"two", event_id=ev, tlp="RED")
    b = add(db, admin, store, b"three", person_id=person, tlp="GREEN")

    def ids(rows: list[Evidence]) -> list[Any]:
        return [evidence_public(s, analyst, r) for r in rows]

    with db.session() as s:
        page = evidence.list_for_event(s, analyst, ev, ids)
        assert [e.id for e in page.items] == [a.id] and page.total == 1
        by_person = evidence.list_for(s, analyst, None, person, 1, 50, ids)
        assert [e.id for e in by_person.items] == [b.id]


def test_open_content_round_trip_logs_access(
    db: Database, store: BlobStore, make_actor: MakeActor
) -> None:
    admin = make_actor(Role.ADMIN)
    content = os.urandom(5000)  # several chunks of 1 KiB
    rec = add(db, admin, store, content, event_id=event(db, admin))
    with db.session() as s:
        _, chunks = evidence.open_content(s, admin, store, rec.id)
    assert b"".join(chunks) == content
    with db.session() as s:
        assert custody.entries_for(s, rec.sha256)[-1].kind == Kind.ACCESSED
        via = s.scalars(select(AuditEntry.detail).where(AuditEntry.entity_id == rec.id)).all()
        assert {"via": "content"} in via


def test_verify_store_names_damaged_file_and_log(
    db: Database, store: BlobStore, make_actor: MakeActor
) -> None:
    admin = make_actor(Role.ADMIN)
    key = LogKey.generate()
    ev = event(db, admin)
    good = add(db, admin, store, b"good file", event_id=ev)
    bad = add(db, admin, store, b"file to damage", event_id=ev, original_name="damaged.jpg")
    with db.session() as s:
        custody.sign_head(s, key)
    with db.session() as s:
        report = evidence.verify_store(s, store, key)
    assert report.ok and report.files == 2 and report.custody_entries == 4
    path = store.path_of(bad.sha256)
    path.chmod(0o600)
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01
    path.write_bytes(bytes(data))
    with db.session() as s:
        report = evidence.verify_store(s, store, key)
    assert not report.ok and len(report.damaged) == 1
    assert bad.sha256 in report.damaged[0].item and "damaged.jpg" in report.damaged[0].item
    assert good.sha256 not in report.damaged[0].item
    good_path = store.path_of(good.sha256)
    good_path.chmod(0o600)
    good_path.unlink()
    with db.session() as s:
        report = evidence.verify_store(s, store, key)
    assert len(report.damaged) == 2
    missing = [d for d in report.damaged if good.sha256 in d.item]
    assert missing and "no stored evidence file" in missing[0].detail
