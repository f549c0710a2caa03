"""The worker in this process against real receivers: email over STARTTLS and signed webhooks
arrive once each; a hanging webhook is retried and holds up neither email nor other webhooks;
a dead endpoint ends ``dead`` after its attempts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from outbox_seed import issue, subscription
from receivers import Receivers, free_port
from sqlalchemy import select

from tocsin.alerts.delivery_email import message_id, send_email
from tocsin.alerts.delivery_models import AlertDelivery
from tocsin.alerts.outbox import Claimed
from tocsin.alerts.sending import DeliveryFailed, SendConfig
from tocsin.alerts.webhook_signing import verify_webhook
from tocsin.alerts.worker import Worker
from tocsin.core.db import Database
from tocsin.core.errors import ConfigurationError
from tocsin.core.settings import Settings, load_settings


@pytest.fixture
def receivers(tmp_path: Path) -> Iterator[Receivers]:
    with Receivers(tmp_path / "tls", webhook_servers=2) as r:
        yield r


@pytest.fixture
def settings_for(receivers: Receivers, sqlite_db: Database) -> Settings:
    return replace(
        load_settings(), database_url=sqlite_db.url, smtp_host="127.0.0.1",
        smtp_port=receivers.smtp_port, smtp_tls="starttls", smtp_ca_file=str(receivers.tls.cert),
        mail_from="alerts@tocsin.example.org", alert_workers=4, alert_send_timeout_s=0.5,
        alert_retry_base_s=0.1, alert_max_attempts=3, alert_lease_s=5, alert_poll_s=0.05,
    )  # fmt: skip


def until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.02)


def statuses(db: Database) -> dict[str, AlertDelivery]:
    with db.session() as s:
        return {d.subscription_id: d for d in s.scalars(select(AlertDelivery))}


class Running:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.worker = Worker(db, settings)
        self.thread = threading.Thread(target=self.worker.run, daemon=True)

    def __enter__(self) -> Worker:
        self.thread.start()
        return self.worker

    def __exit__(self, *exc: object) -> None:
        self.worker.stop()
        self.thread.join(10)
        assert not self.thread.is_alive()


def test_email_and_webhooks_arrive_once_each_signed_and_over_tls(
    sqlite_db: Database, settings_for: Settings, receivers: Receivers
) -> None:
    with sqlite_db.session() as s:
        mails = [subscription(s, address=f"desk{i}@example.org") for i in range(2)]
        hooks = [subscription(s, channel="webhook", address=receivers.url(), secret=f"k{i}")
                 for i in range(2)]  # fmt: skip
        alerts = [issue(s), issue(s, severity="extreme")]
    stats = Worker(sqlite_db, settings_for).run(once=True)
    assert (stats.enqueued, stats.delivered, stats.dead) == (8, 8, 0)
    keys = receivers.sink.keys()
    assert len(keys) == 8 and set(keys.values()) == {1}
    rows = statuses(sqlite_db)
    assert all(d.status == "delivered" for d in rows.values())
    for mail in receivers.sink.of("email"):
        assert mail["tls"] and mail["message_id"] == message_id(mail["key"],
                                                                "alerts@tocsin.example.org")
        assert mail["subject"].startswith("[TLP:GREEN] Alert (")
        assert mail["to"][0] in {m.address for m in mails}
    secrets = {h.id: h.secret for h in hooks}
    for hook in receivers.sink.of("webhook"):
        sub_id = hook["key"].rsplit(":", 1)[1]
        head = hook["headers"]
        assert verify_webhook(secrets[sub_id], head["X-Tocsin-Timestamp"], hook["body"],
                              head["X-Tocsin-Signature"], time.time())  # fmt: skip
        doc = json.loads(hook["body"])
        assert doc["idempotency_key"] == hook["key"] == head["Idempotency-Key"]
        assert doc["identifier"] in {a.identifier for a in alerts}


def test_a_hanging_webhook_is_retried_and_holds_up_nobody_else(
    sqlite_db: Database, settings_for: Settings, receivers: Receivers
) -> None:
    with sqlite_db.session() as s:
        mail = subscription(s)
        # Two desks on one hanging server: together they would take both webhook threads.
        slow = [subscription(s, channel="webhook", address=receivers.url(f"hang_first=3&d={i}"))
                for i in range(2)]  # fmt: skip
        quick = subscription(s, channel="webhook", address=receivers.url(server=1))
        issue(s)
    started = time.time()
    # Each hung request is given up after 1 s: anything waiting behind one would take longer.
    with Running(sqlite_db, replace(settings_for, alert_send_timeout_s=1.0, alert_workers=2)):
        until(lambda: len(receivers.sink.keys("email")) == 1
              and any(quick.id in k for k in receivers.sink.keys("webhook")))
        others_done = time.time() - started
        until(lambda: all(d.status == "delivered" for d in statuses_all(sqlite_db)), 20)
    assert others_done < 0.9
    rows = statuses(sqlite_db)
    assert all(rows[sub.id].attempts >= 2 for sub in slow)  # timed out, then sent again
    assert rows[mail.id].attempts == 1 and rows[quick.id].attempts == 1
    seen = receivers.sink.keys("webhook")
    assert all(n >= 2 for k, n in seen.items() if quick.id not in k)  # the receiver saw both


def statuses_all(db: Database) -> list[AlertDelivery]:
    with db.session() as s:
        return list(s.scalars(select(AlertDelivery)))


def test_a_dead_endpoint_ends_dead_after_its_attempts(
    sqlite_db: Database, settings_for: Settings, receivers: Receivers
) -> None:
    closed = f"http://127.0.0.1:{free_port()}/hook"  # nobody listens there
    with sqlite_db.session() as s:
        gone = subscription(s, channel="webhook", address=closed)
        refusing = subscription(s, channel="webhook", address=receivers.url("status=500"))
        fine = subscription(s)
        issue(s)
    with Running(sqlite_db, settings_for):
        until(lambda: {d.status for d in statuses_all(sqlite_db)} == {"dead", "delivered"}, 15)
    rows = statuses(sqlite_db)
    assert (rows[gone.id].status, rows[gone.id].attempts) == ("dead", 3)
    assert "ConnectError" in (rows[gone.id].last_error or "")
    assert (rows[refusing.id].status, rows[refusing.id].last_error) == ("dead",
                                                                      "HTTP 500 from the receiver")
    assert rows[fine.id].status == "delivered" and rows[fine.id].attempts == 1
    assert len([k for k in receivers.sink.keys("webhook") if refusing.id in k]) == 1
    assert sum(receivers.sink.keys("webhook").values()) == 3  # three tries, then silence


def mail_item(key: str) -> Claimed:
    payload = {"subject": "[TLP:CLEAR] Alerte (grave): École attaquée", "language": "fr",
               "text": "Des hommes armés près de l'école.\n"}  # fmt: skip
    return Claimed("d1", key, "email", 1, payload, "desk@example.org", None, "s1")


def test_implicit_tls_works_and_an_unknown_certificate_is_refused(tmp_path: Path) -> None:
    with Receivers(tmp_path / "tls", implicit_tls=True) as relay:
        trusted = SendConfig("127.0.0.1", relay.smtp_port, "tls", "", "", str(relay.tls.cert),
                             "alerts@tocsin.example.org", 2)  # fmt: skip
        send_email(mail_item("tocsin:a:1:s1"), trusted)
        (got,) = relay.sink.of("email")
        assert got["tls"] and got["key"] == "tocsin:a:1:s1"
        assert got["subject"] == "[TLP:CLEAR] Alerte (grave): École attaquée"
        assert "près de l'école" in got["body"] and got["language"] == "fr"
        with pytest.raises(DeliveryFailed, match="CERTIFICATE_VERIFY_FAILED"):
            send_email(mail_item("tocsin:a:1:s2"), replace(trusted, smtp_ca_file=""))
        assert len(relay.sink.of("email")) == 1
    with pytest.raises(ConfigurationError, match="TOCSIN_SMTP_TLS=none"):
        SendConfig("mail.example.org", 25, "none", "", "", "", "a@b.org", 2).check()
