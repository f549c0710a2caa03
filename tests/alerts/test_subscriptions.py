"""Subscriptions: who may manage which, what is refused (naming the field, writing nothing), the
webhook secret shown once and kept encrypted, and the test message."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from outbox_seed import issue
from receivers import Receivers, free_port
from sqlalchemy import func, select, text

from seeding import add_user, cheap_hashing
from tocsin.alerts import subscriptions as subs
from tocsin.alerts.delivery_models import AlertDelivery, AlertSubscription
from tocsin.alerts.dispatch import dispatch
from tocsin.alerts.sending import SendConfig
from tocsin.alerts.subscription_ping import send_test
from tocsin.alerts.subscription_schemas import SubscriptionCreate, SubscriptionUpdate
from tocsin.alerts.webhook_signing import verify_webhook
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, ValidationFailed
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.core.settings import load_settings


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


@pytest.fixture
def people(db: Database) -> dict[Role, Actor]:
    return {role: add_user(db, role, f"{role.value}@subs.example.org") for role in Role}


def make(db: Database, actor: Actor, **kw: Any) -> tuple[AlertSubscription, str | None]:
    data = {"name": "My alerts", "channel": "email", "address": "me@example.org", **kw}
    with db.session() as s:
        return subs.create(s, actor, SubscriptionCreate(**data))


def count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(AlertSubscription)) or 0)


def test_a_webhook_secret_is_shown_once_and_stored_encrypted(
    db: Database, people: dict[Role, Actor]
) -> None:
    analyst = people[Role.ANALYST]
    sub, secret = make(db, analyst, channel="webhook", address="https://partner.example/hook",
                       countries=["sd", "SD", "td"], languages=["FR"],
                       min_severity="Severe")  # fmt: skip
    assert secret and len(secret) >= 43
    assert (sub.user_id, sub.created_by, sub.max_tlp) == (analyst.user_id, analyst.user_id, 1)
    assert (sub.countries, sub.languages, sub.min_severity) == (["SD", "TD"], ["fr"], "severe")
    shown = subs.public(sub).model_dump()
    assert shown["has_secret"] and "secret" not in shown
    with db.engine.connect() as conn:
        raw = conn.execute(text("SELECT secret FROM alert_subscriptions")).scalar_one()
    assert secret not in raw
    with db.session() as s:
        assert s.get_one(AlertSubscription, sub.id).secret == secret
        page = subs.list_subscriptions(s, analyst, 1, 50)
    assert secret not in page.model_dump_json()
    email, no_secret = make(db, analyst)
    assert no_secret is None and not subs.public(email).has_secret


BAD = [
    ({"address": "not an address"}, "address"),
    ({"channel": "webhook", "address": "http://partner.example/hook"}, "address"),
    ({"channel": "webhook", "address": "https://user:pw@partner.example/hook"}, "address"),
    ({"channel": "webhook", "address": "ftp://partner.example/hook"}, "address"),
    ({"countries": ["SD", "Sudan"]}, "countries[1]"),
    ({"categories": ["weather"]}, "categories[0]"),
    ({"min_severity": "apocalyptic"}, "min_severity"),
    ({"languages": ["en", "english!"]}, "languages[1]"),
    ({"max_tlp": "AMBER"}, "max_tlp"),  # a partner viewer is cleared for GREEN
    ({"max_tlp": "PURPLE"}, "max_tlp"),
]


@pytest.mark.parametrize(("change", "field"), BAD, ids=[f for _, f in BAD])
def test_bad_input_names_the_field_and_writes_nothing(
    db: Database, people: dict[Role, Actor], change: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make(db, people[Role.PARTNER_VIEWER], **change)
    assert caught.value.errors[0].field == field
    assert count(db) == 0


def test_people_manage_their_own_coordinators_everyone_s(
    db: Database, people: dict[Role, Actor]
) -> None:
    analyst, documenter = people[Role.ANALYST], people[Role.DOCUMENTER]
    coordinator = people[Role.COORDINATOR]
    mine, _ = make(db, analyst)
    theirs, _ = make(db, documenter)
    with pytest.raises(Forbidden):
        make(db, analyst, user_id=documenter.user_id)
    with pytest.raises(Forbidden):
        make(db, analyst, user_id=None, organisation="Field office")
    with db.session() as s:
        with pytest.raises(Forbidden):
            subs.update(s, analyst, theirs.id, SubscriptionUpdate(name="Hijacked"))
        with pytest.raises(Forbidden):
            subs.remove(s, analyst, theirs.id)
        assert [i.id for i in subs.list_subscriptions(s, analyst, 1, 50).items] == [mine.id]
        with pytest.raises(Forbidden):
            subs.list_subscriptions(s, analyst, 1, 50, user_id=documenter.user_id)
    for_them, _ = make(db, coordinator, user_id=documenter.user_id, max_tlp="AMBER+STRICT")
    assert (for_them.user_id, for_them.created_by) == (documenter.user_id, coordinator.user_id)
    red_too, _ = make(db, coordinator, user_id=documenter.user_id, max_tlp="RED")
    assert red_too.max_tlp == 4  # RED alerts that name the documenter will reach them
    with pytest.raises(ValidationFailed) as caught:
        make(db, coordinator, user_id=None)  # nobody's, and no organisation named
    assert caught.value.errors[0].field == "organisation"
    with pytest.raises(ValidationFailed):
        make(db, coordinator, user_id=None, organisation="Desk", max_tlp="RED")
    desk, _ = make(db, coordinator, user_id=None, organisation="Regional desk",
                   max_tlp="AMBER+STRICT")  # fmt: skip
    assert desk.user_id is None
    with db.session() as s:
        subs.update(s, coordinator, theirs.id, SubscriptionUpdate(active=False))
        everyone = {i.id for i in subs.list_subscriptions(s, coordinator, 1, 50).items}
        assert everyone == {mine.id, theirs.id, for_them.id, red_too.id, desk.id}
        only = subs.list_subscriptions(s, coordinator, 1, 50, user_id=documenter.user_id)
        assert {i.id for i in only.items} == {theirs.id, for_them.id, red_too.id}
        assert only.total == 3


def test_updates_revalidate_and_rotate_the_secret(db: Database, people: dict[Role, Actor]
                                                  ) -> None:  # fmt: skip
    analyst = people[Role.ANALYST]
    hook, first = make(db, analyst, channel="webhook", address="https://a.example/hook")
    mail, _ = make(db, analyst)
    with db.session() as s:
        sub, second = subs.update(s, analyst, hook.id, SubscriptionUpdate(
            rotate_secret=True, categories=["incitement"], address="https://b.example/in"))
        assert second and second != first and sub.secret == second
        assert (sub.categories, sub.address) == (["incitement"], "https://b.example/in")
        for change, field in [({"address": "me@example.org"}, "address"),
                              ({"countries": ["Atlantis"]}, "countries[0]")]:  # fmt: skip
            with pytest.raises(ValidationFailed) as caught:
                subs.update(s, analyst, hook.id, SubscriptionUpdate(**change))
            assert caught.value.errors[0].field == field
        with pytest.raises(ValidationFailed) as caught:
            subs.update(s, analyst, mail.id, SubscriptionUpdate(rotate_secret=True))
        assert caught.value.errors[0].field == "rotate_secret"


def test_deleting_takes_the_queue_with_it_and_the_audit_remembers(
    db: Database, people: dict[Role, Actor]
) -> None:
    analyst = people[Role.ANALYST]
    sub, _ = make(db, analyst)
    with db.session() as s:
        issue(s)
        assert dispatch(s, utcnow(), base_url="https://t.example") == 1
    with db.session() as s:
        subs.remove(s, analyst, sub.id)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(AlertDelivery)) == 0
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == sub.id, AuditEntry.action == "delete")
        ).one()
        assert entry.detail["deliveries"] == {"pending": 1}
    assert count(db) == 0


@pytest.fixture
def receivers(tmp_path: Path) -> Iterator[Receivers]:
    with Receivers(tmp_path / "tls") as r:
        yield r


def test_a_test_message_reaches_a_webhook_signed_and_says_when_it_cannot(
    db: Database, people: dict[Role, Actor], receivers: Receivers
) -> None:
    analyst = people[Role.ANALYST]
    cfg = SendConfig.from_settings(replace(load_settings(), alert_send_timeout_s=2))
    hook, secret = make(db, analyst, channel="webhook", address=receivers.url())
    gone, _ = make(db, analyst, channel="webhook", address=f"http://127.0.0.1:{free_port()}/x")
    with db.session() as s:
        ok = send_test(s, analyst, hook.id, cfg, "https://t.example")
        failed = send_test(s, analyst, gone.id, cfg, "https://t.example")
    assert ok.delivered and not failed.delivered and "ConnectError" in failed.detail
    (got,) = receivers.sink.of("webhook")
    assert got["key"] == ok.idempotency_key and secret
    head = got["headers"]
    assert verify_webhook(secret, head["X-Tocsin-Timestamp"], got["body"],
                          head["X-Tocsin-Signature"], time.time())  # fmt: skip
