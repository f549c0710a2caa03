"""Key rotation: every encrypted value sealed again under a new key, with no step that loses data.

The order is the design:

1. copy the key file to ``tocsin.keys.previous-<timestamp>`` (owner-only);
2. save a ring holding the old keys AND the new current key: from here on every row decrypts,
   whether it has been re-encrypted yet or not;
3. re-encrypt every value of every encrypted column in one transaction, and commit;
4. check that no value still names an old key (a server still running on the old ring may
   have written one): if one does, stop here, keeping both keys;
5. retire the old keys, save the key file, and delete the copy.

A crash at any point leaves a key file that opens every row in the database. Blind-index and
pseudonym keys are not rotated: name search and export pseudonyms stay stable.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, Row, Table, bindparam, func, select, tuple_, update
from sqlalchemy.orm import Session

from tocsin.core import audit
from tocsin.core.crypto import PREFIX, KeyRing, install_keyring
from tocsin.core.db import Database
from tocsin.core.errors import Conflict
from tocsin.core.rawstore import (
    Progress,
    begin_write,
    primary_key,
    raw_table,
    silent,
    stamp,
    write_private,
)
from tocsin.core.registry import load_models
from tocsin.core.settings import Settings
from tocsin.core.types import ENCRYPTED_TYPES

BATCH = 500


@dataclass
class RotationReport:
    new_key: str
    retired: list[str]
    values: int
    rows: int
    tables: dict[str, int] = field(default_factory=dict)


def encrypted_columns(t: Table) -> list[Column[Any]]:
    return [c for c in t.columns if isinstance(c.type, ENCRYPTED_TYPES)]


def encrypted_tables() -> list[tuple[Table, list[Column[Any]]]]:
    """Found generically, so a capability that adds an encrypted column is rotated too."""
    found = [(t, encrypted_columns(t)) for t in load_models().sorted_tables]
    return [(t, cols) for t, cols in found if cols]


def _lock(conn: Connection, tables: list[Table]) -> None:
    """Keep other writers out until commit, so no row slips in between two batches."""
    if conn.dialect.name == "postgresql":
        names = ", ".join(conn.dialect.identifier_preparer.quote(t.name) for t in tables)
        conn.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
    else:
        begin_write(conn)


def _batches(conn: Connection, t: Table, cols: list[Column[Any]]) -> Iterator[list[Row[Any]]]:
    """Rows in primary-key order, a batch at a time (keyset pagination: no OFFSET rescans)."""
    raw = raw_table(t)
    pk = primary_key(t, raw)
    query = select(*pk, *(raw.c[c.name] for c in cols)).order_by(*pk).limit(BATCH)
    last: tuple[Any, ...] | None = None
    while True:
        page = query if last is None else query.where(tuple_(*pk) > tuple_(*last))
        rows = list(conn.execute(page).all())
        if not rows:
            return
        yield rows
        last = tuple(rows[-1][: len(pk)])


def _reseal_row(
    row: Row[Any], n_pk: int, cols: list[Column[Any]], ring: KeyRing
) -> dict[str, Any] | None:
    """New ciphertexts for one row, or None when every value already uses the current key."""
    values = row[n_pk:]
    if all(v is None or KeyRing.key_id_of(v) == ring.current for v in values):
        return None
    params = {f"pk_{i}": row[i] for i in range(n_pk)}
    for col, value in zip(cols, values, strict=True):
        context = col.type.context  # type: ignore[attr-defined]
        sealed = None if value is None else ring.encrypt(ring.decrypt(value, context), context)
        params[f"v_{col.name}"] = sealed
    return params


def _reseal_table(
    conn: Connection, t: Table, cols: list[Column[Any]], ring: KeyRing, tick: Callable[[int], None]
) -> tuple[int, int]:
    raw = raw_table(t)
    pk = primary_key(t, raw)
    stmt = (
        update(raw)
        .where(*(c == bindparam(f"pk_{i}") for i, c in enumerate(pk)))
        .values({c.name: bindparam(f"v_{c.name}") for c in cols})
    )
    rows = values = 0
    for batch in _batches(conn, t, cols):
        params = [p for p in (_reseal_row(r, len(pk), cols, ring) for r in batch) if p]
        if params:
            conn.execute(stmt, params)
        rows += len(params)
        values += sum(1 for p in params for c in cols if p[f"v_{c.name}"] is not None)
        tick(len(batch))
    return rows, values


def _count(conn: Connection, t: Table) -> int:
    return conn.scalar(select(func.count()).select_from(t)) or 0


def _reencrypt_all(
    db: Database, ring: KeyRing, old: list[str], progress: Progress
) -> tuple[dict[str, int], int]:
    found = encrypted_tables()
    per_table: dict[str, int] = {}
    values = 0
    with db.session() as s:
        conn = s.connection()
        _lock(conn, [t for t, _ in found])
        total = sum(_count(conn, t) for t, _ in found)
        done = [0]

        def tick(n: int) -> None:
            done[0] += n
            progress("re-encrypt", done[0], total)

        for t, cols in found:
            per_table[t.name], n_values = _reseal_table(conn, t, cols, ring, tick)
            values += n_values
        _record(s, ring.current, old, per_table, values)
    return per_table, values


def _record(s: Session, new: str, old: list[str], tables: dict[str, int], values: int) -> None:
    audit.record(
        s,
        None,
        audit.Action.KEYS_ROTATED,
        "key_ring",
        new,
        {
            "new_key": new,
            "retired": old,
            "rows": sum(tables.values()),
            "values": values,
            "tables": tables,
        },
        f"encryption keys rotated: {values} values re-encrypted under {new}",
    )


def stale_values(db: Database, current: str) -> int:
    """Values not sealed with ``current``: after a rotation, there must be none."""
    sealed_now = f"{PREFIX}.{current}.%"
    stale = 0
    with db.engine.connect() as conn:
        for t, cols in encrypted_tables():
            raw = raw_table(t)
            for c in cols:
                col = raw.c[c.name]
                query = select(func.count()).where(col.is_not(None), col.not_like(sealed_now))
                stale += conn.scalar(query.select_from(raw)) or 0
    return stale


def _keep_copy(key_file: Path) -> Path:
    copy = key_file.with_name(f"{key_file.name}.previous-{stamp()}")
    write_private(copy, key_file.read_bytes())
    return copy


def rotate_keys(
    db: Database, settings: Settings, progress: Progress | None = None
) -> RotationReport:
    """Seal every encrypted value with a new key, then retire the old ones (see the module doc)."""
    progress = progress or silent
    ring = KeyRing.load(settings.key_file)
    old = sorted(ring.keys)
    copy = _keep_copy(settings.key_file)
    new = ring.rotate()
    ring.save(settings.key_file)
    # New writes in this process must use the new key from now, or they would be left behind.
    install_keyring(ring)
    per_table, values = _reencrypt_all(db, ring, old, progress)
    left = stale_values(db, new)
    if left:
        raise Conflict(
            f"{left} values were written under an old key during the rotation (is a server "
            "running?). The key file keeps both keys, so nothing is lost: stop every Tocsin "
            "process and run the rotation again"
        )
    retired = ring.retire_all_but_current()
    ring.save(settings.key_file)
    install_keyring(ring)
    os.unlink(copy)
    return RotationReport(new, retired, values, sum(per_table.values()), per_table)
