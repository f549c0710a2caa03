"""The custody log on real SQLite and PostgreSQL: append, sign, prove, verify, and tampering."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tocsin.core.backup import create_backup, restore_backup
from tocsin.core.db import Database
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.settings import Settings
from tocsin.vault import custody, merkle, signing
from tocsin.vault.custody import Kind, NewEntry
from tocsin.vault.models import StoredTreeHead
from tocsin.vault.signing import LogKey

KEY = LogKey.generate()
TABLES = ("custody_entries", "custody_nodes", "tree_heads")


def sha(n: int) -> str:
    return hashlib.sha256(f"file {n}".encode()).hexdigest()


def fill(db: Database, n: int) -> None:
    with db.session() as s:
        custody.append_many(s, [NewEntry(None, Kind.ACCESSED, sha(i), {"n": i}) for i in range(n)])


def tamper(db: Database, table: str, sql: str, **params: Any) -> None:
    """Change a row as someone with direct database access would: guard triggers off first."""
    with db.engine.begin() as conn:
        if db.dialect == "sqlite":
            for verb in ("update", "delete"):
                conn.exec_driver_sql(f"DROP TRIGGER {table}_no_{verb}")
            conn.execute(text(sql), params)
        else:
            # Re-enabled in the same transaction: the PostgreSQL test database is shared.
            conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_change")
            conn.execute(text(sql), params)
            conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_change")


def test_append_sign_prove_and_verify(db: Database, make_actor: Any) -> None:
    actor = make_actor()
    with db.session() as s:
        first = custody.append(s, actor, Kind.COLLECTED, sha(0), {"file": "photo.jpg", "n": 1})
        custody.append_many(s, [NewEntry(None, Kind.COPIED, sha(i), {}) for i in range(1, 20)])
        old = custody.sign_head(s, KEY)
        custody.append_many(s, [NewEntry(actor, Kind.SHARED, sha(i), {}) for i in range(20, 37)])
        new = custody.sign_head(s, KEY)
    assert (first.index, old.tree_size, new.tree_size) == (0, 20, 37)
    with db.session() as s:
        stored = [custody.entries_for(s, sha(i))[0] for i in range(37)]
        # The plain reference: a tree rebuilt in memory from the stored bytes alone.
        reference = merkle.MemoryTree(merkle.leaf_hash(e.data) for e in stored)
        assert new.root_hash == reference.root() and old.root_hash == reference.root(20)
        for size, head in ((20, old), (37, new)):
            for i in range(size):
                proof = custody.inclusion_proof(s, i, size)
                assert proof.leaf_hash == hashlib.sha256(b"\x00" + stored[i].data).digest()
                assert proof.path == reference.inclusion_proof(i, size)
                assert proof.verify(head.root_hash)
        for m in range(0, 38):
            assert custody.consistency_proof(s, m, 37).verify(reference.root(m), new.root_hash)
        assert custody.consistency_proof(s, 20, 37).verify(old.root_hash, new.root_hash)
        assert custody.latest_head(s) == new
        verdict = custody.verify_log(s, KEY)
    assert verdict.ok and (verdict.entries, verdict.heads) == (37, 2), verdict.problem
    assert "intact" in verdict.summary()


def test_entry_bytes_are_canonical_and_carry_index_actor_and_time(
    db: Database, make_actor: Any
) -> None:
    actor = make_actor()
    with db.session() as s:
        fill(db, 0)
        entry = custody.append(s, actor, Kind.RECEIVED, sha(1), {"from": "Ségou", "pages": 3})
    data = json.loads(entry.data)
    assert data == {
        "v": 1,
        "index": 0,
        "kind": "received",
        "subject_sha256": sha(1),
        "actor": {"user_id": actor.user_id, "email": actor.email},
        "at": entry.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "details": {"from": "Ségou", "pages": 3},
    }
    assert (
        entry.data
        == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )
    assert entry.leaf_hash == hashlib.sha256(b"\x00" + entry.data).digest()


def test_bad_entries_are_refused_before_anything_is_written(db: Database) -> None:
    with db.session() as s:
        with pytest.raises(ValidationFailed):
            custody.append(s, None, Kind.COPIED, "ABC", {})
        with pytest.raises(ValidationFailed):
            custody.append(s, None, Kind.COPIED, sha(1), {"ratio": 0.5})
        with pytest.raises(ValueError):
            custody.append(s, None, "burnt", sha(1), {})  # type: ignore[arg-type]
        assert custody.log_size(s) == 0


def test_proofs_outside_the_log_are_refused(db: Database) -> None:
    fill(db, 5)
    with db.session() as s:
        with pytest.raises(NotFound):
            custody.inclusion_proof(s, 5, 5)
        with pytest.raises(NotFound):
            custody.inclusion_proof(s, 0, 6)
        with pytest.raises(NotFound):
            custody.consistency_proof(s, 2, 6)
        with pytest.raises(ValidationFailed):
            custody.consistency_proof(s, 4, 3)


@pytest.mark.parametrize("table", TABLES)
def test_the_database_refuses_updates_and_deletes(db: Database, table: str) -> None:
    fill(db, 3)
    with db.session() as s:
        custody.sign_head(s, KEY)
    column = {"custody_entries": "kind", "custody_nodes": "hash", "tree_heads": "key_id"}[table]
    for sql in (f"UPDATE {table} SET {column} = {column}", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.exec_driver_sql(sql)


def test_an_entry_edited_in_place_is_caught_and_named(db: Database) -> None:
    fill(db, 40)
    with db.session() as s:
        custody.sign_head(s, KEY)
    with db.session() as s:
        edited = custody.entries_for(s, sha(17))[0].data.replace(b'"n":17', b'"n":71')
    tamper(db, "custody_entries", "UPDATE custody_entries SET entry = :e WHERE seq = 17", e=edited)
    with db.session() as s:
        verdict = custody.verify_log(s, KEY)
    assert not verdict.ok and verdict.entry == 17
    assert "custody entry 17 was changed" in (verdict.problem or "")


def test_an_entry_rewritten_with_its_leaf_hash_is_caught(db: Database) -> None:
    fill(db, 40)
    with db.session() as s:
        custody.sign_head(s, KEY)
        edited = custody.entries_for(s, sha(17))[0].data.replace(b'"n":17', b'"n":71')
    tamper(
        db,
        "custody_entries",
        "UPDATE custody_entries SET entry = :e, leaf_hash = :h WHERE seq = 17",
        e=edited,
        h=merkle.leaf_hash(edited),
    )
    with db.session() as s:
        verdict = custody.verify_log(s, KEY)
    assert not verdict.ok and verdict.entry == 16  # the pair of entries 16 and 17
    assert "entries 16 to 17" in (verdict.problem or "")


def test_a_damaged_stored_subtree_fails_proofs_and_is_named(db: Database) -> None:
    fill(db, 16)
    with db.session() as s:
        head = custody.sign_head(s, KEY)
    # Node (level 1, index 3) is the hash of entries 6 and 7: on the audit path of entry 4.
    tamper(db, "custody_nodes", "UPDATE custody_nodes SET hash = :h WHERE level = 1 AND idx = 3",
           h=bytes(32))  # fmt: skip
    with db.session() as s:
        assert not custody.inclusion_proof(s, 4, 16).verify(head.root_hash)
        assert custody.inclusion_proof(s, 9, 16).verify(head.root_hash)  # path avoids it
        verdict = custody.verify_log(s, KEY.public_raw())
    assert not verdict.ok and verdict.entry == 6
    assert "custody entries 6 to 7" in (verdict.problem or "")


def test_a_column_that_disagrees_with_the_hashed_entry_is_named(db: Database) -> None:
    fill(db, 10)
    tamper(db, "custody_entries", "UPDATE custody_entries SET kind = 'collected' WHERE seq = 4")
    with db.session() as s:
        verdict = custody.verify_log(s, KEY)
    assert not verdict.ok and verdict.entry == 4 and "kind" in (verdict.problem or "")


def test_entries_removed_from_the_end_are_caught(db: Database) -> None:
    fill(db, 10)
    with db.session() as s:
        custody.sign_head(s, KEY)
    tamper(db, "custody_entries", "DELETE FROM custody_entries WHERE seq >= 8")
    with db.session() as s:
        verdict = custody.verify_log(s, KEY)
    assert not verdict.ok and "entries were removed" in (verdict.problem or "")


def test_a_forged_signature_or_another_key_fails(db: Database) -> None:
    fill(db, 10)
    with db.session() as s:
        head = custody.sign_head(s, KEY)
        assert not custody.verify_log(s, LogKey.generate()).ok
        assert "another key" in (custody.verify_log(s, LogKey.generate()).problem or "")
    forged = bytearray(head.signature)
    forged[0] ^= 1
    tamper(db, "tree_heads", "UPDATE tree_heads SET signature = :sig", sig=bytes(forged))
    with db.session() as s:
        verdict = custody.verify_log(s, KEY)
    assert not verdict.ok and "forged or damaged" in (verdict.problem or "")


def test_a_validly_signed_head_over_another_root_fails(db: Database) -> None:
    fill(db, 10)
    lie = signing.sign_tree_head(KEY, 10, bytes(32))
    with db.session() as s:
        s.add(StoredTreeHead(tree_size=10, root_hash=lie.root_hash, timestamp_ms=lie.timestamp_ms,
                             signature=lie.signature, key_id=lie.key_id))  # fmt: skip
    with db.session() as s:
        verdict = custody.verify_log(s, KEY)
    assert not verdict.ok
    assert (
        verdict.problem == "the tree head signed for 10 entries does not match the "
        "entries now stored"
    )


def test_concurrent_writers_never_share_an_index(db: Database) -> None:
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            for i in range(15):
                with db.session() as s:
                    custody.append(s, None, Kind.ACCESSED, sha(w * 100 + i), {"w": w})
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.session() as s:
        assert custody.log_size(s) == 45
        custody.sign_head(s, KEY)
        verdict = custody.verify_log(s, KEY)
    assert verdict.ok and verdict.entries == 45, verdict.problem


def test_a_forced_restore_brings_back_the_log_and_its_guards(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    fill(db, 12)
    with db.session() as s:
        head = custody.sign_head(s, KEY)
    path = create_backup(db, settings, tmp_path / "store.tar.gz").path
    fill(db, 3)  # written after the backup: force throws these away
    restore_backup(path, settings, force=True)
    with db.session() as s:
        verdict = custody.verify_log(s, KEY)
    assert verdict.ok and verdict.entries == 12 and verdict.head == head, verdict.problem
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM custody_entries")
