"""Kill the worker process mid-delivery, start it again: every alert reaches every matching
subscriber, none is missing, and the copies a receiver got twice share one idempotency key."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from outbox_seed import issue, subscription
from receivers import Receivers
from sqlalchemy import select

from tocsin.alerts.delivery_models import AlertDelivery
from tocsin.alerts.dispatch import idempotency_key
from tocsin.core.auth import create_user
from tocsin.core.crypto import KeyRing
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.tlp import TLP

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def receivers(tmp_path: Path) -> Iterator[Receivers]:
    with Receivers(tmp_path / "tls", smtp_delay=0.03) as r:
        yield r


def worker_env(db: Database, tmp_path: Path, keyring: KeyRing, receivers: Receivers
               ) -> dict[str, str]:  # fmt: skip
    key_file = tmp_path / "keys" / "tocsin.keys"
    if not key_file.exists():
        keyring.save(key_file)
    return {
        **os.environ, **receivers.env(), "PYTHONUNBUFFERED": "1",
        "TOCSIN_DATA_DIR": str(tmp_path), "TOCSIN_DATABASE_URL": db.url,
        "TOCSIN_KEY_FILE": str(key_file), "TOCSIN_ALERT_LEASE": "1",
        "TOCSIN_ALERT_POLL": "0.05", "TOCSIN_ALERT_RETRY_BASE": "0.1",
        "TOCSIN_ALERT_SEND_TIMEOUT": "2", "TOCSIN_ALERT_WORKERS": "3",
    }  # fmt: skip


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tocsin.cli_alerts", "worker"], env=env,
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def delivered(db: Database) -> list[AlertDelivery]:
    with db.session() as s:
        return list(s.scalars(select(AlertDelivery)))


def test_a_killed_worker_loses_nothing_and_duplicates_share_a_key(
    sqlite_db: Database, tmp_path: Path, keyring: KeyRing, receivers: Receivers
) -> None:
    db = sqlite_db
    with db.session() as s:
        named = create_user(s, "named@example.org", "long enough passphrase", Role.COORDINATOR)
        other = create_user(s, "other@example.org", "long enough passphrase", Role.COORDINATOR)
        mails = [subscription(s, address=f"desk{i}@example.org") for i in range(6)]
        hooks = [subscription(s, channel="webhook", address=receivers.url("delay=0.03"),
                              secret=f"secret-{i}") for i in range(6)]  # fmt: skip
        red_mine = subscription(s, user_id=named.id, max_tlp=4, address="named@example.org")
        red_theirs = subscription(s, user_id=other.id, max_tlp=4, address="other@example.org")
        alerts = [issue(s) for _ in range(5)]
        red = issue(s, tlp=int(TLP.RED), recipients=[named.id])
    everyone = [*mails, *hooks, red_mine, red_theirs]
    expected = {idempotency_key(a.identifier, 1, sub.id, False) for a in alerts for sub in everyone}
    expected.add(idempotency_key(red.identifier, 1, red_mine.id, False))

    env = worker_env(db, tmp_path, keyring, receivers)
    first = start_worker(env)
    deadline = time.monotonic() + 30
    while len(receivers.sink.keys()) < 15:
        assert first.poll() is None, first.stderr.read().decode() if first.stderr else ""
        assert time.monotonic() < deadline, "the worker delivered nothing"
        time.sleep(0.005)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    seen_at_kill = set(receivers.sink.keys())
    assert 15 <= len(seen_at_kill) < len(expected), "the kill must land mid-delivery"
    assert any(d.status != "delivered" for d in delivered(db))

    second = start_worker(env)
    try:
        deadline = time.monotonic() + 30
        while not all(d.status == "delivered" for d in delivered(db)):
            assert second.poll() is None, second.stderr.read().decode() if second.stderr else ""
            assert time.monotonic() < deadline, "the restarted worker did not finish"
            time.sleep(0.05)
    finally:
        second.send_signal(signal.SIGTERM)  # a clean stop: sends under way finish first
        _, err = second.communicate(timeout=20)
    assert second.returncode == 0, err.decode()
    assert "│ delivered │" in err.decode()  # its report, printed on the way out

    seen = receivers.sink.keys()
    assert set(seen) == expected  # nobody missing, nobody extra (RED only to the named)
    rows = delivered(db)
    assert {d.idempotency_key for d in rows} == expected
    assert any(d.attempts >= 2 for d in rows)  # a lapsed lease was taken up again
    duplicated = sum(seen.values()) - len(seen)
    assert all(n <= 2 for n in seen.values()), f"{duplicated} duplicates: {seen.most_common(3)}"
