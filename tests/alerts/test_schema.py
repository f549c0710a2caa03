"""The alerts schema: every table on both backends, a history the database keeps append-only,
an outbox that cannot hold one delivery twice, and rules that cannot fire twice for one key."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from tocsin.alerts.delivery_models import AlertDelivery, AlertSubscription
from tocsin.alerts.models import Alert, AlertChange
from tocsin.alerts.rule_models import AlertRule, AlertRuleFiring
from tocsin.alerts.vocab import AlertState, Certainty, Channel, Severity, Urgency
from tocsin.core.db import Database

TABLES = {
    "alerts", "alert_links", "alert_actions", "alert_changes", "escalation_chains",
    "alert_subscriptions", "alert_deliveries", "alert_rules", "alert_rule_firings",
}  # fmt: skip


def alert(n: int = 1) -> Alert:
    return Alert(
        id=f"a{n}",
        identifier=f"tocsin:a{n}",
        title="Armed men seen near the village school",
        severity=Severity.SEVERE,
        urgency=Urgency.IMMEDIATE,
        certainty=Certainty.LIKELY,
        category="school_or_hospital_attack",
        tlp=1,
        state=AlertState.DRAFT,
    )


def subscription(secret: str | None = None) -> AlertSubscription:
    return AlertSubscription(
        id="s1", name="Partner desk", channel=Channel.WEBHOOK,
        address="https://partner.example/hook", secret=secret,
    )  # fmt: skip


def delivery(n: int, key: str) -> AlertDelivery:
    return AlertDelivery(
        id=f"d{n}", alert_id="a1", alert_version=1, subscription_id="s1",
        channel=Channel.WEBHOOK, idempotency_key=key, payload={"title": "x"},
    )  # fmt: skip


def test_the_migration_creates_every_alerts_table(db: Database) -> None:
    assert set(inspect(db.engine).get_table_names()) >= TABLES


def test_an_alert_gets_its_defaults(db: Database) -> None:
    with db.session() as s:
        s.add(alert())
    with db.session() as s:
        saved = s.get(Alert, "a1")
        assert saved is not None
        assert (saved.version, saved.language, saved.escalation_level) == (1, "en", 0)
        assert (saved.references, saved.recipients, saved.instruction) == ([], [], "")
        assert saved.created_at.tzinfo is not None


def test_the_change_history_refuses_update_and_delete(db: Database) -> None:
    with db.session() as s:
        s.add(alert())
        s.flush()
        s.add(AlertChange(alert_id="a1", to_state=AlertState.ISSUED, version=1, reason="first"))
    for sql in ("UPDATE alert_changes SET reason = 'rewritten'", "DELETE FROM alert_changes"):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(sql))
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT reason FROM alert_changes")).scalars().all() == ["first"]


def test_one_idempotency_key_is_one_delivery(db: Database) -> None:
    with db.session() as s:
        s.add_all([alert(), subscription()])
        s.flush()
        s.add(delivery(1, "tocsin:a1:1:s1"))
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(delivery(2, "tocsin:a1:1:s1"))
    with db.session() as s:
        s.add(delivery(3, "tocsin:a1:2:s1"))  # the next version is a new delivery
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alert_deliveries")).scalar() == 2


def test_a_rule_fires_once_per_key(db: Database) -> None:
    def rule(rule_id: str) -> AlertRule:
        return AlertRule(
            id=rule_id, name="Killings above baseline", kind="act_spike", params={},
            category="community_threat", severity=Severity.SEVERE, urgency=Urgency.EXPECTED,
            certainty=Certainty.LIKELY,
        )  # fmt: skip

    with db.session() as s:
        s.add_all([rule("r1"), rule("r2")])
        s.flush()
        s.add(AlertRuleFiring(rule_id="r1", key="CD/Ituri/2024-W10", detail={}))
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(AlertRuleFiring(rule_id="r1", key="CD/Ituri/2024-W10", detail={}))
    with db.session() as s:  # another rule, or another window, may fire
        s.add(AlertRuleFiring(rule_id="r2", key="CD/Ituri/2024-W10", detail={}))
        s.add(AlertRuleFiring(rule_id="r1", key="CD/Ituri/2024-W11", detail={}))


def test_the_webhook_secret_is_encrypted_at_rest(db: Database) -> None:
    with db.session() as s:
        s.add(subscription(secret="hmac-key-never-in-clear"))
    with db.engine.connect() as conn:
        raw = conn.execute(text("SELECT secret FROM alert_subscriptions")).scalar_one()
    assert "hmac-key-never-in-clear" not in raw
    with db.session() as s:
        saved = s.get(AlertSubscription, "s1")
        assert saved is not None and saved.secret == "hmac-key-never-in-clear"
        assert (saved.countries, saved.active) == ([], True)
