"""Append 1,000,000 custody entries to the Merkle custody log on SQLite, then prove and verify.

Prints Tocsin's append rate beside two baselines measured in the same run on the same entry
bytes: a plain DB-API ``executemany`` INSERT of the same rows into a fresh copy of the same
table (no hashing, no tree), and plain ``hashlib.sha256`` over the same bytes. Then times an
inclusion proof (read from the store + verified) for random leaves at full size, a consistency
proof, signing a tree head, and a full ``verify_log``. Figures go to
benchmarks/results/custody.json.

    python benchmarks/custody.py [--entries N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from tocsin.core import migrate
from tocsin.core.crypto import KeyRing, install_keyring
from tocsin.core.db import Database
from tocsin.vault import custody
from tocsin.vault.custody import Kind, NewEntry
from tocsin.vault.signing import LogKey

RESULTS = Path(__file__).parent / "results" / "custody.json"
CALL = 10_000  # entries per append_many call, each call its own transaction


def fresh(path: Path) -> Database:
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db.engine)
    return db


def append_all(db: Database, n: int) -> float:
    started = time.perf_counter()
    for at in range(0, n, CALL):
        batch = [
            NewEntry(
                None,
                Kind.ACCESSED,
                hashlib.sha256(i.to_bytes(8, "big")).hexdigest(),
                {"file": f"evidence-{i}.jpg", "via": "benchmark"},
            )
            for i in range(at, min(n, at + CALL))
        ]
        with db.session() as s:
            custody.append_many(s, batch)
    return time.perf_counter() - started


def baselines(db: Database, base: Database) -> tuple[float, float]:
    """Seconds to INSERT the same rows plainly, and to SHA-256 the same bytes."""
    insert_s = hash_s = 0.0
    sql = (
        "INSERT INTO custody_entries (seq, entry, leaf_hash, kind, subject_sha256, user_id, "
        "who, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    )
    src = db.engine.raw_connection()
    dst = base.engine.raw_connection()
    try:
        cur = src.cursor()
        cur.execute(
            "SELECT seq, entry, kind, subject_sha256, user_id, who, created_at "
            "FROM custody_entries ORDER BY seq"
        )
        while rows := cur.fetchmany(CALL):
            t = time.perf_counter()
            for r in rows:
                hashlib.sha256(b"\x00" + r[1]).digest()
            hash_s += time.perf_counter() - t
            params = [(r[0], r[1], b"", r[2], r[3], r[4], r[5], r[6]) for r in rows]
            t = time.perf_counter()
            dcur = dst.cursor()
            dcur.executemany(sql, params)
            dst.commit()
            insert_s += time.perf_counter() - t
    finally:
        src.close()
        dst.close()
    return insert_s, hash_s


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    n: int = args.entries
    install_keyring(KeyRing.generate())
    key = LogKey.generate()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        db, base = fresh(Path(tmp) / "log.sqlite3"), fresh(Path(tmp) / "base.sqlite3")
        append_s = append_all(db, n)
        print(f"append: {n} entries in {append_s:.1f}s = {n / append_s:,.0f}/s")
        insert_s, hash_s = baselines(db, base)
        print(f"baseline plain INSERT: {n / insert_s:,.0f}/s; plain sha256: {n / hash_s:,.0f}/s")

        with db.session() as s:
            t = time.perf_counter()
            head = custody.sign_head(s, key)
            sign_ms = (time.perf_counter() - t) * 1000
        proof_times, proof_sizes = [], []
        for _ in range(200):
            index = rng.randrange(n)
            t = time.perf_counter()
            with db.session() as s:
                proof = custody.inclusion_proof(s, index, head.tree_size)
            assert proof.verify(head.root_hash)
            proof_times.append((time.perf_counter() - t) * 1000)
            proof_sizes.append(32 * len(proof.path))
        old = rng.randrange(1, n)
        with db.session() as s:
            t = time.perf_counter()
            cons = custody.consistency_proof(s, old, n)
            cons_ms = (time.perf_counter() - t) * 1000
        with db.session() as s:
            t = time.perf_counter()
            verdict = custody.verify_log(s, key)
            verify_s = time.perf_counter() - t
        assert verdict.ok, verdict.problem
        print(f"verify_log: {verify_s:.1f}s; {verdict.summary()}")
        db.dispose()
        base.dispose()

    result = {
        "custody_entries": n,
        "custody_append_per_s": round(n / append_s, 1),
        "baseline_plain_insert_per_s": round(n / insert_s, 1),
        "baseline_sha256_per_s": round(n / hash_s, 1),
        "proof_ms": round(statistics.median(proof_times), 3),
        "proof_p95_ms": round(statistics.quantiles(proof_times, n=20)[18], 3),
        "proof_bytes": max(proof_sizes),
        "consistency_proof_ms": round(cons_ms, 3),
        "consistency_proof_bytes": 32 * len(cons.path),
        "sign_head_ms": round(sign_ms, 3),
        "verify_log_s": round(verify_s, 2),
    }
    print(json.dumps(result, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
