"""`tocsin serve --with-worker` (what `make run` starts): the web server and the alert worker in
one process. An alert issued before it starts reaches its subscriber, the API answers beside the
worker, and a SIGTERM stops both cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from outbox_seed import issue, subscription
from receivers import Receivers, free_port
from test_worker_crash import REPO, worker_env

from tocsin.core.crypto import KeyRing
from tocsin.core.db import Database


@pytest.fixture
def receivers(tmp_path: Path) -> Iterator[Receivers]:
    with Receivers(tmp_path / "tls") as r:
        yield r


def answers(url: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=5).status_code == 200
        except httpx.ConnectError:  # still starting
            time.sleep(0.1)
    return False


def test_the_server_delivers_issued_alerts_and_stops_cleanly(
    sqlite_db: Database, tmp_path: Path, keyring: KeyRing, receivers: Receivers
) -> None:
    with sqlite_db.session() as s:
        desk = subscription(s, address="desk@example.org")
        alert = issue(s, title="Shelling near the clinic")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tocsin.cli", "serve", "--port", str(port), "--with-worker"],
        env=worker_env(sqlite_db, tmp_path, keyring, receivers), cwd=REPO,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not receivers.sink.of("email"):
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            assert time.monotonic() < deadline, "the worker inside the server sent nothing"
            time.sleep(0.05)
        assert answers(f"http://127.0.0.1:{port}/api/v1/health", deadline)
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=30)
    assert server.returncode == 0, err.decode()
    assert "alert worker running in the background" in (out + err).decode()
    mails = receivers.sink.of("email")
    assert len(mails) == 1
    assert mails[0]["to"] == ["desk@example.org"]
    assert "Shelling near the clinic" in mails[0]["subject"]
    assert mails[0]["key"].startswith(alert.identifier) and mails[0]["key"].endswith(desk.id)
