"""A 2 GiB file added through the real command line by a process that cannot hold it.

The child process gets an address-space limit of 1 GiB (``RLIMIT_AS``), half the file's size,
so reading the file whole, or holding its ciphertext, would fail with MemoryError. The file is
sparse (no disk blocks until written), so making it costs nothing; storing it encrypts 2 GiB.
Runs on SQLite only: the database sees one row either way.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

SIZE = 2 << 30
LIMIT = 1 << 30
ADMIN = "admin@example.org"

CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from tocsin.cli import main
sys.argv = ["tocsin", *sys.argv[1:]]
main()
"""
# Run apart too: opening the store installs its key ring, which this test process must keep.
SETUP = """
import sys
from sqlalchemy import select
from tocsin.cases import events
from tocsin.cases.schemas import EventCreate
from tocsin.core.auth import actor_for
from tocsin.core.models import User
from tocsin.core.settings import load_settings
from tocsin.core.store import open_store
from tocsin.vault.models import Evidence

db = open_store(load_settings())
with db.session() as s:
    if sys.argv[1] == "event":
        admin = actor_for(s.scalars(select(User).where(User.email == sys.argv[2])).one())
        print(events.create(s, admin, EventCreate(title="Long video", start="2024-05")).id)
    else:
        stored = s.scalars(select(Evidence)).one()
        print(stored.size, stored.sha256)
"""


def zeros_sha256(size: int) -> str:
    digest, block = hashlib.sha256(), bytes(1 << 20)
    for _ in range(size >> 20):
        digest.update(block)
    return digest.hexdigest()


def run(env: dict[str, str], code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, timeout=600, check=False)  # fmt: skip


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS semantics are Linux's")
def test_two_gib_file_is_added_and_verified_under_a_one_gib_memory_limit(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "TOCSIN_DATA_DIR": str(data), "MALLOC_ARENA_MAX": "2",
           "TOCSIN_ADMIN_PASSWORD": "a long admin passphrase"}  # fmt: skip
    for key in ("TOCSIN_DATABASE_URL", "TOCSIN_KEY_FILE", "TOCSIN_EVIDENCE_DIR"):
        env.pop(key, None)
    limited = CHILD.format(limit=LIMIT)
    init = run(env, limited, "init", "--admin-email", ADMIN)
    assert init.returncode == 0, init.stderr
    made = run(env, SETUP, "event", ADMIN)
    assert made.returncode == 0, made.stderr
    event = made.stdout.strip()
    video = tmp_path / "long-video.mp4"
    with video.open("wb") as fh:
        fh.truncate(SIZE)

    added = run(env, limited, "evidence", "add", str(video), "--event", event, "--kind", "video",
                "--user", ADMIN)  # fmt: skip
    assert added.returncode == 0, added.stderr[-3000:]
    stored = run(env, SETUP, "stored")
    assert stored.stdout.split() == [str(SIZE), zeros_sha256(SIZE)], stored.stderr
    # The stored blob is ciphertext: no run of zeros in it.
    blob = next(p for p in (data / "evidence").rglob("*") if p.is_file())
    with blob.open("rb") as fh:
        fh.seek(SIZE // 2)
        assert fh.read(4096).count(0) < 100

    verified = run(env, limited, "verify")
    assert verified.returncode == 0, verified.stderr[-3000:]
    assert "intact" in verified.stderr
