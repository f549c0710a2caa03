"""Witness statements on SQLite and PostgreSQL: stored as evidence, read back, refused cleanly."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from tests.conftest import MakeActor
from tests.seeding import Seeder

from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, NotFound, ValidationFailed
from tocsin.core.roles import Role
from tocsin.vault import evidence, statements
from tocsin.vault.blobs import BlobStore
from tocsin.vault.models import CustodyEntry, Evidence
from tocsin.vault.schemas import EvidenceCreate, StatementCreate
from tocsin.vault.vault_key import VaultKey


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs", VaultKey.generate(), chunk_size=256)


def form(**kw: Any) -> dict[str, Any]:
    return {"taken_at": "2024-03-02T09:00:00+03:00", "interviewer": "Interviewer Two",
            "language": "ar", "interpreter": "Interpreter Three", "informed_consent": True,
            "consent_notes": "told it may go to a court", "text": "Ils sont venus à l'aube.",
            "agreement": "thumbprint", "place": {"name": "Camp 4", "country": "SD"},
            **kw}  # fmt: skip


def test_statement_is_evidence_with_its_own_custody(
    db: Database, store: BlobStore, make_actor: MakeActor
) -> None:
    doc = make_actor(Role.DOCUMENTER)
    seed = Seeder(db, doc, store)
    event, witness = seed.event("AMBER").id, seed.person("AMBER").id
    with db.session() as s:
        made = statements.record(s, doc, store, StatementCreate(
            **form(event_id=event, witness_id=witness, tlp="AMBER+STRICT")))  # fmt: skip
        made_id, sha = made.id, made.sha256
        assert (made.kind, made.person_id, made.event_id) == ("witness_statement", witness, event)
        assert made.media_type == statements.MEDIA_TYPE and made.collected_by == "Interviewer Two"
    # The text is in the vault, encrypted: not in the stored file, not in the database row.
    assert b"aube" not in store.path_of(sha).read_bytes()
    with db.session() as s:
        got = statements.read(s, doc, store, made_id)
        kinds = s.scalars(select(CustodyEntry.kind).where(CustodyEntry.subject_sha256 == sha)
                          .order_by(CustodyEntry.seq)).all()  # fmt: skip
    assert got.text == "Ils sont venus à l'aube." and got.agreement == "thumbprint"
    assert got.witness_id == witness and got.recorded_by == doc.user_id
    assert got.taken_at.utcoffset() is not None and got.place.country == "SD"
    assert got.evidence_id == made_id and got.informed_consent
    assert kinds == ["collected", "received", "accessed"]


def test_refusals(db: Database, store: BlobStore, make_actor: MakeActor) -> None:
    coordinator = make_actor(Role.COORDINATOR)
    seed = Seeder(db, coordinator, store)
    red_witness = seed.person("RED").id
    with pytest.raises(ValidationError) as no_consent:
        StatementCreate(**form(witness_id=red_witness, informed_consent=False))
    assert no_consent.value.errors()[0]["loc"] == ("informed_consent",)
    with pytest.raises(ValidationError) as bad_language:
        StatementCreate(**form(witness_id=red_witness, language="Arabic"))
    assert bad_language.value.errors()[0]["loc"] == ("language",)
    analyst = make_actor(Role.ANALYST)
    with db.session() as s, pytest.raises(ValidationFailed) as hidden:
        statements.record(s, analyst, store, StatementCreate(**form(witness_id=red_witness)))
    assert hidden.value.errors[0].field == "witness_id"
    with db.session() as s, pytest.raises(Forbidden):
        statements.record(s, make_actor(Role.PARTNER_VIEWER), store,
                          StatementCreate(**form(witness_id=red_witness)))  # fmt: skip
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Evidence)) == 0
    # A statement is RED unless said otherwise: an analyst cannot read one.
    with db.session() as s:
        sid = statements.record(s, coordinator, store,
                                StatementCreate(**form(witness_id=red_witness))).id  # fmt: skip
    with db.session() as s, pytest.raises(NotFound):
        statements.read(s, analyst, store, sid)
    # Another file is not read as a statement.
    with db.session() as s:
        photo = evidence.add(s, coordinator, store, io.BytesIO(b"{}"), EvidenceCreate(
            kind="photo", original_name="a.json", person_id=red_witness)).id  # fmt: skip
    with db.session() as s, pytest.raises(ValidationFailed) as other:
        statements.read(s, coordinator, store, photo)
    assert "not a witness statement" in other.value.detail
