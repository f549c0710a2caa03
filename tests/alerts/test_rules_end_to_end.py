"""From a documented act to an email in a subscriber's inbox, with nobody in between: the
worker sees the new act, runs the rules, issues the alert the rule raises, and delivers it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from receivers import Receivers
from rules_kit import acts_in, make_rule
from sqlalchemy import select
from test_worker import Running, until
from tests.conftest import PASSWORD

from tocsin.alerts.models import Alert
from tocsin.alerts.subscription_schemas import SubscriptionCreate
from tocsin.alerts.subscriptions import create as subscribe
from tocsin.core.auth import actor_for, create_user
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings, load_settings


@pytest.fixture
def receivers(tmp_path: Path) -> Iterator[Receivers]:
    with Receivers(tmp_path / "tls") as r:
        yield r


@pytest.fixture
def settings_for(receivers: Receivers, sqlite_db: Database, tmp_path: Path) -> Settings:
    return replace(
        load_settings(), database_url=sqlite_db.url, data_dir=tmp_path, smtp_host="127.0.0.1",
        smtp_port=receivers.smtp_port, smtp_tls="starttls", smtp_ca_file=str(receivers.tls.cert),
        mail_from="alerts@tocsin.example.org", alert_poll_s=0.05,
    )  # fmt: skip


def test_an_act_recorded_reaches_the_subscriber_through_a_rule(
    sqlite_db: Database, settings_for: Settings, receivers: Receivers
) -> None:
    db = sqlite_db
    with db.session() as s:
        coordinator = actor_for(create_user(s, "desk@example.org", PASSWORD, Role.COORDINATOR))
    with db.session() as s:
        subscribe(s, coordinator, SubscriptionCreate(
            name="Qaranthia desk", channel="email", address="desk@example.org",
            countries=["XQ"], max_tlp="AMBER"))  # fmt: skip
    rule = make_rule(db, coordinator, "act_threshold", {
        "threshold": 2, "window_days": 1, "group_by": "admin_area", "country": "XQ",
        "act_types": ["killing"], "issue": True})  # fmt: skip
    today = datetime.now(UTC).date().isoformat()
    with Running(db, settings_for):
        acts_in(db, coordinator, today, "Ashtar Highlands", 1)
        acts_in(db, coordinator, today, "Ashtar Highlands", 1, title="Second killing reported")
        until(lambda: bool(receivers.sink.of("email")), timeout=20)
    [mail] = receivers.sink.of("email")
    with db.session() as s:
        [alert] = s.scalars(select(Alert).where(Alert.rule_id == rule.id))
        assert (alert.state, alert.source, alert.country) == ("issued", "rule", "XQ")
        assert alert.admin_area == "Ashtar Highlands"
    assert mail["to"] == ["desk@example.org"]
    assert alert.title in mail["subject"]
    assert mail["key"].startswith(alert.identifier)
