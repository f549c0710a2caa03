"""Backup and restore: the whole store (database, key file, evidence) in one verifiable archive.

The database is dumped logically, table by table in dependency order, one JSON object per row,
so an archive taken on SQLite restores into PostgreSQL and back. Encrypted columns are copied as
the ciphertext they hold: the archive never holds a protected name in clear and restored rows are
byte-identical. The archive also holds the key file, so it is as sensitive as the store itself
and is written owner-only. The manifest comes last so every digest is of the bytes written.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, Column, Connection, Table, TableClause, column, select, table
from sqlalchemy.types import TypeEngine

import tocsin
from tocsin.core import audit
from tocsin.core.clock import utcnow
from tocsin.core.db import Database
from tocsin.core.errors import ValidationFailed
from tocsin.core.registry import load_models
from tocsin.core.settings import Settings
from tocsin.core.types import ENCRYPTED_TYPES

FORMAT = "tocsin-backup/1"
MANIFEST = "manifest.json"
KEY_MEMBER = "keys/tocsin.keys"
BATCH = 1000
CHUNK = 1 << 20

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
    warnings: list[str] = field(default_factory=list)


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
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


def decoder(col: Column[Any]) -> Callable[[Any], Any]:
    """Turn a dumped JSON value back into what the column's type binds, by the column's type."""
    try:
        kind = col.type.python_type
    except NotImplementedError:
        return lambda v: v
    from datetime import date, datetime, time

    parse: dict[type, Callable[[str], Any]] = {
        datetime: datetime.fromisoformat, date: date.fromisoformat, time: time.fromisoformat,
        bytes: bytes.fromhex,
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


def _dump_database(db: Database, staged: Path, progress: Progress) -> tuple[dict[str, int], str | None]:
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
        tar.addfile(info, reader)  # type: ignore[arg-type]
    digests[name] = reader.sha.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(utcnow().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _tar_mode(dest: Path) -> str:
    return "w" if dest.name.endswith(".tar") else "w:gz"


def create_backup(
    db: Database, settings: Settings, dest: Path, progress: Progress | None = None
) -> BackupReport:
    """Write the whole store to ``dest`` (``.tar.gz`` or ``.tar``), atomically and owner-only."""
    progress = progress or silent
    dest = Path(dest).resolve()
    files = evidence_files(settings.evidence_dir)
    part = dest.with_name(dest.name + ".part")
    digests: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix=".tocsin-backup-", dir=dest.parent) as tmp:
        counts, revision = _dump_database(db, Path(tmp), progress)
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            with tarfile.open(fileobj=fh, mode=_tar_mode(dest)) as tar:
                _add(tar, KEY_MEMBER, settings.key_file, digests)
                for name in counts:
                    _add(tar, f"db/{name}.jsonl", Path(tmp) / f"{name}.jsonl", digests)
                for i, (name, path) in enumerate(files):
                    _add(tar, name, path, digests)
                    progress("evidence", i + 1, len(files))
                manifest = _manifest(counts, revision, digests, db.dialect)
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(part, dest)
    rows = sum(counts.values())
    with db.session() as s:
        audit.record(s, None, audit.Action.BACKUP, "store", "",
                     {"file": dest.name, "rows": rows, "evidence_files": len(files)},
                     f"backup written to {dest.name}")
    return BackupReport(dest, counts, rows, len(files), dest.stat().st_size, revision)


def _manifest(
    counts: dict[str, int], revision: str | None, digests: dict[str, str], dialect: str
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "tocsin_version": tocsin.__version__,
        "created_at": utcnow().isoformat(),
        "source_dialect": dialect,
        "alembic_revision": revision,
        "tables": counts,
        "members": dict(sorted(digests.items())),
    }


def stamp() -> str:
    return utcnow().strftime("%Y%m%dT%H%M%S%fZ")


def write_private(path: Path, data: bytes) -> None:
    """Write atomically and owner-only: a key file must never be half-written or readable by others."""
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
        raise ValidationFailed(f"backup member {m.name!r} is a link or device; nothing was restored")
    known = m.name in (MANIFEST, KEY_MEMBER) or parts[0] == "evidence" and len(parts) > 1
    if not (known or parts[0] == "db" and len(parts) == 2 and m.name.endswith(".jsonl")):
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


def _read_manifest(tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo]) -> dict[str, Any]:
    if MANIFEST not in members:
        raise ValidationFailed("not a Tocsin backup: manifest.json is missing")
    try:
        manifest: dict[str, Any] = json.loads(_open(tar, members[MANIFEST]).read())
    except ValueError:
        raise ValidationFailed("manifest.json is not valid JSON") from None
    if manifest.get("format") != FORMAT:
        raise ValidationFailed(f"unknown backup format {manifest.get('format')!r}; want {FORMAT}")
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
        raise ValidationFailed("backup is incomplete: key file or table dumps do not match manifest")
    return manifest, members
