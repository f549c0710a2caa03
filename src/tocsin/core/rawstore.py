"""Raw access to the store: tables read and written as the bytes they hold, and private files.

Shared by backup, restore and key rotation. Encrypted columns are read and written as their
ciphertext, never decrypted, and JSON columns keep SQL NULL apart from JSON null, so a row read
here and written back is byte-identical. Key files are written atomically and owner-only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Column, Connection, Table, TableClause, column, table
from sqlalchemy.types import TypeDecorator, TypeEngine

from tocsin.core.clock import utcnow
from tocsin.core.db import Database
from tocsin.core.types import ENCRYPTED_TYPES

BATCH = 1000

Progress = Callable[[str, int, int], None]


def silent(stage: str, done: int, total: int) -> None:
    """The progress callback used when the caller shows none."""


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
