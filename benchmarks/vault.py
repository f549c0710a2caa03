"""Evidence vault (issue 4): ingest, custody log and export bundles, each beside a baseline.

Three parts, every baseline measured in the same run on the same bytes:

1. Ingest. Random files on disk, then in alternating rounds coreutils ``sha256sum`` over them and
   ``BlobStore.put`` of the same files (SHA-256 + SHA-512 + AES-256-GCM + fsync) into a fresh
   store, so deduplication never skips work; best round of each. ``sha256sum`` may lack the SHA
   CPU extensions that Python's OpenSSL uses, so ``openssl dgst -sha256`` is timed too as a
   stricter second baseline. Then a generated stream, never held whole, shows memory stays
   bounded. Target: ingest at least 70% of sha256sum's speed, encryption included.
2. Custody. Append ``--entries`` entries to the Merkle custody log on SQLite, beside a plain
   ``executemany`` INSERT of the same rows into a fresh copy of the table and plain ``hashlib``
   SHA-256 of the same bytes; then inclusion proofs (read and verified) of random leaves, a
   consistency proof, a signed tree head and a full ``verify_log``.
3. Bundle. ``--bundle-mib`` of evidence in a fresh store, ``write_bundle``, then the standalone
   verifier run as ``python verify_bundle.py BUNDLE.zip`` in its own process, beside coreutils
   ``sha256sum`` and ``sha512sum`` of the same zip (in the page cache for all three).

Every Tocsin part runs in a child process of its own, so each peak RSS (VmHWM, the process's
own high-water mark) is that work's alone. ``peak_rss_mb`` is the largest of the processes that
handle evidence files: the ingest worker, the bundle writer and the bundle verifier (each also
reported on its own). The custody worker's is ``custody_peak_rss_mb``; this parent process only
runs the baselines and is not counted.

Rates are MB/s (10^6 bytes); sizes on the command line are MiB. Temporary data lives in a
temporary directory, removed at the end. Figures go to benchmarks/results/vault.json.

    python benchmarks/vault.py [--entries 1000000] [--ingest-mib 1024] [--bundle-mib 1024]
    python benchmarks/vault.py --entries 20000 --ingest-mib 64 --bundle-mib 64   # quick check
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from rich.console import Console
from rich.table import Table

from tocsin.core import migrate
from tocsin.core.crypto import KeyRing, install_keyring
from tocsin.core.db import Database
from tocsin.vault import BlobStore, VaultKey, custody, verify_bundle
from tocsin.vault.bundle import BundleItem, write_bundle
from tocsin.vault.custody import Kind, NewEntry
from tocsin.vault.signing import LogKey

RESULTS = Path(__file__).parent / "results" / "vault.json"
MIB = 1 << 20
TARGET = 0.70  # the issue's: ingest at >= 70% of sha256sum's speed
CALL = 10_000  # custody entries per append_many call, each call its own transaction
PROOFS = 200
# Wide enough for the figures table when the output goes to a file or a pipe (make bench).
CONSOLE = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
P = ParamSpec("P")
T = TypeVar("T")
Fig = dict[str, Any]  # one part's figures, flat, as they go into vault.json


# --- shared helpers -------------------------------------------------------------------------


class Pattern:
    """``size`` bytes of a 1 MiB block seeded by ``seed``, repeated on demand, never held whole."""

    def __init__(self, size: int, seed: int = 0) -> None:
        self._left = size
        self._block = hashlib.shake_256(f"tocsin vault benchmark {seed}".encode()).digest(MIB)

    def read(self, size: int = -1, /) -> bytes:
        n = self._left if size < 0 else min(size, self._left)
        self._left -= n
        if n == len(self._block):
            return self._block  # the common case: no copy at all
        return (self._block * (n // len(self._block) + 1))[:n]


# Peak RSS is read as VmHWM, the process's own high-water mark. Not ru_maxrss: Linux carries the
# parent's high-water mark into a child's ru_maxrss across fork and exec, so every child of this
# script would report at least this script's size.
def _vm_hwm_mb(status: str) -> float:
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6  # the kernel's "kB" is KiB
    raise SystemExit("no VmHWM in /proc/self/status: peak RSS is measured on Linux only")


def own_peak_rss_mb() -> float:
    return _vm_hwm_mb(Path("/proc/self/status").read_text(encoding="ascii"))


# Runs a script as its own program (argv[1], its arguments after it), then writes the process's
# VmHWM line to stderr for _vm_hwm_mb.
MEASURED = """\
import runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
finally:
    with open("/proc/self/status") as status:
        sys.stderr.writelines(line for line in status if line.startswith("VmHWM:"))
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    stdout: str
    stderr: str


def run(cmd: list[str]) -> Run:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return Run(elapsed, done.stdout, done.stderr)


@contextmanager
def worker() -> Iterator[ProcessPoolExecutor]:
    """One fresh interpreter (spawned, not forked, so it shares no pages with this process)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context, initializer=_install_keyring) as pool:
        yield pool


def _install_keyring() -> None:
    install_keyring(KeyRing.generate())


def in_worker(
    pool: ProcessPoolExecutor, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    return pool.submit(fn, *args, **kwargs).result()


def step(title: str, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run one stage of the (long) benchmark with a spinner, then log how long it took."""
    start = time.perf_counter()
    with CONSOLE.status(f"{title} ..."):
        result = fn(*args, **kwargs)
    CONSOLE.print(f"  {title}: {time.perf_counter() - start:.1f}s")
    return result


def open_db(path: Path, *, create: bool = False) -> Database:
    db = Database(f"sqlite:///{path}")
    if create:
        migrate.upgrade(db.engine)
    return db


# --- 1. ingest (parent: files and baselines; worker: BlobStore.put) ---------------------------


def write_random_files(directory: Path, count: int, size: int) -> list[Path]:
    files = []
    for i in range(count):
        path = directory / f"input-{i}.bin"
        with path.open("wb") as fh:
            for _ in range(size // MIB):
                fh.write(os.urandom(MIB))
            fh.flush()
            os.fsync(fh.fileno())  # so write-back of the inputs does not land in a timed round
        files.append(path)
    for path in files:  # warm the page cache equally for every contender
        with path.open("rb") as fh:
            while fh.read(8 * MIB):
                pass
    return files


def sha256sum(files: list[Path]) -> tuple[float, dict[str, str]]:
    result = run(["sha256sum", *map(str, files)])
    digests = {}
    for line in result.stdout.splitlines():
        digest, name = line.split(maxsplit=1)
        digests[name.lstrip("*")] = digest
    return result.seconds, digests


def openssl_sha256(files: list[Path]) -> float | None:
    if shutil.which("openssl") is None:
        return None
    return run(["openssl", "dgst", "-sha256", *map(str, files)]).seconds


def ingest_files(store_root: Path, files: list[Path]) -> tuple[float, dict[str, str]]:
    store = BlobStore(store_root, VaultKey.generate())
    digests = {}
    start = time.perf_counter()
    for path in files:
        with path.open("rb") as fh:
            blob = store.put(fh)
        assert not blob.duplicate
        digests[str(path)] = blob.sha256
    return time.perf_counter() - start, digests


def ingest_stream(store_root: Path, size: int) -> float:
    start = time.perf_counter()
    blob = BlobStore(store_root, VaultKey.generate()).put(Pattern(size))
    elapsed = time.perf_counter() - start
    assert blob.size == size
    return elapsed


def bench_ingest(work: Path, files_n: int, file_mib: int, stream_mib: int, rounds: int) -> Fig:
    files = step(
        f"write {files_n} x {file_mib} MiB random input files",
        write_random_files,
        work,
        files_n,
        file_mib * MIB,
    )
    total = files_n * file_mib * MIB
    sums: list[float] = []
    ingests: list[float] = []
    openssls: list[float] = []
    with worker() as pool:
        for r in range(1, rounds + 1):
            elapsed, expected = step(f"round {r}/{rounds}: sha256sum", sha256sum, files)
            sums.append(elapsed)
            openssl_s = step(f"round {r}/{rounds}: openssl dgst -sha256", openssl_sha256, files)
            if openssl_s is not None:
                openssls.append(openssl_s)
            store_root = work / f"store-{r}"
            elapsed, stored = step(
                f"round {r}/{rounds}: Tocsin ingest",
                in_worker,
                pool,
                ingest_files,
                store_root,
                files,
            )
            ingests.append(elapsed)
            if stored != expected:
                raise SystemExit(f"vault and sha256sum disagree: {stored} != {expected}")
            shutil.rmtree(store_root)
        for path in files:
            path.unlink()
        stream_size = stream_mib * MIB
        stream_s = step(
            f"Tocsin ingest of a {stream_mib} MiB generated stream",
            in_worker,
            pool,
            ingest_stream,
            work / "store-stream",
            stream_size,
        )
        shutil.rmtree(work / "store-stream")
        rss = pool.submit(own_peak_rss_mb).result()

    ingest_rate = total / min(ingests) / 1e6
    sum_rate = total / min(sums) / 1e6
    return {
        "ingest_files": files_n,
        "ingest_file_mib": file_mib,
        "ingest_stream_mib": stream_mib,
        "ingest_rounds": rounds,
        "ingest_mb_per_s": round(ingest_rate, 1),
        "sha256sum_mb_per_s": round(sum_rate, 1),
        "ingest_vs_sha256sum": round(ingest_rate / sum_rate, 2),
        "ingest_target_vs_sha256sum": TARGET,
        "ingest_meets_target": ingest_rate >= TARGET * sum_rate,
        "openssl_sha256_mb_per_s": round(total / min(openssls) / 1e6, 1) if openssls else None,
        "stream_ingest_mb_per_s": round(stream_size / stream_s / 1e6, 1),
        "ingest_peak_rss_mb": round(rss, 1),
    }


# --- 2. custody log (worker: every step; the database on disk carries state between them) -----


def custody_append(db_path: Path, key_path: Path, n: int) -> float:
    LogKey.generate().save(key_path)
    db = open_db(db_path, create=True)
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
    elapsed = time.perf_counter() - started
    db.dispose()
    return elapsed


def custody_baselines(db_path: Path, base_path: Path) -> tuple[float, float]:
    """Seconds to INSERT the same rows plainly, and to SHA-256 the same bytes."""
    db, base = open_db(db_path), open_db(base_path, create=True)
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
            dst.cursor().executemany(sql, params)
            dst.commit()
            insert_s += time.perf_counter() - t
    finally:
        src.close()
        dst.close()
        db.dispose()
        base.dispose()
    return insert_s, hash_s


def custody_proofs(db_path: Path, key_path: Path, n: int) -> Fig:
    rng = random.Random(7)
    db = open_db(db_path)
    with db.session() as s:
        t = time.perf_counter()
        head = custody.sign_head(s, LogKey.load(key_path))
        sign_ms = (time.perf_counter() - t) * 1000
    times, sizes = [], []
    for _ in range(PROOFS):
        index = rng.randrange(n)
        t = time.perf_counter()
        with db.session() as s:
            proof = custody.inclusion_proof(s, index, head.tree_size)
        assert proof.verify(head.root_hash)
        times.append((time.perf_counter() - t) * 1000)
        sizes.append(32 * len(proof.path))
    with db.session() as s:
        t = time.perf_counter()
        cons = custody.consistency_proof(s, rng.randrange(1, n), n)
        cons_ms = (time.perf_counter() - t) * 1000
    db.dispose()
    return {
        "proof_ms": round(statistics.median(times), 3),
        "proof_p95_ms": round(statistics.quantiles(times, n=20)[18], 3),
        "proof_bytes": max(sizes),
        "consistency_proof_ms": round(cons_ms, 3),
        "consistency_proof_bytes": 32 * len(cons.path),
        "sign_head_ms": round(sign_ms, 3),
    }


def custody_verify(db_path: Path, key_path: Path) -> tuple[float, str]:
    db = open_db(db_path)
    with db.session() as s:
        t = time.perf_counter()
        verdict = custody.verify_log(s, LogKey.load(key_path))
        elapsed = time.perf_counter() - t
    db.dispose()
    if not verdict.ok:
        raise SystemExit(verdict.summary())
    return elapsed, verdict.summary()


def bench_custody(work: Path, n: int) -> Fig:
    db_path, key_path = work / "custody.sqlite3", work / "log.key"
    with worker() as pool:
        append_s = step(
            f"append {n:,} custody entries",
            in_worker,
            pool,
            custody_append,
            db_path,
            key_path,
            n,
        )
        insert_s, hash_s = step(
            "baselines: plain INSERT and plain SHA-256 of the same rows",
            in_worker,
            pool,
            custody_baselines,
            db_path,
            work / "base.sqlite3",
        )
        proofs = step(
            f"sign a tree head, {PROOFS} inclusion proofs, a consistency proof",
            in_worker,
            pool,
            custody_proofs,
            db_path,
            key_path,
            n,
        )
        verify_s, summary = step(
            "verify_log",
            in_worker,
            pool,
            custody_verify,
            db_path,
            key_path,
        )
        rss = pool.submit(own_peak_rss_mb).result()
    CONSOLE.print(f"  {summary}")
    for name in ("custody.sqlite3", "base.sqlite3", "log.key"):
        (work / name).unlink()
    return {
        "custody_entries": n,
        "custody_append_per_s": round(n / append_s, 1),
        "baseline_plain_insert_per_s": round(n / insert_s, 1),
        "baseline_sha256_per_s": round(n / hash_s, 1),
        **proofs,
        "verify_log_s": round(verify_s, 2),
        "custody_peak_rss_mb": round(rss, 1),
    }


# --- 3. bundle (worker: store and write; its own process: the standalone verifier) ----------


def bundle_write(work: Path, files_n: int, file_mib: int) -> tuple[float, Path]:
    db = open_db(work / "tocsin.sqlite3", create=True)
    store = BlobStore(work / "vault", VaultKey.generate())
    items = []
    with db.session() as s:
        for i in range(files_n):
            blob = store.put(Pattern(file_mib * MIB, i))
            entry = custody.append(s, None, Kind.COLLECTED, blob.sha256, {"n": i})
            items.append(BundleItem(blob.sha256, {"file": f"evidence-{i}.bin"}, [entry.index]))
    bundle = work / "bundle.zip"
    start = time.perf_counter()
    with db.session() as s:
        write_bundle(
            bundle, store, s, LogKey.generate(), items, "benchmark court", "bench@example.org"
        )
    elapsed = time.perf_counter() - start
    db.dispose()
    shutil.rmtree(work / "vault")  # only the bundle is needed from here on
    return elapsed, bundle


def bench_bundle(work: Path, files_n: int, file_mib: int) -> Fig:
    with worker() as pool:
        write_s, bundle = step(
            f"store {files_n} x {file_mib} MiB and write their bundle",
            in_worker,
            pool,
            bundle_write,
            work,
            files_n,
            file_mib,
        )
        write_rss = pool.submit(own_peak_rss_mb).result()
    size = bundle.stat().st_size
    verifier = [sys.executable, "-c", MEASURED, verify_bundle.__file__, str(bundle)]
    verified = step("standalone verifier, in its own process", run, verifier)
    if verified.stdout.splitlines()[-1] != "VERDICT: INTACT":
        raise SystemExit(verified.stdout)
    sha256sum_s = step("baseline: sha256sum of the bundle", run, ["sha256sum", str(bundle)])
    sha512sum_s = step("baseline: sha512sum of the bundle", run, ["sha512sum", str(bundle)])
    sums_s = sha256sum_s.seconds + sha512sum_s.seconds
    return {
        "bundle_files": files_n,
        "bundle_file_mib": file_mib,
        "bundle_bytes": size,
        "bundle_write_s": round(write_s, 2),
        "bundle_verify_s": round(verified.seconds, 2),
        "bundle_sha256sum_s": round(sha256sum_s.seconds, 2),
        "bundle_sha512sum_s": round(sha512sum_s.seconds, 2),
        "bundle_verify_vs_sha256sum_plus_sha512sum": round(verified.seconds / sums_s, 2),
        "bundle_verify_mb_per_s": round(size / verified.seconds / 1e6, 1),
        "bundle_write_peak_rss_mb": round(write_rss, 1),
        "bundle_verify_peak_rss_mb": round(_vm_hwm_mb(verified.stderr), 1),
    }


# --- report -------------------------------------------------------------------------------


def table(f: Fig) -> Table:
    t = Table(title="Evidence vault, Tocsin beside baselines from the same run")
    for column in ("figure", "Tocsin", "baseline (same run)", "Tocsin against baseline"):
        t.add_column(column)
    openssl = f["openssl_sha256_mb_per_s"]
    verdict = "meets" if f["ingest_meets_target"] else "MISSES"
    t.add_row(
        "ingest MB/s (SHA-256+SHA-512+AES-GCM+fsync)",
        f"{f['ingest_mb_per_s']:,}",
        f"sha256sum {f['sha256sum_mb_per_s']:,}"
        + (f"; openssl {openssl:,}" if openssl is not None else ""),
        f"{f['ingest_vs_sha256sum']:.0%} of sha256sum's rate ({verdict} target {TARGET:.0%})",
    )
    t.add_row(
        f"ingest of a {f['ingest_stream_mib']} MiB stream, MB/s",
        f"{f['stream_ingest_mb_per_s']:,}",
        "",
        "",
    )
    t.add_row(
        f"custody append of {f['custody_entries']:,} entries, /s",
        f"{f['custody_append_per_s']:,.0f}",
        f"plain INSERT {f['baseline_plain_insert_per_s']:,.0f}; "
        f"plain SHA-256 {f['baseline_sha256_per_s']:,.0f}",
        f"{f['custody_append_per_s'] / f['baseline_plain_insert_per_s']:.0%} of INSERT's rate",
    )
    t.add_row(
        "inclusion proof, read + verified, ms",
        f"p50 {f['proof_ms']}, p95 {f['proof_p95_ms']} ({f['proof_bytes']} B)",
        "",
        "",
    )
    t.add_row(
        "consistency proof, ms",
        f"{f['consistency_proof_ms']} ({f['consistency_proof_bytes']} B)",
        "",
        "",
    )
    t.add_row("sign a tree head, ms", f"{f['sign_head_ms']}", "", "")
    t.add_row("verify_log of the whole log, s", f"{f['verify_log_s']}", "", "")
    t.add_row(
        f"write a {f['bundle_bytes'] / 1e9:.2f} GB bundle, s", f"{f['bundle_write_s']}", "", ""
    )
    t.add_row(
        "verify that bundle (own process), s",
        f"{f['bundle_verify_s']}",
        f"sha256sum {f['bundle_sha256sum_s']} + sha512sum {f['bundle_sha512sum_s']}",
        f"{f['bundle_verify_vs_sha256sum_plus_sha512sum']:.0%} of their time",
    )
    t.add_row(
        "peak RSS, MB",
        f"{f['peak_rss_mb']} (ingest {f['ingest_peak_rss_mb']}, bundle write "
        f"{f['bundle_write_peak_rss_mb']}, verify {f['bundle_verify_peak_rss_mb']}; "
        f"custody {f['custody_peak_rss_mb']})",
        "",
        "",
    )
    return t


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--entries",
        type=positive,
        default=1_000_000,
        help="custody entries to append (default 1,000,000)",
    )
    parser.add_argument(
        "--ingest-mib",
        type=positive,
        default=1024,
        help="MiB of files ingested per round (default 1024)",
    )
    parser.add_argument("--ingest-files", type=positive, default=2)
    parser.add_argument(
        "--stream-mib",
        type=positive,
        help="MiB of the generated stream (default twice --ingest-mib)",
    )
    parser.add_argument("--rounds", type=positive, default=3)
    parser.add_argument(
        "--bundle-mib",
        type=positive,
        default=1024,
        help="MiB of evidence in the bundle (default 1024)",
    )
    parser.add_argument("--bundle-files", type=positive, default=4)
    args = parser.parse_args()
    if args.entries < 2:
        parser.error("--entries: at least 2, for a consistency proof between two sizes")
    for name in ("ingest", "bundle"):
        if getattr(args, f"{name}_mib") < getattr(args, f"{name}_files"):
            parser.error(f"--{name}-mib must be at least --{name}-files (1 MiB per file)")
    return args


def main() -> None:
    args = arguments()
    started = time.perf_counter()
    figures: Fig = {}
    with tempfile.TemporaryDirectory(prefix="tocsin-vault-bench-") as tmp:
        work = Path(tmp)
        CONSOLE.rule("1. ingest")
        figures |= bench_ingest(
            work,
            args.ingest_files,
            args.ingest_mib // args.ingest_files,
            args.stream_mib or 2 * args.ingest_mib,
            args.rounds,
        )
        CONSOLE.rule("2. custody log")
        figures |= bench_custody(work, args.entries)
        CONSOLE.rule("3. export bundle")
        figures |= bench_bundle(work, args.bundle_files, args.bundle_mib // args.bundle_files)
    figures["peak_rss_mb"] = max(
        figures[k]
        for k in ("ingest_peak_rss_mb", "bundle_write_peak_rss_mb", "bundle_verify_peak_rss_mb")
    )
    figures["peak_rss_scope"] = (
        "max VmHWM of the child processes that ingest, write and verify evidence files"
    )
    figures["cpu_count"] = os.cpu_count() or 1
    figures["elapsed_s"] = round(time.perf_counter() - started, 1)
    CONSOLE.print(table(figures))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    CONSOLE.print(f"figures written to {RESULTS}")


if __name__ == "__main__":
    main()
