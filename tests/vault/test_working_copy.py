"""Working copies on SQLite and PostgreSQL: metadata gone from the copy, the original intact."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select
from tests.conftest import MakeActor
from tests.seeding import Seeder

from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, NotFound, ValidationFailed
from tocsin.core.roles import Role
from tocsin.vault import evidence, working_copy
from tocsin.vault.blobs import BlobStore
from tocsin.vault.models import CustodyEntry, Evidence
from tocsin.vault.schemas import EvidenceCreate
from tocsin.vault.vault_key import VaultKey


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs", VaultKey.generate(), chunk_size=512)


def content(store: BlobStore, sha256: str) -> bytes:
    return b"".join(store.open(sha256))


def test_copy_drops_the_metadata_and_leaves_the_original(
    db: Database, store: BlobStore, make_actor: MakeActor
) -> None:
    doc = make_actor(Role.DOCUMENTER)
    photo = Seeder(db, doc, store).photo("AMBER")
    with db.session() as s:
        original = s.get(Evidence, photo.id)
        assert original is not None
        before = (original.sha256, content(store, original.sha256))
        # What the file itself says was read at ingest, apart from the collector's statement.
        assert original.extracted["device"]["model"] == photo.secret
        assert original.extracted["gps"]["lat"] == pytest.approx(15.5)
        assert "gps" in original.extracted["metadata_present"]
    with db.session() as s:
        copy = working_copy.make(s, doc, store, photo.id)
        copy_id, copy_sha = copy.id, copy.sha256
        assert copy.derived_from == photo.id and not copy.duplicate
        assert (copy.event_id, copy.tlp, copy.kind) == (original.event_id, original.tlp, "photo")
        assert copy.original_name == f"{photo.secret}-shareable.jpg"
        assert "gps" not in copy.extracted and "device" not in copy.extracted
    data = content(store, copy_sha)
    assert photo.secret.encode() not in data and b"Acme" not in data
    assert not Image.open(io.BytesIO(data)).getexif()
    assert Image.open(io.BytesIO(data)).tobytes() == Image.open(io.BytesIO(before[1])).tobytes()
    assert content(store, before[0]) == before[1] and store.verify(before[0]).ok
    with db.session() as s:
        copied = s.scalars(select(CustodyEntry).where(CustodyEntry.kind == "copied")).one()
        assert copied.subject_sha256 == before[0] and copy_sha.encode() in copied.entry
        again = working_copy.make(s, doc, store, photo.id)
        assert (again.id, again.duplicate) == (copy_id, True)
    with db.session() as s, pytest.raises(ValidationFailed) as twice:
        working_copy.make(s, doc, store, copy_id)
    assert "already a working copy" in twice.value.detail


def test_refusals(db: Database, store: BlobStore, make_actor: MakeActor) -> None:
    coordinator = make_actor(Role.COORDINATOR)
    seed = Seeder(db, coordinator, store)
    document = seed.evidence("AMBER").id
    with db.session() as s, pytest.raises(ValidationFailed) as pdf:
        working_copy.make(s, coordinator, store, document)
    assert pdf.value.errors[0].field == "media_type"
    red = seed.photo("RED").id
    with db.session() as s, pytest.raises(NotFound):
        working_copy.make(s, make_actor(Role.ANALYST), store, red)
    with db.session() as s, pytest.raises(Forbidden):
        working_copy.make(s, make_actor(Role.PARTNER_VIEWER), store, red)
    # A PNG with nothing to remove: the "copy" would be the file itself.
    plain = io.BytesIO()
    Image.new("RGB", (4, 4)).save(plain, "PNG")
    plain.seek(0)
    event = seed.event("AMBER").id
    with db.session() as s:
        bare = evidence.add(s, coordinator, store, plain, EvidenceCreate(
            kind="photo", original_name="bare.png", event_id=event)).id  # fmt: skip
    with db.session() as s, pytest.raises(ValidationFailed) as nothing:
        working_copy.make(s, coordinator, store, bare)
    assert "no metadata to remove" in nothing.value.detail
    with db.session() as s:
        assert s.scalars(select(Evidence).where(Evidence.derived_from.is_not(None))).all() == []
