"""Backup: the whole store (database, key file, evidence) in one verifiable archive, and its format.

The database is dumped logically, table by table in dependency order, one JSON object per row,
so an archive taken on SQLite restores into PostgreSQL and back. Encrypted columns are copied as
the ciphertext they hold: the archive never holds a protected name in clear and restored rows are
byte-identical. The archive also holds the key file, so it is as sensitive as the store itself
and is written owner-only. The manifest comes last so every digest is of the bytes written.
Restoring lives in ``tocsin.core.restore``; ``restore_backup`` is re-exported here.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any, Literal

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Table, select

import tocsin
from tocsin.core import audit
from tocsin.core.clock import utcnow
from tocsin.core.crypto import KeyRing
from tocsin.core.db import Database
from tocsin.core.errors import ValidationFailed
from tocsin.core.rawstore import BATCH, Progress, encode, primary_key, raw_table, silent, snapshot
from tocsin.core.registry import load_models
from tocsin.core.settings import Settings

if TYPE_CHECKING:
    from tocsin.core.restore import restore_backup

__all__ = [
    "CHUNK",
    "FORMAT",
    "KEY_MEMBER",
    "MANIFEST",
    "BackupReport",
    "HashingReader",
    "create_backup",
    "evidence_files",
    "file_sha256",
    "open_member",
    "restore_backup",
    "verify_archive",
]

FORMAT = "tocsin-backup/1"
MANIFEST = "manifest.json"
KEY_MEMBER = "keys/tocsin.keys"
# Keys that live beside the key ring and go wherever the store goes: the evidence vault's key
# (without it every stored file is unreadable) and the custody log's signing key.
COMPANION_KEYS = ("tocsin.vault-key", "custody-log.ed25519")
COMPANION_MEMBERS = tuple(f"keys/{name}" for name in COMPANION_KEYS)


def companion_key_files(settings: Settings) -> list[tuple[str, Path]]:
    """The companion keys this store has, as (member name, path)."""
    folder = settings.key_file.parent
    return [
        (f"keys/{name}", folder / name) for name in COMPANION_KEYS if (folder / name).is_file()
    ]
CHUNK = 1 << 20


@dataclass
class BackupReport:
    path: Path
    tables: dict[str, int]
    rows: int
    evidence_files: int
    size_bytes: int
    alembic_revision: str | None


# ---- writing an archive ---------------------------------------------------------------------


class HashingReader:
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
        reader = HashingReader(fh)
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
            keys = [(KEY_MEMBER, settings.key_file), *companion_key_files(settings)]
            members = [*keys, *dumps, *files]
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
    if not (m.name in (MANIFEST, KEY_MEMBER, *COMPANION_MEMBERS) or evidence or dump):
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


def open_member(tar: tarfile.TarFile, m: tarfile.TarInfo) -> IO[bytes]:
    fh = tar.extractfile(m)
    assert fh is not None  # _check_name let only regular files through
    return fh


def _sha256(fh: IO[bytes]) -> str:
    sha = hashlib.sha256()
    while chunk := fh.read(CHUNK):
        sha.update(chunk)
    return sha.hexdigest()


def file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return _sha256(fh)


def _read_manifest(tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo]) -> dict[str, Any]:
    if MANIFEST not in members:
        raise ValidationFailed("not a Tocsin backup: manifest.json is missing")
    try:
        manifest: dict[str, Any] = json.loads(open_member(tar, members[MANIFEST]).read())
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
        if _sha256(open_member(tar, members[name])) != expected[name]:
            raise ValidationFailed(
                f"backup member {name} does not match its SHA-256 in manifest.json: the archive "
                "is damaged or was altered; nothing was restored"
            )
        progress("verify", i + 1, len(names))
    tables = {f"db/{t}.jsonl" for t in manifest["tables"]}
    if KEY_MEMBER not in members or tables != {n for n in names if n.startswith("db/")}:
        raise ValidationFailed("backup is incomplete: key file or table dumps are missing")
    return manifest, members


def __getattr__(name: str) -> Any:
    # restore imports this module, so restore_backup is re-exported lazily to avoid a cycle.
    if name == "restore_backup":
        from tocsin.core.restore import restore_backup

        return restore_backup
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
