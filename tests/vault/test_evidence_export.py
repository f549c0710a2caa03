"""An event's evidence exported for a recipient, on SQLite and PostgreSQL: consent decides which
files go, persons are pseudonymised, and the bundle verifies standalone."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.conftest import MakeActor
from tests.seeding import Seeder

from tocsin.cases import consent as consents
from tocsin.cases.schemas import ConsentWithdrawIn, NameIn
from tocsin.core.access import Actor
from tocsin.core.crypto import active_keyring
from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, NotFound, ValidationFailed
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.vault import verify_bundle
from tocsin.vault.blobs import BlobStore
from tocsin.vault.evidence import statement_digest
from tocsin.vault.evidence_export import EvidenceExport, export_event
from tocsin.vault.models import CustodyEntry
from tocsin.vault.signing import LogKey
from tocsin.vault.vault_key import VaultKey

KEY = LogKey.generate()
WITNESS = "Nadia Witness-Hamdan"
VICTIM = "Samir Victim-Haddad"
COLLECTOR = "Monitor Kestrel"


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs", VaultKey.generate(), chunk_size=256)


class Case:
    """One event: a scene photo (no person), a victim's photo (consent to the ICC) and a
    witness statement (consent to the UN mechanism only)."""

    def __init__(self, db: Database, store: BlobStore, actor: Actor) -> None:
        seed = Seeder(db, actor, store)
        self.event = seed.event("AMBER").id
        self.victim = seed.person("AMBER", names=[NameIn(value=VICTIM)]).id
        self.witness = seed.person("AMBER", names=[NameIn(value=WITNESS)]).id
        self.victim_consent = seed.consent("AMBER", person_id=self.victim, share_with=["icc"]).id
        self.witness_consent = seed.consent(
            "AMBER", person_id=self.witness, share_with=["un_mechanism"]
        ).id
        self.scene = seed.evidence("AMBER", event_id=self.event, collected_by=COLLECTOR,
                                   capture_device="Phone serial 4471").id  # fmt: skip
        self.victim_photo = seed.evidence("AMBER", event_id=self.event, person_id=self.victim,
                                          collected_by=COLLECTOR, notes="taken at the clinic",
                                          collected_at="2024-03-02T12:00:00+03:00").id  # fmt: skip
        made = seed.statement("AMBER", event_id=self.event, witness_id=self.witness)
        self.statement, self.statement_secret = made.id, made.secret


def export(db: Database, store: BlobStore, actor: Actor, case: Case, out: Path,
           recipient: str = "icc", **kw: Any) -> EvidenceExport:  # fmt: skip
    with db.session() as s:
        return export_event(s, actor, store, KEY, case.event, recipient, out, **kw)


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def records_in(path: Path) -> dict[str, dict[str, Any]]:
    out = {}
    for name, data in members(path).items():
        if name.startswith("metadata/"):
            for rec in json.loads(data)["metadata"]["records"]:
                out[rec["evidence_id"]] = rec
    return out


def test_consent_decides_and_persons_are_pseudonymised(
    db: Database, store: BlobStore, make_actor: MakeActor, tmp_path: Path
) -> None:
    analyst = make_actor(Role.ANALYST)
    case = Case(db, store, analyst)
    done = export(db, store, analyst, case, tmp_path / "icc.zip")

    assert sorted(done.exported) == sorted([case.scene, case.victim_photo])
    assert [(w.evidence_id, w.reason) for w in done.withheld] == [
        (case.statement, "the person it concerns did not consent to sharing with icc")
    ]
    report = verify_bundle.verify(str(done.summary.path), KEY.public_raw().hex())
    assert not report.problems and "INTACT" in report.verdict

    raw = (tmp_path / "icc.zip").read_bytes()
    content = b"".join(members(tmp_path / "icc.zip").values())
    for secret in (WITNESS, VICTIM, COLLECTOR, "Phone serial", "clinic", case.statement_secret):
        assert secret.encode() not in raw and secret.encode() not in content, secret
    recs = records_in(tmp_path / "icc.zip")
    photo = recs[case.victim_photo]
    assert photo["person"] == {"ref": active_keyring().pseudonym("person", case.victim)}
    assert photo["collected_by"] == "withheld" and photo["notes"] == "withheld"
    assert photo["original_name"].startswith("document-") and "statement" not in photo
    assert photo["collected_at"] == "2024-03-02T09:00:00+00:00"
    assert recs[case.scene]["person"] is None and recs[case.scene]["capture_device"] == "withheld"

    # The statement's witness agreed to the UN mechanism: there it goes, and the ICC's files don't.
    un = export(db, store, analyst, case, tmp_path / "un.zip", recipient="un_mechanism")
    assert sorted(un.exported) == sorted([case.scene, case.statement])
    assert {w.evidence_id for w in un.withheld} == {case.victim_photo}


def test_every_custody_entry_of_a_file_goes_with_it(
    db: Database, store: BlobStore, make_actor: MakeActor, tmp_path: Path
) -> None:
    analyst = make_actor(Role.ANALYST)
    case = Case(db, store, analyst)
    done = export(db, store, analyst, case, tmp_path / "b.zip")
    files = members(tmp_path / "b.zip")
    entries = [json.loads(line) for line in files["custody/entries.jsonl"].splitlines()]
    exported = {f.sha256 for f in done.summary.files}
    with db.session() as s:
        expected = s.scalar(select(func.count()).select_from(CustodyEntry)
                            .where(CustodyEntry.subject_sha256.in_(exported)))  # fmt: skip
    assert len(entries) == expected
    kinds = sorted(e["kind"] for e in entries)
    assert kinds == ["collected"] * 2 + ["exported"] * 2 + ["received"] * 2
    # Each exported entry says which records left and under which consent.
    exports = {tuple(e["details"]["evidence_ids"]): e["details"]["consent_ids"]
               for e in entries if e["kind"] == "exported"}  # fmt: skip
    assert exports == {(case.scene,): [], (case.victim_photo,): [case.victim_consent]}


def test_identified_export_names_persons_and_lets_the_statement_be_checked(
    db: Database, store: BlobStore, make_actor: MakeActor, tmp_path: Path
) -> None:
    coordinator = make_actor(Role.COORDINATOR)
    case = Case(db, store, coordinator)
    done = export(db, store, coordinator, case, tmp_path / "b.zip", identify=True)
    assert done.identified == [case.victim]
    photo = records_in(tmp_path / "b.zip")[case.victim_photo]
    assert photo["person"] == {"ref": case.victim, "names": [VICTIM]}
    assert photo["collected_by"] == COLLECTOR and photo["notes"] == "taken at the clinic"
    # The bundle's own custody entry commits to the statement: recompute it from what is disclosed.
    files = members(tmp_path / "b.zip")
    collected = [json.loads(line) for line in files["custody/entries.jsonl"].splitlines()
                 if json.loads(line)["details"].get("evidence_id") == case.victim_photo
                 and json.loads(line)["kind"] == "collected"]  # fmt: skip
    digest = statement_digest(photo["statement"], photo["statement_salt"])
    assert [c["details"]["statement_sha256"] for c in collected] == [digest]
    with db.session() as s:
        actions = s.scalars(select(AuditEntry.action).where(
            AuditEntry.entity_type == "evidence_bundle")).all()  # fmt: skip
    assert sorted(actions) == ["export", "identify"]
    assert hashlib.sha256(files[f"files/{done.summary.files[0].sha256}"]).hexdigest() == (
        done.summary.files[0].sha256
    )


def test_withdrawn_consent_and_publication_rules(
    db: Database, store: BlobStore, make_actor: MakeActor, tmp_path: Path
) -> None:
    coordinator = make_actor(Role.COORDINATOR)
    case = Case(db, store, coordinator)
    with db.session() as s:
        consents.withdraw(s, coordinator, case.witness_consent, ConsentWithdrawIn(reason="asked"))
    un = export(db, store, coordinator, case, tmp_path / "un.zip", recipient="un_mechanism")
    assert dict((w.evidence_id, w.reason) for w in un.withheld)[case.statement] == (
        "the person it concerns withdrew consent"
    )
    seed = Seeder(db, coordinator, store)
    red = seed.evidence("RED", event_id=case.event).id
    pub = export(db, store, coordinator, case, tmp_path / "pub.zip", recipient="publication")
    assert pub.exported == [case.scene]
    assert dict((w.evidence_id, w.reason) for w in pub.withheld)[red] == (
        "a RED file is never published"
    )


def test_refusals_write_nothing(
    db: Database, store: BlobStore, make_actor: MakeActor, tmp_path: Path
) -> None:
    coordinator = make_actor(Role.COORDINATOR)
    case = Case(db, store, coordinator)
    seed = Seeder(db, coordinator, store)
    red = seed.bundle_event("RED").id
    # The event's only file concerns a person with no consent on file: nothing may go.
    other = seed.event("AMBER").id
    seed.evidence("AMBER", event_id=other, person_id=seed.person("AMBER").id)
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(CustodyEntry))
    with pytest.raises(Forbidden):
        export(db, store, make_actor(Role.DOCUMENTER), case, tmp_path / "a.zip")
    with pytest.raises(Forbidden):
        export(db, store, make_actor(Role.ANALYST), case, tmp_path / "a.zip", identify=True)
    with pytest.raises(Forbidden):
        export(db, store, make_actor(Role.PARTNER_VIEWER), case, tmp_path / "a.zip")
    with db.session() as s, pytest.raises(NotFound):
        export_event(s, make_actor(Role.ANALYST), store, KEY, red, "icc", tmp_path / "a.zip")
    with pytest.raises(ValidationFailed) as bad:
        export(db, store, coordinator, case, tmp_path / "a.zip", recipient="my cousin")
    assert bad.value.errors[0].field == "recipient"
    with db.session() as s, pytest.raises(ValidationFailed) as none:
        export_event(s, coordinator, store, KEY, other, "icc", tmp_path / "a.zip")
    assert "no evidence of this event may go to icc" in none.value.detail
    assert "no consent on file" in none.value.detail
    assert not (tmp_path / "a.zip").exists()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(CustodyEntry)) == before
