"""A finding becomes an alert, once: its key is claimed in ``alert_rule_firings`` first (unique
per rule), so a window that fired never fires again, even with two workers racing. The alert is
drafted through the alert service as the rule's owner, with source "rule"; a rule whose
``params.issue`` is true issues it at once with its escalation chain. An issue the alert service
refuses (text naming a protected person, say) leaves the draft for a person to review."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tocsin.alerts import lifecycle, service
from tocsin.alerts.models import Alert
from tocsin.alerts.rule_models import AlertRuleFiring
from tocsin.alerts.rules.schemas import Finding
from tocsin.alerts.rules.spec import RuleSpec
from tocsin.alerts.schemas import AlertCreate, IssueIn, LinksIn
from tocsin.alerts.vocab import AlertSource
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.auth import actor_for
from tocsin.core.errors import TocsinError, ValidationFailed
from tocsin.core.models import User
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP

log = logging.getLogger(__name__)
KIND = "alert_rule"


def owner_of(session: Session, spec: RuleSpec) -> Actor:
    """The person the rule acts for: ``params.owner_id``, else its author. They must be active,
    allowed to raise alerts and cleared to the rule's sharing level (they link its records)."""
    user_id = spec.params.owner_id or spec.created_by
    user = session.get(User, user_id) if user_id else None
    if user is None or not user.active:
        raise ValidationFailed.on("params.owner_id", f"no active user with id {user_id!r}")
    actor = actor_for(user, ip="alert-rule")
    if not actor.can(Permission.ALERT):
        raise ValidationFailed.on("params.owner_id", f"the {actor.role.value} role may not "
                                  "raise alerts; choose an analyst or a coordinator")  # fmt: skip
    if actor.clearance < spec.tlp:
        raise ValidationFailed.on("params.owner_id", f"is cleared only to TLP:"
                                  f"{actor.clearance.label}, below the rule's level")  # fmt: skip
    return actor


def detail_of(f: Finding) -> dict[str, Any]:
    keep = ("area", "country", "admin_area", "count", "measure", "threshold", "baseline_mean",
            "baseline_windows", "ratio", "p_value", "level_before", "level_after", "source",
            "record_id", "events", "tlp")  # fmt: skip
    out = {k: getattr(f, k) for k in keep if getattr(f, k) is not None}
    return {**out, "window_start": f.window_start.isoformat(),
            "window_end": f.window_end.isoformat()}  # fmt: skip


def _links(f: Finding) -> LinksIn:
    if f.source == "assessment" and f.record_id:
        return LinksIn(assessment_ids=[f.record_id])
    if f.source == "forecast" and f.record_id:
        return LinksIn(forecast_run_ids=[f.record_id])
    return LinksIn(event_ids=f.event_ids)


def _claim(session: Session, spec: RuleSpec, f: Finding, now: datetime) -> AlertRuleFiring | None:
    taken = select(AlertRuleFiring.id).where(AlertRuleFiring.rule_id == spec.id,
                                             AlertRuleFiring.key == f.key)  # fmt: skip
    if session.scalar(taken) is not None:
        return None
    firing = AlertRuleFiring(rule_id=spec.id, key=f.key, fired_at=now, detail=detail_of(f))
    try:
        with session.begin_nested():
            session.add(firing)
            session.flush()
    except IntegrityError:
        return None  # another worker claimed it a moment ago
    return firing


def fire(session: Session, spec: RuleSpec, f: Finding, owner: Actor, now: datetime) -> str | None:
    """The id of the alert raised, or None when this finding had fired already."""
    firing = _claim(session, spec, f, now)
    if firing is None:
        return None
    red = spec.tlp >= TLP.RED
    data = AlertCreate(
        title=f.title, description=f.description, severity=spec.severity, urgency=spec.urgency,
        certainty=spec.certainty, category=spec.category, language="en", country=f.country,
        admin_area=(f.admin_area or None) and f.admin_area[:200], tlp=TLP(spec.tlp).label,
        links=_links(f), recipients=[owner.user_id] if red else [],
    )  # fmt: skip
    made = service.create_draft(session, owner, data, AlertSource.RULE)
    row = session.get(Alert, made.id)
    assert row is not None
    row.rule_id = spec.id
    firing.alert_id = made.id
    if spec.params.issue:
        try:
            with session.begin_nested():
                how = IssueIn(owner_id=owner.user_id, escalation_chain_id=spec.escalation_chain_id)
                lifecycle.issue(session, owner, made.id, how)
        except TocsinError as exc:
            log.warning("alert rule %s: alert %s left as a draft: %s", spec.id, made.id,
                        exc.detail)  # fmt: skip
            firing.detail = {**firing.detail, "issue_refused": exc.detail}
    audit.record(session, None, audit.Action.CREATE, "alert_rule_firing", firing.id,
                 {"rule_id": spec.id, "key": f.key, "alert_id": made.id})  # fmt: skip
    session.flush()
    return made.id
