"""Who may see an alert: anyone cleared for its sharing level, its author, and the people a
RED alert names as recipients. A protected alert's read is audited like any case record's."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, Text, cast, or_, select, true
from sqlalchemy.orm import Session

from tocsin.alerts.models import Alert
from tocsin.cases.records import audit_listed, read_is_audited
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.errors import NotFound
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP

KIND = "alert"  # the audit log's name for an alert


def may_see(actor: Actor, alert: Alert) -> bool:
    if actor.may_see(alert.tlp, alert.created_by):
        return True
    return alert.tlp == TLP.RED and actor.user_id in (alert.recipients or [])


def visible_filter(actor: Actor) -> ColumnElement[bool]:
    """SQL form of ``may_see``. Recipients are a short JSON list of ids; a quoted match cannot
    mistake one id for part of another."""
    if actor.clearance >= max(TLP):
        return true()  # cleared for everything: an always-true OR would only defeat indexes
    named = (Alert.tlp == int(TLP.RED)) & cast(Alert.recipients, Text).like(
        f'%"{actor.user_id}"%'
    )
    return or_(Alert.tlp <= int(actor.clearance), Alert.created_by == actor.user_id, named)


def visible_query(actor: Actor) -> Select[Any]:
    actor.require(Permission.READ)
    return select(Alert).where(visible_filter(actor))


def load(session: Session, actor: Actor, alert_id: str, for_update: bool = False) -> Alert:
    """The alert if the actor may see it, else NotFound (no existence oracle); a protected
    alert's read is audited. ``for_update`` locks the row until commit on PostgreSQL, so two
    people cannot move one alert at once."""
    actor.require(Permission.READ)
    alert = session.get(Alert, alert_id)
    if alert is None or not may_see(actor, alert):
        raise NotFound("no such alert")
    if for_update:
        session.refresh(alert, with_for_update=True)
    if read_is_audited(KIND, alert.tlp):
        audit.record(session, actor, audit.Action.READ, KIND, alert.id)
    return alert


def audit_rows(session: Session, actor: Actor, rows: list[Alert]) -> None:
    audit_listed(session, actor, KIND, rows)
