"""Export bundles: write a ~1 GiB bundle, then time the standalone verifier beside sha256sum.

Streams ``--files`` files of ``--file-mib`` MiB each (distinct content, never held whole) into
a fresh BlobStore with a custody entry each, then times ``write_bundle`` (decrypt, SHA-256,
SHA-512, zip, one exported entry per file, sign a tree head) and the standalone verifier run as
``python verify_bundle.py BUNDLE.zip`` in its own process (SHA-256 and SHA-512 of every member,
leaf hashes, inclusion proofs, signature). Baselines, same run, same bundle file (in the page
cache for all three): coreutils ``sha256sum`` and ``sha512sum`` of the zip. Figures go to
benchmarks/results/bundle_verify.json.

    python benchmarks/bundle_verify.py [--files 4] [--file-mib 256]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tocsin.core import migrate
from tocsin.core.crypto import KeyRing, install_keyring
from tocsin.core.db import Database
from tocsin.vault import BlobStore, VaultKey, custody, verify_bundle
from tocsin.vault.bundle import BundleItem, write_bundle
from tocsin.vault.custody import Kind
from tocsin.vault.signing import LogKey

RESULTS = Path(__file__).parent / "results" / "bundle_verify.json"
MIB = 1 << 20


class Pattern:
    """``size`` bytes of a repeated 1 MiB block seeded by ``seed``, produced on demand."""

    def __init__(self, size: int, seed: int) -> None:
        self._left = size
        self._block = hashlib.shake_256(f"bundle benchmark {seed}".encode()).digest(MIB)

    def read(self, size: int = -1, /) -> bytes:
        n = self._left if size < 0 else min(size, self._left)
        self._left -= n
        if n == len(self._block):
            return self._block
        return (self._block * (n // len(self._block) + 1))[:n]


def timed(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed:\n{run.stdout}{run.stderr}")
    return elapsed, run.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--file-mib", type=int, default=256)
    args = parser.parse_args()
    install_keyring(KeyRing.generate())
    log_key = LogKey.generate()
    with tempfile.TemporaryDirectory(prefix="tocsin-bundle-bench-") as tmp:
        work = Path(tmp)
        db = Database(f"sqlite:///{work / 'tocsin.sqlite3'}")
        migrate.upgrade(db.engine)
        store = BlobStore(work / "vault", VaultKey.generate())
        items = []
        with db.session() as s:
            for i in range(args.files):
                blob = store.put(Pattern(args.file_mib * MIB, i))
                entry = custody.append(s, None, Kind.COLLECTED, blob.sha256, {"n": i})
                items.append(BundleItem(blob.sha256, {"file": f"evidence-{i}.bin"}, [entry.index]))
        bundle = work / "bundle.zip"
        start = time.perf_counter()
        with db.session() as s:
            write_bundle(bundle, store, s, log_key, items, "benchmark court", "bench@example.org")
        write_s = time.perf_counter() - start
        size = bundle.stat().st_size

        verify_s, out = timed([sys.executable, verify_bundle.__file__, str(bundle)])
        if out.splitlines()[-1] != "VERDICT: INTACT":
            raise SystemExit(out)
        verify_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / 1e6
        sha256sum_s, _ = timed(["sha256sum", str(bundle)])
        sha512sum_s, _ = timed(["sha512sum", str(bundle)])
        db.dispose()

    results = {
        "files": args.files,
        "file_mib": args.file_mib,
        "bundle_bytes": size,
        "bundle_write_s": round(write_s, 2),
        "bundle_verify_s": round(verify_s, 2),
        "sha256sum_s": round(sha256sum_s, 2),
        "sha512sum_s": round(sha512sum_s, 2),
        "verify_vs_sha256sum_plus_sha512sum": round(verify_s / (sha256sum_s + sha512sum_s), 2),
        "verify_mb_per_s": round(size / verify_s / 1e6, 1),
        "verify_peak_rss_mb": round(verify_rss_mb, 1),
        "cpu_count": os.cpu_count(),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
