"""The real worker runs the escalation clock and delivers its notices to a real SMTP server
(STARTTLS): each person of a step gets exactly one email, at their account address, beside the
subscribers' copy of the alert; a second run sends nothing new, and the chain's end sends
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from receivers import Receivers
from sqlalchemy import select, update
from tests.alerts.alert_kit import draft

from seeding import add_user, cheap_hashing
from tocsin.alerts import lifecycle
from tocsin.alerts.chains import create_chain
from tocsin.alerts.delivery_models import AlertSubscription
from tocsin.alerts.escalation_schemas import ChainCreate, StepIn
from tocsin.alerts.models import Alert
from tocsin.alerts.schemas import IssueIn
from tocsin.alerts.worker import Worker
from tocsin.core.clock import utcnow
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings, load_settings


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


@pytest.fixture
def receivers(tmp_path: Path) -> Iterator[Receivers]:
    with Receivers(tmp_path / "tls") as r:
        yield r


def worker_settings(db: Database, receivers: Receivers) -> Settings:
    return replace(
        load_settings(), database_url=db.url, smtp_host="127.0.0.1",
        smtp_port=receivers.smtp_port, smtp_tls="starttls", smtp_ca_file=str(receivers.tls.cert),
        mail_from="alerts@tocsin.example.org", alert_workers=2, alert_send_timeout_s=2,
        alert_retry_base_s=0.1, alert_max_attempts=3, alert_lease_s=5, alert_poll_s=0.02,
        alert_escalation_interval_s=0.02, public_url="https://ews.example.org",
    )  # fmt: skip


def deadline_passes(db: Database, alert_id: str) -> None:
    """The clock's view of time passing: the current deadline to acknowledge is a second ago."""
    with db.session() as s:
        s.execute(update(Alert).where(Alert.id == alert_id)
                  .values(ack_deadline=utcnow() - timedelta(seconds=1)))  # fmt: skip


def test_the_worker_escalates_and_each_person_gets_one_email(
    db: Database, receivers: Receivers
) -> None:
    boss = add_user(db, Role.COORDINATOR, "boss@esc.example.org")
    first = [add_user(db, Role.ANALYST, "first@esc.example.org"),
             add_user(db, Role.COORDINATOR, "second@esc.example.org")]  # fmt: skip
    last = add_user(db, Role.ANALYST, "last@esc.example.org")
    with db.session() as s:
        chain = create_chain(s, boss, ChainCreate(name="Field team", steps=[
            StepIn(after_minutes=30, user_ids=[p.user_id for p in first]),
            StepIn(after_minutes=60, user_ids=[last.user_id])]))  # fmt: skip
        s.add(AlertSubscription(name="Desk", channel="email", address="desk@example.org",
                                max_tlp=2, created_at=utcnow() - timedelta(minutes=1)))
        made = draft(s, boss, title="Armed men near the clinic")
        lifecycle.issue(s, boss, made.id, IssueIn(escalation_chain_id=chain.id))
        identifier = s.get_one(Alert, made.id).identifier
    settings = worker_settings(db, receivers)
    Worker(db, settings).run(once=True)  # the deadline is 15 minutes away: the desk's copy only
    assert [m["to"] for m in receivers.sink.of("email")] == [["desk@example.org"]]

    deadline_passes(db, made.id)
    stats = Worker(db, settings).run(once=True)
    assert stats.escalated == 1 and stats.delivered == 2
    mails = receivers.sink.of("email")[1:]
    assert sorted(m["to"][0] for m in mails) == ["first@esc.example.org", "second@esc.example.org"]
    assert sorted(m["key"] for m in mails) == sorted(
        f"{identifier}:escalation:1:{p.user_id}" for p in first)
    for mail in mails:
        assert mail["tls"] and mail["subject"] == (
            "[TLP:GREEN] Escalation, step 1 of 2: Armed men near the clinic")
        assert f"https://ews.example.org/alerts/{made.id}" in mail["body"]
        assert "boss@esc.example.org" not in mail["body"]
    assert Worker(db, settings).run(once=True).escalated == 0  # the next step is 30 min away
    assert len(receivers.sink.of("email")) == 3

    deadline_passes(db, made.id)
    Worker(db, settings).run(once=True)
    deadline_passes(db, made.id)
    assert Worker(db, settings).run(once=True).escalated == 1  # the end: nobody left to call
    assert Worker(db, settings).run(once=True).escalated == 0
    keys = receivers.sink.keys("email")
    assert len(keys) == 4 and set(keys.values()) == {1}  # desk, two of step 1, one of step 2
    (notice,) = [m for m in receivers.sink.of("email") if m["to"] == ["last@esc.example.org"]]
    assert notice["subject"].startswith("[TLP:GREEN] Escalation, step 2 of 2: ")
    assert "Nobody further will be called" in notice["body"]
    with db.session() as s:
        alert = s.get_one(Alert, made.id)
        assert alert.escalation_level == 2 and alert.escalation_exhausted_at is not None
        assert s.scalar(select(Alert.acknowledged_at).where(Alert.id == made.id)) is None
