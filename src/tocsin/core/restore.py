"""Restore: replace a store by the one in a verified backup archive.

Nothing is written until the whole archive has been checked against its manifest. Rows are
loaded into the schema revision they were dumped from, evidence is unpacked beside the evidence
folder and moved in only once the database is in, and a replaced key file is kept, never deleted.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import (
    Connection,
    Table,
    bindparam,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)

import tocsin
from tocsin.core import audit, migrate
from tocsin.core.backup import (
    CHUNK,
    COMPANION_MEMBERS,
    KEY_MEMBER,
    HashingReader,
    file_sha256,
    open_member,
    verify_archive,
)
from tocsin.core.crypto import KeyRing, install_keyring
from tocsin.core.db import Database
from tocsin.core.errors import ConfigurationError, Conflict, ValidationFailed
from tocsin.core.rawstore import (
    BATCH,
    Progress,
    begin_write,
    decoder,
    primary_key,
    raw_table,
    silent,
    stamp,
    write_private,
)
from tocsin.core.registry import load_models
from tocsin.core.settings import Settings

# Filled by `tocsin init` on every fresh store, so rows here do not make a store "in use".
SEEDED = frozenset({"vocabulary_terms"})


@dataclass
class RestoreReport:
    tables: dict[str, int]
    rows: int
    evidence_files: int
    alembic_revision: str | None
    replaced_key_file: Path | None = None


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
            if not force and target.exists() and file_sha256(target) != digest:
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
            with open_member(tar, members[name]) as src, os.fdopen(fd, "wb") as out:
                reader = HashingReader(src)
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
    # SQLite has no TRUNCATE: lift the append-only guard triggers (the audit log's and the
    # custody log's: the ones that RAISE) from their own stored SQL and put them back, all inside
    # this transaction, so a failure leaves the guards in place. Other triggers (the event
    # search index) stay and follow the deletes.
    triggers = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type='trigger' AND sql LIKE '%RAISE(ABORT%'"
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
    for line in open_member(tar, m):
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
            key_data = open_member(tar, members[KEY_MEMBER]).read()
            if db.dialect == "sqlite" and db.engine.url.database:
                Path(db.engine.url.database).parent.mkdir(parents=True, exist_ok=True)
            _preflight(db, settings, manifest, key_data.decode("utf-8", "replace"), force)
            _migrate_to(db, manifest.get("alembic_revision"))
            companions = {
                name: open_member(tar, members[name]).read()
                for name in COMPANION_MEMBERS
                if name in members
            }
            with _staged_evidence(tar, members, manifest, settings.evidence_dir, progress) as moves:
                with ExitStack() as keys:
                    kept = keys.enter_context(_key_file(settings.key_file, key_data))
                    for name, data in companions.items():
                        # The vault's files and the custody log's heads need their own keys.
                        target = settings.key_file.parent / PurePosixPath(name).name
                        keys.enter_context(_key_file(target, data))
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
