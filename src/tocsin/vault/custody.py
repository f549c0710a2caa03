"""The chain-of-custody log: an append-only Merkle tree (RFC 6962) over every custody event.

Entry bytes (the leaf data that is hashed)
------------------------------------------
Each entry is one JSON object, UTF-8, keys sorted by code point at every depth, no whitespace
(``separators=(",", ":")``), non-ASCII written as UTF-8 rather than ``\\u`` escapes, integers in
decimal and no floating-point numbers (their text form differs between languages)::

    {"actor":{"email":"a@example.org","user_id":"<uuid>"},"at":"2026-11-22T17:30:00.123456Z",
     "details":{...},"index":17,"kind":"collected","subject_sha256":"<64 lowercase hex>","v":1}

``actor`` is ``null`` for system events; ``index`` is the leaf index, so an entry cannot be
moved. The leaf hash is SHA-256(0x00 || entry bytes); see ``tocsin.vault.merkle``.

Writers are serialised: on PostgreSQL by an EXCLUSIVE lock on ``custody_entries`` (reads go
on), on SQLite by taking the write lock before the next index is read. Appends run inside the
caller's transaction, so an event and its custody entry commit together or not at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Table, and_, func, insert, or_, select
from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.vault import merkle
from tocsin.vault.models import CustodyEntry, CustodyNode, StoredTreeHead
from tocsin.vault.signing import LogKey, PublicKey, TreeHead, sign_tree_head

ENTRY_VERSION = 1
BATCH = 5000
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class Kind(StrEnum):
    """What happened to a piece of evidence (the Berkeley Protocol's custody events)."""

    COLLECTED = "collected"
    RECEIVED = "received"
    ACCESSED = "accessed"
    COPIED = "copied"
    EXPORTED = "exported"
    SHARED = "shared"


class LogCorrupted(ValidationFailed):
    title = "Custody log is damaged"


@dataclass(frozen=True)
class NewEntry:
    actor: Actor | None
    kind: Kind
    subject_sha256: str
    details: dict[str, Any]


@dataclass(frozen=True)
class Entry:
    index: int
    kind: Kind
    subject_sha256: str
    details: dict[str, Any]
    user_id: str | None
    who: str
    created_at: datetime
    data: bytes  # the canonical bytes that were hashed
    leaf_hash: bytes


@dataclass(frozen=True)
class InclusionProof:
    index: int
    tree_size: int
    leaf_hash: bytes
    path: list[bytes]

    def verify(self, root_hash: bytes) -> bool:
        return merkle.verify_inclusion(
            self.leaf_hash, self.index, self.tree_size, self.path, root_hash
        )


@dataclass(frozen=True)
class ConsistencyProof:
    old_size: int
    new_size: int
    path: list[bytes]

    def verify(self, old_root: bytes, new_root: bytes) -> bool:
        return merkle.verify_consistency(
            self.old_size, self.new_size, old_root, new_root, self.path
        )


@dataclass(frozen=True)
class Verdict:
    ok: bool
    entries: int  # entries checked
    heads: int  # signed heads whose root and signature were checked
    problem: str | None = None
    entry: int | None = None  # the first entry found not to match, when one can be named
    head: TreeHead | None = None  # the latest signed head

    def summary(self) -> str:
        if self.ok:
            size = self.head.tree_size if self.head else 0
            return (
                f"custody log intact: {self.entries} entries, {self.heads} signed heads "
                f"checked, latest head covers {size}"
            )
        return f"custody log FAILED: {self.problem}"


def _check_json(value: Any, where: str) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValidationFailed(f"{where}: keys must be strings")
            _check_json(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_json(v, f"{where}[{i}]")
    elif value is not None and not isinstance(value, str | int | bool):
        raise ValidationFailed(f"{where}: {type(value).__name__} is not allowed in a custody entry")


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_bytes(index: int, item: NewEntry, at: datetime) -> bytes:
    actor = item.actor
    return canonical_json(
        {
            "v": ENTRY_VERSION,
            "index": index,
            "kind": Kind(item.kind).value,
            "subject_sha256": item.subject_sha256,
            "actor": {"user_id": actor.user_id, "email": actor.email} if actor else None,
            "at": _stamp(at),
            "details": item.details,
        }
    )


def _validate(item: NewEntry) -> None:
    Kind(item.kind)  # ValueError for an unknown kind, before anything is written
    if not _SHA256_HEX.fullmatch(item.subject_sha256):
        raise ValidationFailed("subject_sha256 must be 64 lowercase hexadecimal digits")
    _check_json(item.details, "details")


def _lock(session: Session) -> None:
    """Serialise appenders until commit, so two writers can never take the same index."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE custody_entries IN EXCLUSIVE MODE")
    # pysqlite opens its transaction lazily at the first write, so max(seq) would be read
    # outside any lock; BEGIN IMMEDIATE takes the write lock first. Already inside a
    # transaction means a write was made, so the lock is already held.
    elif conn.dialect.name == "sqlite" and not _sqlite_in_transaction(session):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_in_transaction(session: Session) -> bool:
    raw: Any = session.connection().connection.driver_connection
    return bool(raw.in_transaction)


def log_size(session: Session) -> int:
    last = session.scalar(select(func.max(CustodyEntry.seq)))
    return 0 if last is None else int(last) + 1


def _read_nodes(session: Session, keys: Iterable[merkle.NodeKey]) -> dict[merkle.NodeKey, bytes]:
    """Perfect subtrees by (level, index): leaves from the entries, the rest from the nodes."""
    wanted = sorted(set(keys))
    found: dict[merkle.NodeKey, bytes] = {}
    leaves = [i for level, i in wanted if level == 0]
    upper = [k for k in wanted if k[0] > 0]
    for at in range(0, len(leaves), 500):
        q = select(CustodyEntry.seq, CustodyEntry.leaf_hash).where(
            CustodyEntry.seq.in_(leaves[at : at + 500])
        )
        found.update(((0, seq), h) for seq, h in session.execute(q))
    by_level: dict[int, list[int]] = {}
    for level, i in upper:
        by_level.setdefault(level, []).append(i)
    if by_level:
        # One indexed lookup per level; a row-value IN (level, idx) list makes SQLite scan.
        q2 = select(CustodyNode.level, CustodyNode.idx, CustodyNode.hash).where(
            or_(
                *(
                    and_(CustodyNode.level == lv, CustodyNode.idx.in_(ix))
                    for lv, ix in by_level.items()
                )
            )
        )
        found.update(((lv, i), h) for lv, i, h in session.execute(q2))
    missing = [k for k in wanted if k not in found]
    if missing:
        raise LogCorrupted(f"custody log node {missing[0]} is missing: run `tocsin verify`")
    return found


def _resolve(session: Session, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    nodes = _read_nodes(session, merkle.nodes_needed(ranges))
    return merkle.resolve(ranges, lambda level, i: nodes[(level, i)])


def _root(session: Session, size: int) -> bytes:
    return merkle.EMPTY_ROOT if size == 0 else _resolve(session, [(0, size)])[0]


def _table(model: type[CustodyEntry | CustodyNode]) -> Table:
    return cast(Table, model.__table__)


def append_many(session: Session, items: Iterable[NewEntry]) -> list[Entry]:
    """Append entries in order, in the caller's transaction; O(1) amortised hashes each."""
    todo = list(items)
    for item in todo:
        _validate(item)
    if not todo:
        return []
    _lock(session)
    size = log_size(session)
    pieces = merkle.perfect_pieces(0, size) if size else []
    nodes = _read_nodes(session, pieces)
    frontier = merkle.Frontier(size, [nodes[k] for k in pieces])
    out: list[Entry] = []
    rows: list[dict[str, Any]] = []
    node_rows: list[dict[str, Any]] = []
    for item in todo:
        at, index = utcnow(), frontier.size
        data = entry_bytes(index, item, at)
        leaf = merkle.leaf_hash(data)
        for level, idx, h in frontier.append(leaf)[1:]:
            node_rows.append({"level": level, "idx": idx, "hash": h})
        actor = item.actor
        entry = Entry(
            index, Kind(item.kind), item.subject_sha256, item.details,
            actor.user_id if actor else None, actor.email if actor else "", at, data, leaf,
        )  # fmt: skip
        out.append(entry)
        rows.append(
            {
                "seq": index,
                "entry": data,
                "leaf_hash": leaf,
                "kind": entry.kind.value,
                "subject_sha256": entry.subject_sha256,
                "user_id": entry.user_id,
                "who": entry.who,
                "created_at": at,
            }
        )
    for start in range(0, len(rows), BATCH):
        # Core inserts on the tables: the ORM's bulk path costs more than the hashing does.
        session.execute(insert(_table(CustodyEntry)), rows[start : start + BATCH])
    for start in range(0, len(node_rows), BATCH):
        session.execute(insert(_table(CustodyNode)), node_rows[start : start + BATCH])
    return out


def append(
    session: Session,
    actor: Actor | None,
    kind: Kind,
    subject_sha256: str,
    details: dict[str, Any] | None = None,
) -> Entry:
    return append_many(session, [NewEntry(actor, kind, subject_sha256, details or {})])[0]


def _head(row: StoredTreeHead) -> TreeHead:
    return TreeHead(row.tree_size, row.timestamp_ms, row.root_hash, row.signature, row.key_id)


def sign_head(session: Session, key: LogKey) -> TreeHead:
    """Sign the log as it is now. Reading the size, then nodes within it, is safe without a
    lock: nothing below a committed size ever changes."""
    size = log_size(session)
    head = sign_tree_head(key, size, _root(session, size))
    session.execute(
        insert(StoredTreeHead).values(
            tree_size=head.tree_size,
            root_hash=head.root_hash,
            timestamp_ms=head.timestamp_ms,
            signature=head.signature,
            key_id=head.key_id,
        )
    )
    return head


def latest_head(session: Session) -> TreeHead | None:
    row = session.scalars(
        select(StoredTreeHead).order_by(StoredTreeHead.tree_size.desc(), StoredTreeHead.id.desc())
    ).first()
    return None if row is None else _head(row)


def _check_size(session: Session, tree_size: int) -> None:
    size = log_size(session)
    if not 0 <= tree_size <= size:
        raise NotFound(f"the custody log holds {size} entries, not {tree_size}")


def inclusion_proof(session: Session, index: int, tree_size: int) -> InclusionProof:
    _check_size(session, tree_size)
    if not 0 <= index < tree_size:
        raise NotFound(f"custody entry {index} is not in a tree of {tree_size}")
    ranges = merkle.inclusion_ranges(index, tree_size)
    nodes = _read_nodes(session, merkle.nodes_needed(ranges) | {(0, index)})
    path = merkle.resolve(ranges, lambda level, i: nodes[(level, i)])
    return InclusionProof(index, tree_size, nodes[(0, index)], path)


def consistency_proof(session: Session, old_size: int, new_size: int) -> ConsistencyProof:
    _check_size(session, new_size)
    if not 0 <= old_size <= new_size:
        raise ValidationFailed(f"no consistency proof from {old_size} to {new_size} entries")
    path = _resolve(session, merkle.consistency_ranges(old_size, new_size))
    return ConsistencyProof(old_size, new_size, path)


def entries_for(session: Session, subject_sha256: str) -> list[Entry]:
    rows = session.scalars(
        select(CustodyEntry)
        .where(CustodyEntry.subject_sha256 == subject_sha256)
        .order_by(CustodyEntry.seq)
    )
    return [_entry(r) for r in rows]


def _entry(row: CustodyEntry) -> Entry:
    parsed = json.loads(row.entry)
    return Entry(
        row.seq, Kind(row.kind), row.subject_sha256, parsed["details"], row.user_id, row.who,
        row.created_at, row.entry, row.leaf_hash,
    )  # fmt: skip


def verify_log(session: Session, key: LogKey | PublicKey) -> Verdict:
    """Recompute every leaf, node and signed root from the stored entry bytes (O(n) time,
    O(log n) memory); see ``tocsin.vault.custody_verify``."""
    from tocsin.vault.custody_verify import verify_log as run

    return run(session, key)
