"""Alert rules as data: list, read, make, change and disable them, and see what they fired.

Reading rules needs the ALERT permission (analysts, coordinators, administrators); writing them
needs MANAGE_ALERTING (coordinators, administrators). A rule is seen by those cleared to its
sharing level (and its author), as a record would be. Every change is audited. Dry runs are in
``dry_runs``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.alerts.models import EscalationChain
from tocsin.alerts.rule_models import AlertRule, AlertRuleFiring
from tocsin.alerts.rules import checks
from tocsin.alerts.rules.params import parse_kind, parse_params, stored
from tocsin.alerts.rules.schemas import (
    FiringPublic,
    RuleCreate,
    RulePublic,
    RuleUpdate,
)
from tocsin.alerts.rules.spec import RuleSpec
from tocsin.cases.records import paginate, tlp_rank
from tocsin.cases.schemas import Page
from tocsin.core import audit
from tocsin.core.access import Actor, visible
from tocsin.core.clock import utcnow
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP

KIND = "alert_rule"  # the audit log's name for a rule
SCALES = ("category", "severity", "urgency", "certainty")


def spec_of(rule: AlertRule) -> RuleSpec:
    kind = parse_kind(rule.kind)
    return RuleSpec(rule.id, rule.name, kind, parse_params(kind, dict(rule.params or {})),
                    rule.category, rule.severity, rule.urgency, rule.certainty, rule.tlp,
                    rule.escalation_chain_id, rule.created_by)  # fmt: skip


def _public(rule: AlertRule, fired: tuple[int, Any] | None = None) -> RulePublic:
    count, last = fired or (0, None)
    return RulePublic(
        id=rule.id, name=rule.name, kind=rule.kind, params=dict(rule.params or {}),
        category=rule.category, severity=rule.severity, urgency=rule.urgency,
        certainty=rule.certainty, tlp=TLP(rule.tlp).label, enabled=rule.enabled,
        escalation_chain_id=rule.escalation_chain_id, created_by=rule.created_by,
        created_at=rule.created_at, updated_at=rule.updated_at, firings=count,
        last_fired_at=last,
    )  # fmt: skip


def _fired(session: Session, ids: list[str]) -> dict[str, tuple[int, Any]]:
    if not ids:
        return {}
    rows = session.execute(
        select(AlertRuleFiring.rule_id, func.count(), func.max(AlertRuleFiring.fired_at))
        .where(AlertRuleFiring.rule_id.in_(ids))
        .group_by(AlertRuleFiring.rule_id)
    )
    return {rule_id: (int(n), last) for rule_id, n, last in rows}


def load(session: Session, actor: Actor, rule_id: str, for_update: bool = False) -> AlertRule:
    actor.require(Permission.ALERT)
    rule = session.get(AlertRule, rule_id)
    if rule is None or not actor.may_see(rule.tlp, rule.created_by):
        raise NotFound("no such alert rule")
    if for_update:
        session.refresh(rule, with_for_update=True)
    return rule


def list_rules(session: Session, actor: Actor) -> list[RulePublic]:
    """The rules the actor may see, by name."""
    actor.require(Permission.ALERT)
    rules = list(session.scalars(
        select(AlertRule).where(visible(AlertRule, actor)).order_by(AlertRule.name, AlertRule.id)
    ))  # fmt: skip
    fired = _fired(session, [r.id for r in rules])
    return [_public(r, fired.get(r.id)) for r in rules]


def get_rule(session: Session, actor: Actor, rule_id: str) -> RulePublic:
    rule = load(session, actor, rule_id)
    return _public(rule, _fired(session, [rule.id]).get(rule.id))


def checked_spec(session: Session, actor: Actor, data: RuleCreate,
                  rule: AlertRule | None = None, with_owner: bool = True) -> RuleSpec:  # fmt: skip
    kind = parse_kind(data.kind.value)
    params = parse_params(kind, data.params)
    tlp = tlp_rank(data.tlp)
    author = rule.created_by if rule else actor.user_id
    spec = RuleSpec(rule.id if rule else None, data.name, kind, params, data.category.value,
                    data.severity.value, data.urgency.value, data.certainty.value, tlp,
                    data.escalation_chain_id, author)  # fmt: skip
    checks.check_spec(session, spec, with_owner)
    if data.escalation_chain_id and session.get(EscalationChain, data.escalation_chain_id) is None:
        raise ValidationFailed.on("escalation_chain_id", "no such escalation chain")
    return spec


def create_rule(session: Session, actor: Actor, data: RuleCreate) -> RulePublic:
    actor.require(Permission.MANAGE_ALERTING)
    spec = checked_spec(session, actor, data)
    if spec.tlp > actor.clearance:
        raise ValidationFailed.on("tlp", f"is above your own clearance "
                                  f"(TLP:{actor.clearance.label})")  # fmt: skip
    now = utcnow()
    rule = AlertRule(
        name=spec.name, kind=spec.kind.value, params=stored(spec.params),
        category=spec.category, severity=spec.severity, urgency=spec.urgency,
        certainty=spec.certainty, tlp=spec.tlp, enabled=data.enabled,
        escalation_chain_id=spec.escalation_chain_id, created_by=actor.user_id, created_at=now,
        updated_at=now,
    )  # fmt: skip
    session.add(rule)
    session.flush()
    audit.record(session, actor, audit.Action.CREATE, KIND, rule.id,
                 {"kind": rule.kind, "tlp": TLP(rule.tlp).label})  # fmt: skip
    return _public(rule)


def update_rule(session: Session, actor: Actor, rule_id: str, data: RuleUpdate) -> RulePublic:
    """Change the fields given; ``params`` replaces the whole set and must suit the kind (the
    new one, if ``kind`` changes too)."""
    actor.require(Permission.MANAGE_ALERTING)
    rule = load(session, actor, rule_id, for_update=True)
    given = data.model_fields_set
    if "kind" in given and data.kind is not None and data.kind.value != rule.kind and (
            "params" not in given):  # fmt: skip
        raise ValidationFailed.on("params", "a rule of another kind needs its own params")
    merged = {
        "name": rule.name, "kind": rule.kind, "params": dict(rule.params or {}),
        "category": rule.category, "severity": rule.severity, "urgency": rule.urgency,
        "certainty": rule.certainty, "tlp": TLP(rule.tlp).label, "enabled": rule.enabled,
        "escalation_chain_id": rule.escalation_chain_id,
    }  # fmt: skip
    merged.update({k: v for k, v in data.model_dump(exclude_unset=True).items()
                   if v is not None or k == "escalation_chain_id"})  # fmt: skip
    # A rule being switched off need not have a valid owner: that may be why it is switched off.
    spec = checked_spec(session, actor, RuleCreate.model_validate(merged), rule,
                         with_owner=bool(merged["enabled"]))  # fmt: skip
    if spec.tlp > actor.clearance and spec.tlp != rule.tlp:
        raise ValidationFailed.on("tlp", f"is above your own clearance "
                                  f"(TLP:{actor.clearance.label})")  # fmt: skip
    new_values: dict[str, Any] = {
        "name": spec.name, "kind": spec.kind.value, "params": stored(spec.params),
        "category": spec.category, "severity": spec.severity, "urgency": spec.urgency,
        "certainty": spec.certainty, "tlp": spec.tlp, "enabled": bool(merged["enabled"]),
        "escalation_chain_id": spec.escalation_chain_id,
    }  # fmt: skip
    changed = [k for k, v in new_values.items() if getattr(rule, k) != v]
    for key in changed:
        setattr(rule, key, new_values[key])
    if changed:
        rule.updated_at = utcnow()
        audit.record(session, actor, audit.Action.UPDATE, KIND, rule.id,
                     {"fields": sorted(changed)})  # fmt: skip
    session.flush()
    return get_rule(session, actor, rule.id)


def delete_rule(session: Session, actor: Actor, rule_id: str) -> None:
    """Disable the rule: it stops firing, and keeps its firings and the alerts it raised
    (PATCH ``enabled: true`` brings it back)."""
    actor.require(Permission.MANAGE_ALERTING)
    rule = load(session, actor, rule_id, for_update=True)
    if rule.enabled:
        rule.enabled, rule.updated_at = False, utcnow()
    audit.record(session, actor, audit.Action.DELETE, KIND, rule.id, {"disabled": True})
    session.flush()


def list_firings(session: Session, actor: Actor, rule_id: str, page: int,
                 page_size: int) -> Page[FiringPublic]:  # fmt: skip
    """What the rule fired, newest first."""
    rule = load(session, actor, rule_id)
    query = (select(AlertRuleFiring).where(AlertRuleFiring.rule_id == rule.id)
             .order_by(AlertRuleFiring.fired_at.desc(), AlertRuleFiring.id.desc()))  # fmt: skip
    rows, total, exact = paginate(session, query, page, page_size)
    items = [
        FiringPublic(id=f.id, rule_id=f.rule_id, key=f.key, alert_id=f.alert_id,
                     fired_at=f.fired_at, detail=dict(f.detail or {}))
        for f in rows
    ]  # fmt: skip
    return Page[FiringPublic](items=items, total=total, total_exact=exact, page=page,
                              page_size=page_size)  # fmt: skip
