"""Alerts and subscriptions written straight through the models, as the alert service would
leave them after an issue, an update or a cancellation (with the alert_changes row)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from tocsin.alerts.delivery_models import AlertSubscription
from tocsin.alerts.models import Alert, AlertChange
from tocsin.core.clock import utcnow

_n = itertools.count(1)


def issue(s: Session, **kw: Any) -> Alert:
    n = next(_n)
    now = utcnow()
    fields: dict[str, Any] = {
        "identifier": f"tocsin:test-{n}-{now.timestamp():.6f}", "version": 1,
        "title": f"Armed group gathering near village {n}", "description": "Reported by two "
        "sources.", "instruction": "Check on the school.", "severity": "severe",
        "urgency": "immediate", "certainty": "likely", "category": "community_threat",
        "language": "en", "country": "SD", "admin_area": "North Darfur", "tlp": 1,
        "state": "issued", "issued_at": now, "recipients": [],
    }  # fmt: skip
    fields.update(kw)
    alert = Alert(**fields)
    s.add(alert)
    s.flush()
    s.add(AlertChange(alert_id=alert.id, from_state="draft", to_state=alert.state,
                      version=alert.version, at=now))  # fmt: skip
    s.flush()
    return alert


def update(s: Session, alert: Alert, **kw: Any) -> Alert:
    before = alert.state
    alert.references = [*alert.references, f"{alert.identifier},{alert.version}"]
    alert.version += 1
    alert.state = "updated"
    for key, value in kw.items():
        setattr(alert, key, value)
    s.flush()
    s.add(AlertChange(alert_id=alert.id, from_state=before, to_state="updated",
                      version=alert.version, at=utcnow()))  # fmt: skip
    s.flush()
    return alert


def cancel(s: Session, alert: Alert, bump: bool = False) -> Alert:
    before = alert.state
    if bump:
        alert.version += 1
    alert.state = "cancelled"
    s.flush()
    s.add(AlertChange(alert_id=alert.id, from_state=before, to_state="cancelled",
                      version=alert.version, at=utcnow()))  # fmt: skip
    s.flush()
    return alert


def subscription(s: Session, channel: str = "email", address: str = "", **kw: Any
                 ) -> AlertSubscription:  # fmt: skip
    n = next(_n)
    fields: dict[str, Any] = {
        "name": f"Desk {n}", "channel": channel,
        "address": address or (f"desk{n}@example.org" if channel == "email"
                               else "http://127.0.0.1:9/hook"),
        "secret": "s3cret-for-tests" if channel == "webhook" else None, "max_tlp": 2,
        "organisation": "Field office", "created_at": utcnow() - timedelta(minutes=1),
    }  # fmt: skip
    fields.update(kw)
    sub = AlertSubscription(**fields)
    s.add(sub)
    s.flush()
    return sub
