"""Backup and restore: the whole store (database, key file, evidence) in one verifiable archive.

The database is dumped logically, table by table in dependency order, one JSON object per row,
so an archive taken on SQLite restores into PostgreSQL and back. Encrypted columns are copied as
the ciphertext they hold: the archive never holds a protected name in clear and restored rows are
byte-identical. The archive also holds the key file, so it is as sensitive as the store itself
and is written owner-only. The manifest comes last so every digest is of the bytes written.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Table,
    TableClause,
    bindparam,
    column,
    func,
    insert,
    inspect,
    select,
    table,
    text,
    update,
)
from sqlalchemy.types import TypeDecorator, TypeEngine

import tocsin
from tocsin.core import audit, migrate
from tocsin.core.clock import utcnow
from tocsin.core.crypto import KeyRing, install_keyring
from tocsin.core.db import Database
from tocsin.core.errors import ConfigurationError, Conflict, ValidationFailed
from tocsin.core.registry import load_models
from tocsin.core.settings import Settings
from tocsin.core.types import ENCRYPTED_TYPES

FORMAT = "tocsin-backup/1"
MANIFEST = "manifest.json"
KEY_MEMBER = "keys/tocsin.keys"
BATCH = 1000
CHUNK = 1 << 20
# Filled by `tocsin init` on every fresh store, so rows here do not make a store "in use".
SEEDED = frozenset({"vocabulary_terms"})

Progress = Callable[[str, int, int], None]


def silent(stage: str, done: int, total: int) -> None:
    """The progress callback used when the caller shows none."""


@dataclass
class BackupReport:
    path: Path
    tables: dict[str, int]
    rows: int
    evidence_files: int
    size_bytes: int
    alembic_revision: str | None


@dataclass
class RestoreReport:
    tables: dict[str, int]
    rows: int
    evidence_files: int
    alembic_revision: str | None
    replaced_key_file: Path | None = None


# ---- the database as stored -----------------------------------------------------------------


def stored_type(col: Column[Any]) -> TypeEngine[Any]:
    """The type that reads and writes a column's bytes as they are, without decrypting."""
    if isinstance(col.type, ENCRYPTED_TYPES):
        return col.type.impl_instance
    if isinstance(col.type, JSON) and col.nullable:
        # Keep SQL NULL apart from JSON null so a restored row is the row that was dumped.
        return JSON(none_as_null=True)
    return col.type


def raw_table(t: Table) -> TableClause:
    return table(t.name, *(column(c.name, stored_type(c)) for c in t.columns))


def primary_key(t: Table, raw: TableClause) -> list[Any]:
    return [raw.c[c.name] for c in t.primary_key.columns]


def encode(value: Any) -> Any:
    # datetime is a date subclass; isoformat keeps the UTC offset UTCDateTime gives back.
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


def decoder(col: Column[Any]) -> Callable[[Any], Any]:
    """Turn a dumped JSON value back into what the column's type binds, by the column's type."""
    base = col.type.impl_instance if isinstance(col.type, TypeDecorator) else col.type
    try:
        kind = base.python_type  # a TypeDecorator answers "object"; its impl knows
    except NotImplementedError:
        return lambda v: v
    parse: dict[type, Callable[[str], Any]] = {
        datetime: datetime.fromisoformat,
        date: date.fromisoformat,
        time: time.fromisoformat,
        bytes: bytes.fromhex,
        Decimal: Decimal,
    }
    if kind not in parse:
        return lambda v: v
    fn = parse[kind]
    return lambda v: None if v is None else fn(v)


@contextmanager
def snapshot(db: Database) -> Iterator[Connection]:
    """One read transaction, so every table is dumped as of the same moment."""
    opts: dict[str, Any] = {} if db.dialect == "sqlite" else {"isolation_level": "REPEATABLE READ"}
    with db.engine.connect().execution_options(**opts) as conn, conn.begin():
        if db.dialect == "sqlite":
            # pysqlite opens no transaction for reads; without BEGIN each SELECT sees a new state.
            conn.exec_driver_sql("BEGIN")
        yield conn


def begin_write(conn: Connection) -> None:
    """Start a real write transaction on SQLite (pysqlite would run DDL outside any)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


# ---- writing an archive ---------------------------------------------------------------------


class _HashingReader:
    """Reads a file into the archive and hashes the very bytes that went in."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.sha = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.sha.update(data)
        return data


def _dump_table(conn: Connection, t: Table, out: IO[bytes]) -> int:
    raw = raw_table(t)
    stmt = select(raw).order_by(*primary_key(t, raw)).execution_options(yield_per=BATCH)
    count = 0
    for row in conn.execute(stmt):
        data = {k: encode(v) for k, v in row._mapping.items()}
        out.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
        count += 1
    return count


def _dump_database(
    db: Database, staged: Path, progress: Progress
) -> tuple[dict[str, int], str | None]:
    tables = load_models().sorted_tables
    counts: dict[str, int] = {}
    with snapshot(db) as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
        for i, t in enumerate(tables):
            with (staged / f"{t.name}.jsonl").open("wb") as out:
                counts[t.name] = _dump_table(conn, t, out)
            progress("database", i + 1, len(tables))
    return counts, revision


def evidence_files(root: Path) -> list[tuple[str, Path]]:
    """Every file under the evidence folder, as (member name, path), in a stable order."""
    found: list[tuple[str, Path]] = []
    if not root.exists():
        return found
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                # A backup that silently leaves a file out is worse than one that stops.
                raise ValidationFailed(f"evidence folder holds {path}, which is not a regular file")
            found.append(("evidence/" + path.relative_to(root).as_posix(), path))
    return found


def _add(tar: tarfile.TarFile, name: str, path: Path, digests: dict[str, str]) -> None:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    with path.open("rb") as fh:
        reader = _HashingReader(fh)
        tar.addfile(info, reader)
    digests[name] = reader.sha.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(utcnow().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _tar_mode(dest: Path) -> Literal["w", "w:gz"]:
    return "w" if dest.name.endswith(".tar") else "w:gz"


def _write_archive(
    part: Path,
    mode: Literal["w", "w:gz"],
    members: list[tuple[str, Path]],
    header: dict[str, Any],
    progress: Progress,
) -> None:
    digests: dict[str, str] = {}
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        with tarfile.open(fileobj=fh, mode=mode) as tar:
            for i, (name, path) in enumerate(members):
                _add(tar, name, path, digests)
                progress("archive", i + 1, len(members))
            manifest = header | {"members": dict(sorted(digests.items()))}
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
        fh.flush()
        os.fsync(fh.fileno())


def create_backup(
    db: Database, settings: Settings, dest: Path, progress: Progress | None = None
) -> BackupReport:
    """Write the whole store to ``dest`` (``.tar.gz`` or ``.tar``), atomically and owner-only."""
    progress = progress or silent
    dest = Path(dest).resolve()
    KeyRing.load(settings.key_file)  # an archive without a usable key restores nothing readable
    if dest.is_relative_to(settings.evidence_dir.resolve()):
        raise ValidationFailed("write the backup outside the evidence folder it contains")
    files = evidence_files(settings.evidence_dir)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    try:
        with tempfile.TemporaryDirectory(prefix=".tocsin-backup-", dir=dest.parent) as tmp:
            counts, revision = _dump_database(db, Path(tmp), progress)
            dumps = [(f"db/{n}.jsonl", Path(tmp) / f"{n}.jsonl") for n in counts]
            members = [(KEY_MEMBER, settings.key_file), *dumps, *files]
            _write_archive(
                part, _tar_mode(dest), members, _header(counts, revision, db.dialect), progress
            )
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, dest)
    rows = sum(counts.values())
    with db.session() as s:
        audit.record(
            s,
            None,
            audit.Action.BACKUP,
            "store",
            "",
            {"file": dest.name, "rows": rows, "evidence_files": len(files)},
            f"backup written to {dest.name}",
        )
    return BackupReport(dest, counts, rows, len(files), dest.stat().st_size, revision)


def _header(counts: dict[str, int], revision: str | None, dialect: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "tocsin_version": tocsin.__version__,
        "created_at": utcnow().isoformat(),
        "source_dialect": dialect,
        "alembic_revision": revision,
        "tables": counts,
    }


def stamp() -> str:
    return utcnow().strftime("%Y%m%dT%H%M%S%fZ")


def write_private(path: Path, data: bytes) -> None:
    """Write atomically, owner-only: a key file must never be half-written or readable by others."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# ---- reading an archive ---------------------------------------------------------------------


def _check_name(m: tarfile.TarInfo) -> None:
    parts = PurePosixPath(m.name).parts
    if m.name.startswith("/") or "\\" in m.name or ".." in parts or not parts:
        raise ValidationFailed(f"backup member {m.name!r} has an unsafe path; nothing was restored")
    if m.isdir():
        return
    if not m.isfile():
        raise ValidationFailed(f"backup member {m.name!r} is a link or a device; refused")
    evidence = parts[0] == "evidence" and len(parts) > 1
    dump = parts[0] == "db" and len(parts) == 2 and m.name.endswith(".jsonl")
    if not (m.name in (MANIFEST, KEY_MEMBER) or evidence or dump):
        raise ValidationFailed(f"backup member {m.name!r} is not part of a Tocsin backup")


def _files(tar: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    found: dict[str, tarfile.TarInfo] = {}
    for m in tar.getmembers():
        _check_name(m)
        if m.isdir():
            continue
        if m.name in found:
            raise ValidationFailed(f"backup member {m.name!r} appears twice; nothing was restored")
        found[m.name] = m
    return found


def _open(tar: tarfile.TarFile, m: tarfile.TarInfo) -> IO[bytes]:
    fh = tar.extractfile(m)
    assert fh is not None  # _check_name let only regular files through
    return fh


def _sha256(fh: IO[bytes]) -> str:
    sha = hashlib.sha256()
    while chunk := fh.read(CHUNK):
        sha.update(chunk)
    return sha.hexdigest()


def _file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return _sha256(fh)


def _read_manifest(tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo]) -> dict[str, Any]:
    if MANIFEST not in members:
        raise ValidationFailed("not a Tocsin backup: manifest.json is missing")
    try:
        manifest: dict[str, Any] = json.loads(_open(tar, members[MANIFEST]).read())
    except ValueError:
        raise ValidationFailed("manifest.json is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValidationFailed(f"manifest.json does not describe a {FORMAT} archive")
    if not all(isinstance(manifest.get(k), dict) for k in ("tables", "members")):
        raise ValidationFailed("manifest.json lacks its table counts or member digests")
    return manifest


def verify_archive(
    tar: tarfile.TarFile, progress: Progress = silent
) -> tuple[dict[str, Any], dict[str, tarfile.TarInfo]]:
    """Check every member against the manifest; reads everything, writes nothing."""
    members = _files(tar)
    manifest = _read_manifest(tar, members)
    expected: dict[str, str] = manifest["members"]
    for name in sorted(set(expected) - set(members)):
        raise ValidationFailed(f"backup member {name} is listed in manifest.json but missing")
    names = [n for n in members if n != MANIFEST]
    for i, name in enumerate(names):
        if name not in expected:
            raise ValidationFailed(f"backup member {name} is not listed in manifest.json")
        if _sha256(_open(tar, members[name])) != expected[name]:
            raise ValidationFailed(
                f"backup member {name} does not match its SHA-256 in manifest.json: the archive "
                "is damaged or was altered; nothing was restored"
            )
        progress("verify", i + 1, len(names))
    tables = {f"db/{t}.jsonl" for t in manifest["tables"]}
    if KEY_MEMBER not in members or tables != {n for n in names if n.startswith("db/")}:
        raise ValidationFailed("backup is incomplete: key file or table dumps are missing")
    return manifest, members


# ---- restoring ------------------------------------------------------------------------------


def _recheck(name: str, digest: str, manifest: dict[str, Any]) -> None:
    """The archive was verified, but it is read again now: it must not have changed since."""
    if digest != manifest["members"][name]:
        raise ValidationFailed(f"backup member {name} changed while it was being restored")


def _inside(root: Path, name: str) -> Path:
    """Where an evidence member lands; refuses anything that would land outside the folder."""
    target = (root / PurePosixPath(name).relative_to("evidence")).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ValidationFailed(f"backup member {name!r} escapes the evidence folder")
    return target


def _tables_with_rows(db: Database) -> dict[str, int]:
    existing = set(inspect(db.engine).get_table_names())
    busy: dict[str, int] = {}
    with db.engine.connect() as conn:
        for t in load_models().sorted_tables:
            if t.name in existing and t.name not in SEEDED:
                n = conn.scalar(select(func.count()).select_from(t)) or 0
                if n:
                    busy[t.name] = n
    return busy


def _check_revision(db: Database, revision: str | None) -> None:
    if revision is None:
        return
    script = ScriptDirectory.from_config(migrate.alembic_config(db.engine))
    try:
        script.get_revision(revision)
    except (CommandError, RevisionError):
        raise ValidationFailed(
            f"backup was made at schema revision {revision!r}, which Tocsin "
            f"{tocsin.__version__} does not know: restore it with a newer Tocsin"
        ) from None


def _preflight(
    db: Database, settings: Settings, manifest: dict[str, Any], key_text: str, force: bool
) -> None:
    """Every reason to refuse, checked before anything is written."""
    unknown = set(manifest["tables"]) - {t.name for t in load_models().sorted_tables}
    if unknown:
        raise ValidationFailed(f"backup holds tables this Tocsin does not know: {sorted(unknown)}")
    _check_revision(db, manifest.get("alembic_revision"))
    try:
        KeyRing.from_json(key_text)
    except (ValueError, KeyError, ConfigurationError):
        raise ValidationFailed(f"backup member {KEY_MEMBER} is not a Tocsin key file") from None
    busy = _tables_with_rows(db)
    if busy and not force:
        held = ", ".join(f"{k} ({v} rows)" for k, v in busy.items())
        raise Conflict(
            f"the target database already holds data: {held}. Restore into an empty "
            "store, or use force to replace everything in it"
        )
    for name, digest in manifest["members"].items():
        if name.startswith("evidence/"):
            target = _inside(settings.evidence_dir, name)
            if not force and target.exists() and _file_sha256(target) != digest:
                raise Conflict(f"{target} exists with other content; use force to replace it")


def _migrate_to(db: Database, revision: str | None) -> None:
    # Load rows into the schema they were dumped from; upgrade() afterwards carries them forward.
    try:
        migrate.upgrade(db.engine, revision or "head")
    except CommandError:
        raise Conflict(
            f"the target database has a newer schema than the backup ({revision}); "
            "restore into an empty database"
        ) from None


@contextmanager
def _staged_evidence(
    tar: tarfile.TarFile,
    members: dict[str, tarfile.TarInfo],
    manifest: dict[str, Any],
    root: Path,
    progress: Progress,
) -> Iterator[list[tuple[Path, Path]]]:
    """Unpack evidence beside the folder first; files move in only once the database is in."""
    names = [n for n in members if n.startswith("evidence/")]
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(prefix=".tocsin-restore-", dir=root.parent) as tmp:
        moves: list[tuple[Path, Path]] = []
        for i, name in enumerate(names):
            staged, target = Path(tmp) / str(i), _inside(root, name)
            fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with _open(tar, members[name]) as src, os.fdopen(fd, "wb") as out:
                reader = _HashingReader(src)
                while chunk := reader.read(CHUNK):
                    out.write(chunk)
            _recheck(name, reader.sha.hexdigest(), manifest)
            os.utime(staged, (members[name].mtime, members[name].mtime))
            moves.append((staged, target))
            progress("evidence", i + 1, len(names))
        yield moves


def _place(moves: list[tuple[Path, Path]]) -> None:
    for staged, target in moves:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.replace(staged, target)


@contextmanager
def _key_file(path: Path, data: bytes) -> Iterator[Path | None]:
    """Put the archive's key file in place; put the old one back if the database load fails."""
    old = path.read_bytes() if path.exists() else None
    kept = None
    if old is not None and old != data:
        # Kept until an operator removes it: a key is never destroyed as a side effect.
        kept = path.with_name(f"{path.name}.replaced-{stamp()}")
        write_private(kept, old)
    write_private(path, data)
    try:
        yield kept
    except BaseException:
        if old is None:
            path.unlink(missing_ok=True)
        else:
            write_private(path, old)
        raise


def _wipe(conn: Connection, tables: list[Table]) -> None:
    quote = conn.dialect.identifier_preparer.quote
    if conn.dialect.name == "postgresql":
        # TRUNCATE fires no row triggers, so the audit log's append-only guard stays installed.
        conn.exec_driver_sql(f"TRUNCATE {', '.join(quote(t.name) for t in tables)} CASCADE")
        return
    # SQLite has no TRUNCATE: lift the audit log's guard triggers from their own stored SQL and
    # put them back, all inside this transaction, so a failure leaves the guard in place. Other
    # triggers (the event search index) stay and follow the deletes.
    triggers = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_log'"
    )
    saved = [(name, sql) for name, sql in triggers]
    for name, _ in saved:
        conn.exec_driver_sql(f"DROP TRIGGER {quote(name)}")
    for t in reversed(tables):
        conn.execute(t.delete())
    for _, sql in saved:
        conn.exec_driver_sql(sql)


def _parse(line: bytes, where: str, decode: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except ValueError:
        raise ValidationFailed(f"{where}: not valid JSON") from None
    unknown = set(data) - set(decode)
    if unknown:
        raise ValidationFailed(f"{where}: no such columns {sorted(unknown)}")
    return {k: decode[k](v) for k, v in data.items()}


def _relink(conn: Connection, t: Table, later: list[str], links: list[dict[str, Any]]) -> None:
    """Fill self-references once every row of the table exists (a child may precede its parent)."""
    if not links:
        return
    raw = raw_table(t)
    where = [c == bindparam(f"pk_{c.name}") for c in primary_key(t, raw)]
    conn.execute(update(raw).where(*where).values({c: bindparam(f"v_{c}") for c in later}), links)


def _load_table(
    conn: Connection, t: Table, tar: tarfile.TarFile, m: tarfile.TarInfo, manifest: dict[str, Any]
) -> int:
    raw, decode = raw_table(t), {c.name: decoder(c) for c in t.columns}
    later = [fk.parent.name for fk in t.foreign_keys if fk.column.table is t]
    keys = [c.name for c in t.primary_key.columns]
    batch: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    sha, count = hashlib.sha256(), 0
    for line in _open(tar, m):
        sha.update(line)
        count += 1
        row = _parse(line, f"{m.name} line {count}", decode)
        if any(row.get(c) is not None for c in later):
            links.append({f"pk_{k}": row[k] for k in keys} | {f"v_{c}": row[c] for c in later})
            row |= dict.fromkeys(later)
        batch.append(row)
        if len(batch) >= BATCH:
            conn.execute(insert(raw), batch)
            batch = []
    if batch:
        conn.execute(insert(raw), batch)
    _recheck(m.name, sha.hexdigest(), manifest)
    _relink(conn, t, later, links)
    return count


SERIAL = text("SELECT pg_get_serial_sequence(:t, :c)")


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """Rows came with their ids; move PostgreSQL's counters past them (SQLite does it itself)."""
    if conn.dialect.name != "postgresql":
        return
    quote = conn.dialect.identifier_preparer.quote
    for t in tables:
        col = t.autoincrement_column
        if col is None:
            continue
        seq = conn.scalar(SERIAL, {"t": t.name, "c": col.name})
        if seq:
            conn.execute(
                text(
                    f"SELECT setval(:s, COALESCE(MAX({quote(col.name)}), 0) + 1, false) "  # noqa: S608 - names from our own metadata
                    f"FROM {quote(t.name)}"
                ),
                {"s": seq},
            )


def _load_database(
    db: Database,
    tar: tarfile.TarFile,
    members: dict[str, tarfile.TarInfo],
    manifest: dict[str, Any],
    progress: Progress,
) -> dict[str, int]:
    existing = set(inspect(db.engine).get_table_names())
    tables = [t for t in load_models().sorted_tables if t.name in existing]
    total, counts = sum(manifest["tables"].values()), {}
    with db.session() as s:
        conn = s.connection()
        begin_write(conn)
        _wipe(conn, tables)
        for t in tables:
            if f"db/{t.name}.jsonl" in members:
                counts[t.name] = _load_table(conn, t, tar, members[f"db/{t.name}.jsonl"], manifest)
                progress("database", sum(counts.values()), total)
        if counts != manifest["tables"]:
            raise ValidationFailed("row counts differ from manifest.json; nothing was restored")
        _reset_sequences(conn, tables)
        audit.record(
            s,
            None,
            audit.Action.RESTORE,
            "store",
            "",
            {"rows": total, "backup_created_at": manifest.get("created_at")},
            "store restored from a backup",
        )
    return counts


def restore_backup(
    src: Path, settings: Settings, progress: Progress | None = None, force: bool = False
) -> RestoreReport:
    """Replace an empty store (with ``force``, any store) by the one in the archive ``src``.

    Nothing is written until the whole archive has been checked against its manifest.
    """
    progress = progress or silent
    db = Database(settings.database_url)
    try:
        with _open_archive(Path(src)) as tar:
            manifest, members = verify_archive(tar, progress)
            key_data = _open(tar, members[KEY_MEMBER]).read()
            if db.dialect == "sqlite" and db.engine.url.database:
                Path(db.engine.url.database).parent.mkdir(parents=True, exist_ok=True)
            _preflight(db, settings, manifest, key_data.decode("utf-8", "replace"), force)
            _migrate_to(db, manifest.get("alembic_revision"))
            with _staged_evidence(tar, members, manifest, settings.evidence_dir, progress) as moves:
                with _key_file(settings.key_file, key_data) as kept:
                    counts = _load_database(db, tar, members, manifest, progress)
                _place(moves)
        migrate.upgrade(db.engine)
    finally:
        db.dispose()
    # The rows just restored are sealed with this ring; this process must read them with it.
    install_keyring(KeyRing.from_json(key_data.decode("utf-8")))
    return RestoreReport(
        counts, sum(counts.values()), len(moves), manifest.get("alembic_revision"), kept
    )


@contextmanager
def _open_archive(src: Path) -> Iterator[tarfile.TarFile]:
    try:
        tar = tarfile.open(src, "r:*")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError) as exc:
        raise ValidationFailed(f"{src} is not a readable backup archive: {exc}") from None
    with tar:
        try:
            yield tar
        except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise ValidationFailed(f"{src} is damaged: {exc}; nothing was restored") from None
