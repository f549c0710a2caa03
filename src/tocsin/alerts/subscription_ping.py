"""A test message to a subscription, sent at once and outside the outbox: the person setting
up a receiver wants to know now whether it answers, and a test is nothing to retry."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from tocsin.alerts.channels import channel_spec
from tocsin.alerts.outbox import Claimed
from tocsin.alerts.sending import DeliveryFailed, SendConfig
from tocsin.alerts.subscription_schemas import TestSend
from tocsin.alerts.subscriptions import owned
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow

TEST_TEXT = (
    "This is a test message from Tocsin for the alert subscription \u201c{name}\u201d. "
    "Alerts matching it will arrive here in the same form."
)


def send_test(session: Session, actor: Actor, sub_id: str, cfg: SendConfig,
              base_url: str) -> TestSend:  # fmt: skip
    sub = owned(session, actor, sub_id)
    key = f"test:{sub.id}:{secrets.token_hex(6)}"
    text = TEST_TEXT.format(name=sub.name)
    payload = {
        "subject": "[Tocsin] Test message", "text": text + "\n", "language": "en",
        "document": {"idempotency_key": key, "msgType": "Test", "status": "Test",
                     "identifier": "tocsin:test", "sent": utcnow().isoformat(),
                     "headline": "Test message", "description": text, "web": base_url},
    }  # fmt: skip
    item = Claimed(f"test-{sub.id}", key, sub.channel, 1, payload, sub.address, sub.secret)
    try:
        channel_spec(sub.channel).send(item, cfg, None)
    except DeliveryFailed as exc:
        return TestSend(delivered=False, detail=str(exc), idempotency_key=key)
    return TestSend(delivered=True, detail="the receiver accepted it", idempotency_key=key)
