"""Backup and restore: everything round-trips, across backends, and a bad archive writes nothing."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError

from tocsin.cases import consent, events, organisations, persons, sources
from tocsin.cases.models import Person
from tocsin.cases.schemas import (
    ConsentCreate,
    ConsentWithdrawIn,
    EventCreate,
    NameIn,
    OrganisationCreate,
    PersonCreate,
    PlaceIn,
    SourceCreate,
)
from tocsin.core.access import Actor
from tocsin.core.auth import actor_for, authenticate, create_user
from tocsin.core.backup import (
    KEY_MEMBER,
    MANIFEST,
    create_backup,
    restore_backup,
)
from tocsin.core.crypto import KeyRing, install_keyring
from tocsin.core.db import Database
from tocsin.core.errors import Conflict, ValidationFailed
from tocsin.core.models import AuditEntry, LoginAttempt
from tocsin.core.rawstore import primary_key, raw_table
from tocsin.core.registry import load_models
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

PG_URL = os.environ.get("TOCSIN_TEST_POSTGRES_URL")
NAMES = ("Amina Yusuf Haddad", "أمينة يوسف")
PASSWORD = "correct horse battery"  # the conftest's make_actor password

Rows = dict[str, list[tuple[Any, ...]]]


@pytest.fixture(autouse=True)
def _session_ring(keyring: KeyRing) -> Iterator[None]:
    """Restore installs the archive's ring; give the other tests theirs back."""
    yield
    install_keyring(keyring)


@pytest.fixture
def targets(tmp_path: Path) -> Iterator[Callable[[str, Settings], Settings]]:
    """``target(dialect, like)``: settings for a brand-new, empty store (no schema, no files)."""
    made: list[str] = []

    def target(dialect: str, like: Settings) -> Settings:
        root = tmp_path / f"target-{len(made)}"
        url = f"sqlite:///{root / 'tocsin.sqlite3'}"
        if dialect == "postgresql":
            if not PG_URL:
                pytest.skip("no PostgreSQL test server (set TOCSIN_TEST_POSTGRES_URL)")
            name = f"tocsin_restore_{uuid.uuid4().hex[:8]}"
            _pg_admin(f'CREATE DATABASE "{name}"')
            url = PG_URL.rsplit("/", 1)[0] + "/" + name
        made.append(url)
        root.mkdir()
        return replace(like, data_dir=root, database_url=url,
                       key_file=root / "keys" / "tocsin.keys", evidence_dir=root / "evidence")

    yield target
    for url in made:
        if url.startswith("postgresql"):
            _pg_admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def _pg_admin(sql: str) -> None:
    assert PG_URL
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def _settings(root: Path, db: Database, keyring: KeyRing) -> Settings:
    (root / "evidence").mkdir(parents=True)
    keyring.save(root / "keys" / "tocsin.keys")
    return Settings(data_dir=root, database_url=db.url, key_file=root / "keys" / "tocsin.keys",
                    evidence_dir=root / "evidence")


def populate(db: Database, settings: Settings, actor: Actor) -> str:
    """A small case file through the real services: every table that matters gets rows."""
    with db.session() as s:
        person = persons.create(s, actor, PersonCreate(
            names=[NameIn(value=NAMES[0]), NameIn(value=NAMES[1], script="Arab", language="ar")],
            sex="female", birth_date="1990-03", identities={"ethnicity": "Example"},
            contact={"phone": "+000 555 0101"}, roles=["victim"], notes="seen at the tollgate",
        ))
        events.create(s, actor, EventCreate(
            title="Shelling of the market", start="2024-05-03", end="2024-05-04",
            place=PlaceIn(name="Market", country="SD", lat=13.5, lon=25.25),
        ))
        parent = None
        for i in range(6):  # a chain, so some child ids sort before their parent's
            org = organisations.create(s, actor, OrganisationCreate(
                name=f"Unit {i}", kind="unit", parent_id=parent, aliases=[f"U{i}"]))
            parent = org.id
        sources.create(s, actor, SourceCreate(
            title="Interview", source_type="interview", obtained_on=date(2024, 5, 6),
            person_id=person.id))
        given = consent.create(s, actor, ConsentCreate(
            person_id=person.id, share_with=["icc"], given_on=date(2024, 5, 6),
            recorded_how="written_signed", notes="agreed to the ICC only"))
        consent.withdraw(s, actor, given.id, ConsentWithdrawIn(reason="fears reprisals"))
    with db.session() as s:
        authenticate(s, settings, actor.email, PASSWORD, ip="10.0.0.1")
    return person.id


def add_evidence(settings: Settings) -> dict[str, bytes]:
    files = {"ab/cd/abcdef.bin": bytes(range(256)) * 40, "notes.txt": "بيان\n".encode(),
             "ab/other.jpg": os.urandom(3000)}
    for rel, data in files.items():
        (settings.evidence_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (settings.evidence_dir / rel).write_bytes(data)
    return files


def raw_rows(db: Database) -> Rows:
    """Every table as stored (ciphertext, not names), in primary-key order."""
    out: Rows = {}
    with db.engine.connect() as conn:
        for t in load_models().sorted_tables:
            raw = raw_table(t)
            rows = conn.execute(select(raw).order_by(*primary_key(t, raw)))
            out[t.name] = [tuple(r) for r in rows]
    return out


def evidence_of(settings: Settings) -> dict[str, bytes]:
    root = settings.evidence_dir
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def assert_same_store(before: Rows, after: Rows) -> None:
    """Identical table by table; the restored audit log ends with the restore's own entry."""
    for name, rows in before.items():
        got = after[name][:-1] if name == "audit_log" else after[name]
        assert got == rows, f"table {name} differs after restore"
    action = AuditEntry.__table__.c.action
    assert after["audit_log"][-1][list(AuditEntry.__table__.c).index(action)] == "restore"


def test_round_trip_into_a_fresh_store(
    db: Database, settings: Settings, make_actor: Any, targets: Any, tmp_path: Path
) -> None:
    populate(db, settings, make_actor(Role.ADMIN))
    files = add_evidence(settings)
    before = raw_rows(db)
    stages: set[str] = set()
    report = create_backup(db, settings, tmp_path / "store.tar.gz",
                           lambda stage, done, total: stages.add(stage))
    assert report.path.stat().st_mode & 0o777 == 0o600
    assert report.evidence_files == 3 and report.tables["persons"] == 1
    assert report.rows == sum(len(rows) for rows in before.values())

    target = targets(db.dialect, settings)
    restored = restore_backup(report.path, target, lambda stage, done, total: stages.add(stage))
    assert {"database", "evidence", "verify"} <= stages
    assert restored.tables == report.tables
    fresh = Database(target.database_url)
    try:
        assert_same_store(before, raw_rows(fresh))
        # Counters moved past the restored ids: new rows do not collide with old ones.
        with fresh.session() as s:
            s.execute(insert(LoginAttempt).values(email="x@example.org", success=False))
    finally:
        fresh.dispose()
    assert target.key_file.read_bytes() == settings.key_file.read_bytes()
    assert target.key_file.stat().st_mode & 0o777 == 0o600
    assert evidence_of(target) == files


def test_manifest_lists_every_member_with_its_digest(
    db: Database, settings: Settings, make_actor: Any, tmp_path: Path
) -> None:
    populate(db, settings, make_actor(Role.ADMIN))
    add_evidence(settings)
    path = create_backup(db, settings, tmp_path / "store.tar").path
    with tarfile.open(path) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]
    manifest = json.loads(members.pop(MANIFEST))
    assert manifest["format"] == "tocsin-backup/1" and manifest["alembic_revision"]
    assert manifest["members"] == {n: hashlib.sha256(d).hexdigest() for n, d in members.items()}
    assert list(manifest["tables"]) == [t.name for t in load_models().sorted_tables]
    persons_dump = [json.loads(line) for line in members["db/person_names.jsonl"].splitlines()]
    assert len(persons_dump) == manifest["tables"]["person_names"] == 2
    assert all(row["value"].startswith("t1.") for row in persons_dump)


def test_backup_never_holds_a_name_in_clear(
    db: Database, settings: Settings, make_actor: Any, tmp_path: Path
) -> None:
    populate(db, settings, make_actor(Role.ADMIN))
    path = create_backup(db, settings, tmp_path / "store.tar.gz").path
    with tarfile.open(path) as tar:
        blob = b"".join(tar.extractfile(m).read() for m in tar if m.isfile())  # type: ignore[union-attr]
    for secret in (*NAMES, "Haddad", "+000 555 0101", "tollgate", "reprisals"):
        assert secret.encode() not in blob
        assert json.dumps(secret).encode() not in blob  # nor JSON-escaped


def test_restore_refuses_a_store_in_use_unless_forced(
    db: Database, settings: Settings, make_actor: Any, tmp_path: Path
) -> None:
    actor = make_actor(Role.ADMIN)
    populate(db, settings, actor)
    before = raw_rows(db)
    path = create_backup(db, settings, tmp_path / "store.tar.gz").path
    with pytest.raises(Conflict, match="already holds data"):
        restore_backup(path, settings)
    with db.session() as s:  # a change made after the backup, which force throws away
        events.create(s, actor, EventCreate(title="later", start="2025"))
    restore_backup(path, settings, force=True)
    assert_same_store(before, raw_rows(db))
    with db.engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        # The wipe lifted the audit log's guard only for itself.
        conn.execute(text("DELETE FROM audit_log"))


def _rewrite(
    src: Path, dest: Path, change: Callable[[str, bytes], bytes | None],
    extra: Sequence[tuple[tarfile.TarInfo, bytes]] = (), fix_manifest: bool = False,
) -> None:
    """Copy an archive member by member, letting ``change`` alter (or drop, with None) each."""
    with tarfile.open(src) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar if m.isfile()]  # type: ignore[union-attr]
    out: list[tuple[tarfile.TarInfo, bytes]] = []
    for m, data in members:
        new = change(m.name, data)
        if new is not None:
            out.append((m, new))
    out += list(extra)
    if fix_manifest:
        manifest = json.loads(dict((m.name, d) for m, d in out)[MANIFEST])
        manifest["members"] = {m.name: hashlib.sha256(d).hexdigest() for m, d in out
                               if m.name != MANIFEST}
        out = [(m, json.dumps(manifest).encode() if m.name == MANIFEST else d) for m, d in out]
    with tarfile.open(dest, "w:gz") as tar:
        for m, data in out:
            if not m.isfile():
                tar.addfile(m)
                continue
            m.size = len(data)
            tar.addfile(m, io.BytesIO(data))


def assert_nothing_written(target: Settings) -> None:
    assert not target.key_file.exists()
    assert not target.evidence_dir.exists() or not any(target.evidence_dir.iterdir())
    assert not any(p.name.startswith(".tocsin-restore") for p in target.data_dir.iterdir())
    db = Database(target.database_url)
    try:
        assert inspect(db.engine).get_table_names() == []
    finally:
        db.dispose()


@pytest.fixture
def archive(sqlite_db: Database, keyring: KeyRing, tmp_path: Path) -> Path:
    settings = _settings(tmp_path / "source", sqlite_db, keyring)
    add_evidence(settings)
    with sqlite_db.session() as s:
        actor = actor_for(create_user(s, "a@example.org", PASSWORD, Role.ADMIN))
        persons.create(s, actor, PersonCreate(names=[NameIn(value=NAMES[0])]))
    return create_backup(sqlite_db, settings, tmp_path / "good.tar.gz").path


def test_a_tampered_member_is_refused_and_nothing_is_written(
    archive: Path, targets: Any, tmp_path: Path
) -> None:
    def flip(name: str, data: bytes) -> bytes:
        if name != "db/person_names.jsonl":
            return data
        at = data.index(b"t1.") + 10
        return data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]

    _rewrite(archive, tmp_path / "bad.tar.gz", flip)
    target = targets("sqlite", Settings(tmp_path, "sqlite://", tmp_path / "k", tmp_path / "e"))
    with pytest.raises(ValidationFailed, match=r"db/person_names\.jsonl does not match"):
        restore_backup(tmp_path / "bad.tar.gz", target)
    assert_nothing_written(target)


def test_a_damaged_file_is_refused(archive: Path, targets: Any, tmp_path: Path) -> None:
    raw = bytearray(archive.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    (tmp_path / "bad.tar.gz").write_bytes(bytes(raw))
    target = targets("sqlite", Settings(tmp_path, "sqlite://", tmp_path / "k", tmp_path / "e"))
    with pytest.raises(ValidationFailed):
        restore_backup(tmp_path / "bad.tar.gz", target)
    assert_nothing_written(target)


def _member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return info


@pytest.mark.parametrize(
    "member",
    [
        _member("evidence/../../escape.txt"),
        _member("/var/tmp/tocsin-escape.txt"),  # noqa: S108 - the attack under test
        _member("evidence/ok/../../../escape.txt"),
        _member("evidence/link", tarfile.SYMTYPE, "/etc/passwd"),
        _member("evidence/hard", tarfile.LNKTYPE, "keys/tocsin.keys"),
        _member("../escape.txt"),
        _member("other/file.txt"),
    ],
    ids=lambda m: m.name,
)
def test_members_outside_the_store_are_refused(
    member: tarfile.TarInfo, archive: Path, targets: Any, tmp_path: Path
) -> None:
    # The manifest is fixed up too, so only the path check stands between the member and disk.
    _rewrite(archive, tmp_path / "evil.tar.gz", lambda n, d: d,
             extra=[(member, b"pwned")], fix_manifest=True)
    target = targets("sqlite", Settings(tmp_path, "sqlite://", tmp_path / "k", tmp_path / "e"))
    with pytest.raises(ValidationFailed, match=r"refused|unsafe|not part"):
        restore_backup(tmp_path / "evil.tar.gz", target)
    assert_nothing_written(target)
    assert not (tmp_path / "escape.txt").exists() and not (target.data_dir / "escape.txt").exists()


def test_a_missing_member_is_refused(archive: Path, targets: Any, tmp_path: Path) -> None:
    _rewrite(archive, tmp_path / "short.tar.gz", lambda n, d: None if n == KEY_MEMBER else d)
    target = targets("sqlite", Settings(tmp_path, "sqlite://", tmp_path / "k", tmp_path / "e"))
    with pytest.raises(ValidationFailed, match=r"keys/tocsin\.keys"):
        restore_backup(tmp_path / "short.tar.gz", target)
    assert_nothing_written(target)


def test_restore_into_the_other_backend(
    db: Database, settings: Settings, make_actor: Any, targets: Any, tmp_path: Path
) -> None:
    dest = "postgresql" if db.dialect == "sqlite" else "sqlite"
    actor = make_actor(Role.ADMIN)
    person_id = populate(db, settings, actor)
    files = add_evidence(settings)
    before = raw_rows(db)
    path = create_backup(db, settings, tmp_path / "store.tar.gz").path
    target = targets(dest, settings)
    restore_backup(path, target)
    fresh = Database(target.database_url)
    try:
        assert fresh.dialect == dest
        assert_same_store(before, raw_rows(fresh))
        # The restored ciphertext opens with the restored key (views would withhold the
        # names here: the person withdrew consent, so read the model itself).
        with fresh.session() as s:
            person = s.get(Person, person_id)
            assert person is not None and [n.value for n in person.names] == list(NAMES)
            assert person.contact == {"phone": "+000 555 0101"}
    finally:
        fresh.dispose()
    assert evidence_of(target) == files


def test_evidence_stays_readable_in_the_restored_store(
    db: Database, settings: Settings, make_actor: Any, targets: Any, tmp_path: Path
) -> None:
    """The vault key and the custody log key travel with the backup: without them every
    restored evidence file would be ciphertext nobody can open, and the log unverifiable."""
    from tocsin.vault import custody
    from tocsin.vault.store import log_key, open_blob_store

    populate(db, settings, make_actor(Role.ADMIN))
    stored = open_blob_store(settings).put(io.BytesIO(b"a witness statement, recorded"))
    with db.session() as s:
        custody.append(s, None, custody.Kind.COLLECTED, stored.sha256, {"by": "test"})
        custody.sign_head(s, log_key(settings))
    report = create_backup(db, settings, tmp_path / "store.tar.gz")

    target = targets(db.dialect, settings)
    restore_backup(report.path, target)
    assert b"".join(open_blob_store(target).open(stored.sha256)) == (
        b"a witness statement, recorded"
    )
    fresh = Database(target.database_url)
    try:
        with fresh.session() as s:
            assert custody.verify_log(s, log_key(target).public).ok
    finally:
        fresh.dispose()
