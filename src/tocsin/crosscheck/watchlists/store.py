"""Importing a list (all or nothing, replacing the list's previous import) and listing lists."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import BinaryIO, Protocol

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import Session

from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import ValidationFailed
from tocsin.core.ids import new_id
from tocsin.core.roles import Permission
from tocsin.crosscheck.watchlists import csv_list, ftm, un_sc
from tocsin.crosscheck.watchlists.entries import ListEntry, Parsed, check_list_name
from tocsin.crosscheck.watchlists.index import entry_keys
from tocsin.crosscheck.watchlists.models import WatchlistEntry, WatchlistKey


class Reader(Protocol):
    def __call__(self, stream: BinaryIO) -> Parsed: ...


# A new format is a module with ``read(stream) -> Parsed`` and a line here.
FORMATS: dict[str, Reader] = {"ftm": ftm.read, "un": un_sc.read, "csv": csv_list.read}
_BATCH = 1000
_COMPARED = ("schema", "caption", "names", "birth_dates", "nationalities", "identifiers",
             "properties")  # fmt: skip


@dataclass
class ImportReport:
    list_name: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ListSummary:
    list_name: str
    entries: int
    persons: int
    organisations: int
    imported_at: datetime


def read_list(fmt: str, stream: BinaryIO) -> Parsed:
    if fmt not in FORMATS:
        raise ValidationFailed.on("format", f"unknown {fmt!r}; use one of {', '.join(FORMATS)}")
    return FORMATS[fmt](stream)


def _row(entry: ListEntry) -> dict[str, object]:
    return {k: getattr(entry, k) for k in _COMPARED}


def _keys(session: Session, entries: dict[str, ListEntry]) -> None:
    rows = [
        {"entry_id": entry_id, "key": key[:120]}
        for entry_id, entry in entries.items()
        for key in sorted(entry_keys([n["name"] for n in entry.names],
                                     [i["number"] for i in entry.identifiers]))
    ]  # fmt: skip
    for start in range(0, len(rows), _BATCH * 5):
        session.execute(insert(WatchlistKey), rows[start:start + _BATCH * 5])


def import_list(
    session: Session, actor: Actor, list_name: str, fmt: str, stream: BinaryIO
) -> ImportReport:
    """Read the whole file first (nothing is written if any of it is wrong), then make the
    list's stored entries exactly the file's, in the caller's transaction."""
    actor.require(Permission.IMPORT)
    check_list_name(list_name)
    parsed = read_list(fmt, stream)
    report = ImportReport(list_name, skipped=dict(sorted(parsed.skipped.items())))
    stored = {
        row.external_id: row
        for row in session.scalars(select(WatchlistEntry).where(
            WatchlistEntry.list_name == list_name))
    }  # fmt: skip
    now = utcnow()
    rekey: dict[str, ListEntry] = {}
    new_rows: list[dict[str, object]] = []
    for entry in parsed.entries:
        row = stored.pop(entry.external_id, None)
        if row is None:
            values = {"id": new_id(), "list_name": list_name, "external_id": entry.external_id,
                      "imported_at": now, **_row(entry)}  # fmt: skip
            new_rows.append(values)
            rekey[str(values["id"])] = entry
            report.added += 1
        elif {k: getattr(row, k) for k in _COMPARED} != _row(entry):
            for key, value in _row(entry).items():
                setattr(row, key, value)
            row.imported_at = now
            rekey[row.id] = entry
            report.updated += 1
        else:
            row.imported_at = now
            report.unchanged += 1
    gone = [row.id for row in stored.values()]
    for start in range(0, len(gone), _BATCH):
        chunk = gone[start:start + _BATCH]
        session.execute(delete(WatchlistKey).where(WatchlistKey.entry_id.in_(chunk)))
        session.execute(delete(WatchlistEntry).where(WatchlistEntry.id.in_(chunk)))
    report.removed = len(gone)
    added = {str(r["id"]) for r in new_rows}
    changed = [i for i in rekey if i not in added]
    for start in range(0, len(changed), _BATCH):
        session.execute(delete(WatchlistKey).where(
            WatchlistKey.entry_id.in_(changed[start:start + _BATCH])))  # fmt: skip
    for start in range(0, len(new_rows), _BATCH):
        session.execute(insert(WatchlistEntry), new_rows[start:start + _BATCH])
    session.flush()
    _keys(session, rekey)
    audit.record(session, actor, audit.Action.IMPORT, "watchlist", list_name,
                 {"format": fmt, **asdict(report)})  # fmt: skip
    return report


def list_watchlists(session: Session, actor: Actor) -> list[ListSummary]:
    actor.require(Permission.READ)
    persons = func.sum(case((WatchlistEntry.schema == "person", 1), else_=0))
    rows = session.execute(
        select(WatchlistEntry.list_name, func.count(), persons,
               func.max(WatchlistEntry.imported_at))
        .group_by(WatchlistEntry.list_name).order_by(WatchlistEntry.list_name)
    ).all()  # fmt: skip
    return [
        ListSummary(name, count, int(people or 0), count - int(people or 0), when)
        for name, count, people, when in rows
    ]
