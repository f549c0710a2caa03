"""Key rotation: values move to the new key, names still open and search, crashes lose nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from tocsin.cases import consent, persons
from tocsin.cases.models import Consent, Person, PersonName
from tocsin.cases.persons import PersonFilters
from tocsin.cases.schemas import ConsentCreate, ConsentWithdrawIn, NameIn, PersonCreate
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.crypto import DecryptionError, KeyRing, active_keyring, install_keyring
from tocsin.core.db import Database
from tocsin.core.errors import Conflict
from tocsin.core.keys import encrypted_tables, rotate_keys, stale_values
from tocsin.core.models import AuditEntry
from tocsin.core.rawstore import raw_table
from tocsin.core.registry import load_models
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

PEOPLE = (
    ("Amina Yusuf Haddad", "أمينة يوسف"),
    ("Jean-Baptiste Mukiza", "Mukiza"),
)
SECRETS = ("Haddad", "Mukiza", "يوسف", "+000 555 0101", "hides in the hills", "fears reprisals")


@pytest.fixture(autouse=True)
def _session_ring(keyring: KeyRing) -> Iterator[None]:
    """Rotation installs a new ring; give the other tests the session's ring back."""
    yield
    install_keyring(keyring)


def populate(db: Database, actor: Actor) -> list[str]:
    ids = []
    with db.session() as s:
        for latin, other in PEOPLE:
            person = persons.create(s, actor, PersonCreate(
                names=[NameIn(value=latin), NameIn(value=other, script="Arab", language="ar")],
                birth_date="1990-03", identities={"ethnicity": "Example"},
                contact={"phone": "+000 555 0101"}, roles=["witness"],
                notes="hides in the hills",
            ))
            given = consent.create(s, actor, ConsentCreate(
                person_id=person.id, share_with=["icc"], given_on=date(2024, 5, 6),
                recorded_how="oral_recorded", notes="agreed on the phone"))
            ids.append(person.id)
        consent.withdraw(s, actor, given.id, ConsentWithdrawIn(reason="fears reprisals"))
    return ids


def ciphertexts(db: Database) -> dict[tuple[str, str, Any], str]:
    """Every stored encrypted value, by (table, column, primary key)."""
    out: dict[tuple[str, str, Any], str] = {}
    with db.engine.connect() as conn:
        for t, cols in encrypted_tables():
            raw = raw_table(t)
            for row in conn.execute(select(raw)):
                for c in cols:
                    if row._mapping[c.name] is not None:
                        out[(t.name, c.name, row._mapping["id"])] = row._mapping[c.name]
    return out


def plaintexts(db: Database, ring: KeyRing) -> dict[tuple[str, str, Any], str]:
    contexts = {(t.name, c.name): c.type.context for t, cols in encrypted_tables() for c in cols}
    return {k: ring.decrypt(v, contexts[k[:2]]) for k, v in ciphertexts(db).items()}


def readable(db: Database) -> dict[str, Any]:
    """What the application reads back through the active ring."""
    with db.session() as s:
        people = s.scalars(select(Person).order_by(Person.id)).all()
        return {
            "names": [[n.value for n in p.names] for p in people],
            "contact": [p.contact for p in people],
            "notes": [p.notes for p in people],
            "consents": sorted(
                (c.notes, c.withdrawn_reason or "") for c in s.scalars(select(Consent))
            ),
        }


def assert_no_clear_names(db: Database) -> None:
    """Read every text cell as stored: no protected value may appear in clear."""
    with db.engine.connect() as conn:
        for t in load_models().sorted_tables:
            for row in conn.execute(select(raw_table(t))):
                cells = " ".join(str(v) for v in row)
                for secret in SECRETS:
                    assert secret not in cells, f"{secret!r} in clear in {t.name}"
    if db.dialect == "sqlite":
        path = Path(db.url.removeprefix("sqlite:///"))
        for file in (path, path.with_name(path.name + "-wal")):
            if file.exists():
                blob = file.read_bytes()
                assert not any(secret.encode() in blob for secret in SECRETS)


def key_file_ids(path: Path) -> set[str]:
    return set(json.loads(path.read_text())["keys"])


def test_rotation_moves_every_value_to_the_new_key(
    db: Database, settings: Settings, make_actor: Any, keyring: KeyRing
) -> None:
    actor = make_actor(Role.ADMIN)
    ids = populate(db, actor)
    assert_no_clear_names(db)
    old_id = keyring.current
    before_raw, before_plain, before_read = ciphertexts(db), plaintexts(db, keyring), readable(db)
    assert {KeyRing.key_id_of(v) for v in before_raw.values()} == {old_id}

    seen: list[tuple[str, int, int]] = []
    report = rotate_keys(db, settings, lambda *a: seen.append(a))

    new_id = report.new_key
    assert new_id != old_id and report.retired == [old_id]
    after_raw = ciphertexts(db)
    assert after_raw.keys() == before_raw.keys()
    assert {KeyRing.key_id_of(v) for v in after_raw.values()} == {new_id}
    assert report.values == len(before_raw) and report.tables["person_names"] == 4
    # The key file now holds only the new key, owner-only, and no stray copy of the old one.
    assert key_file_ids(settings.key_file) == {new_id}
    assert settings.key_file.stat().st_mode & 0o777 == 0o600
    assert not list(settings.key_file.parent.glob("*.previous-*"))
    ring = KeyRing.load(settings.key_file)
    assert active_keyring().current == new_id
    assert plaintexts(db, ring) == before_plain
    assert readable(db) == before_read
    with pytest.raises(DecryptionError):
        keyring.decrypt(next(iter(after_raw.values())), "person_names.value")
    assert seen and seen[-1][0] == "re-encrypt" and seen[-1][1] == seen[-1][2]

    # Blind tokens come from the index key, which does not rotate: search still finds people,
    # except the last, whose consent was withdrawn (withdrawal takes a person out of search).
    with db.session() as s:
        for index, ((latin, _), pid) in enumerate(zip(PEOPLE, ids, strict=True)):
            expected = [] if index == len(PEOPLE) - 1 else [pid]
            for query in (latin.split()[0].lower(), latin.split()[-1].upper()):
                page = persons.list_persons(s, actor, PersonFilters(name=query), 1, 10)
                assert [p.id for p in page.items] == expected
    assert_no_clear_names(db)
    with db.session() as s:
        rotated = select(AuditEntry).where(AuditEntry.action == audit.Action.KEYS_ROTATED)
        entry = s.scalars(rotated).one()
        assert entry.detail["values"] == len(before_raw) and entry.detail["retired"] == [old_id]


def test_rotating_twice(
    db: Database, settings: Settings, make_actor: Any, keyring: KeyRing
) -> None:
    populate(db, make_actor(Role.ADMIN))
    before = plaintexts(db, keyring)
    first = rotate_keys(db, settings)
    second = rotate_keys(db, settings)
    assert second.retired == [first.new_key]
    assert key_file_ids(settings.key_file) == {second.new_key}
    assert plaintexts(db, KeyRing.load(settings.key_file)) == before


def test_a_crash_after_commit_loses_nothing(
    db: Database, settings: Settings, make_actor: Any, keyring: KeyRing,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    populate(db, make_actor(Role.ADMIN))
    before = plaintexts(db, keyring)
    old_file = settings.key_file.read_bytes()

    def crash(self: KeyRing) -> list[str]:
        raise SystemExit("power cut")

    monkeypatch.setattr(KeyRing, "retire_all_but_current", crash)
    with pytest.raises(SystemExit):
        rotate_keys(db, settings)
    # The rows moved to the new key; the key file on disk still opens every one of them.
    on_disk = KeyRing.load(settings.key_file)
    assert key_file_ids(settings.key_file) == {keyring.current, on_disk.current}
    assert {KeyRing.key_id_of(v) for v in ciphertexts(db).values()} == {on_disk.current}
    assert plaintexts(db, on_disk) == before
    copies = list(settings.key_file.parent.glob("tocsin.keys.previous-*"))
    assert [c.read_bytes() for c in copies] == [old_file]
    assert copies[0].stat().st_mode & 0o777 == 0o600

    monkeypatch.undo()  # the operator runs it again
    report = rotate_keys(db, settings)
    assert sorted(report.retired) == sorted([keyring.current, on_disk.current])
    assert plaintexts(db, KeyRing.load(settings.key_file)) == before


def test_a_failed_reencryption_changes_no_row(
    db: Database, settings: Settings, make_actor: Any, keyring: KeyRing
) -> None:
    ids = populate(db, make_actor(Role.ADMIN))
    with db.session() as s:  # one value sealed for another column cannot be opened there
        bad = keyring.encrypt("x", "person_names.value")
        s.execute(update(raw_table(Person.__table__)).where(text("id = :i")).values(notes=bad),
                  {"i": ids[-1]})
    before = ciphertexts(db)
    with pytest.raises(DecryptionError):
        rotate_keys(db, settings)
    assert ciphertexts(db) == before  # rolled back, every row as it was
    ring = KeyRing.load(settings.key_file)
    assert keyring.current in ring.keys  # the old key stays until a rotation completes
    assert ring.decrypt(before[("person_names", "value", _first_name_id(db))], "person_names.value")


def _first_name_id(db: Database) -> str:
    with db.engine.connect() as conn:
        return str(conn.scalar(select(PersonName.__table__.c.id).order_by("id").limit(1)))


def test_a_value_written_under_an_old_key_during_rotation_stops_retirement(
    db: Database, settings: Settings, make_actor: Any, keyring: KeyRing,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    populate(db, make_actor(Role.ADMIN))
    import tocsin.core.keys as keys

    real = keys.stale_values

    def server_still_on_old_ring(database: Database, current: str) -> int:
        # A server process that never saw the new ring writes one more name, just after commit.
        with database.session() as s:
            install_keyring(keyring)
            s.add(PersonName(person_id=s.scalars(select(Person.id)).first(), value="Late Name"))
        return real(database, current)

    monkeypatch.setattr(keys, "stale_values", server_still_on_old_ring)
    with pytest.raises(Conflict, match="old key"):
        rotate_keys(db, settings)
    ring = KeyRing.load(settings.key_file)
    assert keyring.current in ring.keys and len(ring.keys) == 2  # nothing retired
    assert stale_values(db, ring.current) == 1


def test_rotation_covers_the_evidence_records(
    db: Database, settings: Settings, make_actor: Any, keyring: KeyRing, tmp_path: Path
) -> None:
    """The vault's own encrypted fields (file name, collector, device, notes) move too; the
    files themselves are under the vault key, which this rotation leaves alone."""
    from tests.seeding import Seeder

    from tocsin.vault.blobs import BlobStore
    from tocsin.vault.vault_key import VaultKey

    actor = make_actor(Role.ADMIN)
    store = BlobStore(tmp_path / "blobs", VaultKey.generate())
    made = Seeder(db, actor, store).evidence("AMBER", collected_by="Monitor Owl",
                                              capture_device="Phone 7", notes="roof")  # fmt: skip
    before = {k: v for k, v in plaintexts(db, keyring).items() if k[0] == "evidence"}
    assert {k[1] for k in before} >= {"original_name", "collected_by", "capture_device", "notes"}
    report = rotate_keys(db, settings, None)
    after = {k: v for k, v in ciphertexts(db).items() if k[0] == "evidence"}
    assert {KeyRing.key_id_of(v) for v in after.values()} == {report.new_key}
    ring = KeyRing.load(settings.key_file)
    assert {k: v for k, v in plaintexts(db, ring).items() if k[0] == "evidence"} == before
    assert report.tables["evidence"] == 1 and made.secret in before[("evidence", "original_name",
                                                                     made.id)]  # fmt: skip
