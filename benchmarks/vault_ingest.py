"""Evidence vault ingest: BlobStore.put (SHA-256 + SHA-512 + AES-256-GCM + fsync) vs sha256sum.

Writes random files, then in alternating rounds times `sha256sum` over them and ``put`` of the
same files into a fresh store (fresh, so deduplication never skips work). Best round of each is
reported. Then stores a streamed input (a generator-backed file object, never held in memory)
to show that memory stays bounded, and reports the process's peak RSS over the whole run.
Target: ingest at least 70% of sha256sum's speed, encryption included.

coreutils `sha256sum` may not use the CPU's SHA extensions while Python's hashlib (OpenSSL)
does, so when `openssl` is installed the same files are also timed with `openssl dgst -sha256`
as a stricter second baseline (``openssl_sha256_mb_per_s``).

Rates are in MB/s (10^6 bytes); sizes given on the command line are MiB. Figures go to
benchmarks/results/vault_ingest.json.

    python benchmarks/vault_ingest.py [--files 2] [--file-mib 512] [--stream-mib 2048]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tocsin.vault import BlobStore, VaultKey

RESULTS = Path(__file__).parent / "results" / "vault_ingest.json"
MIB = 1 << 20


class Repeating:
    """``size`` bytes of a repeated 1 MiB block, produced on demand and never held whole."""

    def __init__(self, size: int) -> None:
        self._left = size
        self._block = hashlib.shake_256(b"tocsin vault benchmark").digest(MIB)

    def read(self, size: int = -1, /) -> bytes:
        n = self._left if size < 0 else min(size, self._left)
        self._left -= n
        if n == len(self._block):
            return self._block  # the common case: no copy at all
        return (self._block * (n // len(self._block) + 1))[:n]


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
    return files


def time_sha256sum(files: list[Path]) -> tuple[float, dict[str, str]]:
    start = time.perf_counter()
    out = subprocess.run(
        ["sha256sum", *map(str, files)], check=True, capture_output=True, text=True
    ).stdout
    elapsed = time.perf_counter() - start
    digests = {}
    for line in out.splitlines():
        digest, name = line.split(maxsplit=1)
        digests[name.lstrip("*")] = digest
    return elapsed, digests


def time_openssl(files: list[Path]) -> float | None:
    if shutil.which("openssl") is None:
        return None
    start = time.perf_counter()
    subprocess.run(
        ["openssl", "dgst", "-sha256", *map(str, files)], check=True, capture_output=True
    )
    return time.perf_counter() - start


def time_ingest(store_root: Path, key: VaultKey, files: list[Path]) -> tuple[float, dict[str, str]]:
    store = BlobStore(store_root, key)
    digests = {}
    start = time.perf_counter()
    for path in files:
        with path.open("rb") as fh:
            blob = store.put(fh)
        assert not blob.duplicate
        digests[str(path)] = blob.sha256
    return time.perf_counter() - start, digests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2)
    parser.add_argument("--file-mib", type=int, default=512)
    parser.add_argument("--stream-mib", type=int, default=2048)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    key = VaultKey.generate()
    total = args.files * args.file_mib * MIB
    with tempfile.TemporaryDirectory(prefix="tocsin-vault-bench-") as tmp:
        work = Path(tmp)
        files = write_random_files(work, args.files, args.file_mib * MIB)
        for path in files:  # warm the page cache equally for both contenders
            with path.open("rb") as fh:
                while fh.read(8 * MIB):
                    pass

        sums, ingests, openssls = [], [], []
        for round_no in range(args.rounds):
            elapsed, expected = time_sha256sum(files)
            sums.append(elapsed)
            openssl_s = time_openssl(files)
            if openssl_s is not None:
                openssls.append(openssl_s)
            store_root = work / f"store-{round_no}"
            elapsed, stored = time_ingest(store_root, key, files)
            ingests.append(elapsed)
            if stored != expected:
                raise SystemExit(f"vault and sha256sum disagree: {stored} != {expected}")
            shutil.rmtree(store_root)

        stream_size = args.stream_mib * MIB
        start = time.perf_counter()
        blob = BlobStore(work / "store-stream", key).put(Repeating(stream_size))
        stream_s = time.perf_counter() - start
        assert blob.size == stream_size

    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    ingest_rate = total / min(ingests) / 1e6
    sum_rate = total / min(sums) / 1e6
    figures = {
        "files": args.files,
        "file_mib": args.file_mib,
        "stream_mib": args.stream_mib,
        "rounds": args.rounds,
        "ingest_mb_per_s": round(ingest_rate, 1),
        "sha256sum_mb_per_s": round(sum_rate, 1),
        "ingest_vs_sha256sum": round(ingest_rate / sum_rate, 2),
        "openssl_sha256_mb_per_s": round(total / min(openssls) / 1e6, 1) if openssls else None,
        "stream_ingest_mb_per_s": round(stream_size / stream_s / 1e6, 1),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "cpu_count": os.cpu_count() or 1,
    }
    print(
        f"ingest {figures['ingest_mb_per_s']} MB/s (SHA-256 + SHA-512 + AES-256-GCM + fsync) "
        f"vs sha256sum {figures['sha256sum_mb_per_s']} MB/s: "
        f"{figures['ingest_vs_sha256sum']:.0%} (target >= 70%)"
    )
    if openssls:
        print(f"(openssl dgst -sha256, SHA-NI: {figures['openssl_sha256_mb_per_s']} MB/s)")
    print(
        f"streamed {args.stream_mib} MiB at {figures['stream_ingest_mb_per_s']} MB/s; "
        f"peak RSS {figures['peak_rss_mb']} MB"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
