"""What the alert pages need beyond the alert itself: how its deliveries went, the people and
escalation chains its forms offer, and the titles of the records behind it.

Each read keeps the rules of the rest of the alert service: an alert the reader may not see is
not found, linked records above their clearance are absent, protected reads are audited, and
subscription names are shown only to those who manage everyone's subscriptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.alerts.delivery_models import AlertDelivery, AlertSubscription
from tocsin.alerts.models import Alert, EscalationChain
from tocsin.alerts.schemas import LinksPublic
from tocsin.alerts.visibility import may_see
from tocsin.alerts.vocab import DeliveryStatus
from tocsin.cases.models import Act
from tocsin.cases.record_titles import event_titles
from tocsin.cases.records import audit_listed, visible_query
from tocsin.core.access import Actor
from tocsin.core.auth import actor_for
from tocsin.core.errors import NotFound
from tocsin.core.models import User
from tocsin.core.roles import Permission, Role, allows
from tocsin.risk.models import RiskAssessment
from tocsin.vault.models import Evidence

MAX_LINES = 200  # deliveries listed by name on one alert page; the counts cover them all


@dataclass(frozen=True)
class DeliveryLine:
    subscription: str  # its name
    channel: str
    version: int
    status: str
    attempts: int
    delivered_at: datetime | None


@dataclass
class DeliverySummary:
    counts: dict[str, int]  # every delivery status, zero included
    total: int
    lines: list[DeliveryLine] | None  # None: this reader may not see subscriptions' names


def _visible_alert(session: Session, actor: Actor, alert_id: str) -> Alert:
    actor.require(Permission.READ)
    alert = session.get(Alert, alert_id)
    if alert is None or not may_see(actor, alert):
        raise NotFound("no such alert")
    return alert


def deliveries(session: Session, actor: Actor, alert_id: str) -> DeliverySummary:
    """How the alert's versions went out to subscribers, counted by status. Escalation notices
    to people (rows without a subscription) are the timeline's, not counted here."""
    alert = _visible_alert(session, actor, alert_id)
    d = AlertDelivery
    mine = (d.alert_id == alert.id) & d.subscription_id.is_not(None)
    rows = session.execute(select(d.status, func.count()).where(mine).group_by(d.status))
    found = {status: int(n) for status, n in rows}
    counts = {s.value: found.get(s.value, 0) for s in DeliveryStatus}
    lines = None
    if actor.can(Permission.MANAGE_SUBSCRIPTIONS):
        named = session.execute(
            select(AlertSubscription.name, d.channel, d.alert_version, d.status, d.attempts,
                   d.delivered_at)
            .join(AlertSubscription, AlertSubscription.id == d.subscription_id)
            .where(mine)
            .order_by(d.alert_version.desc(), AlertSubscription.name, d.id)
            .limit(MAX_LINES)
        )  # fmt: skip
        lines = [DeliveryLine(name, channel, version, status, attempts, at)
                 for name, channel, version, status, attempts, at in named]  # fmt: skip
    return DeliverySummary(counts, sum(counts.values()), lines)


def chain_choices(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """(id, name) of every escalation chain, for the issue form."""
    actor.require(Permission.ALERT)
    rows = session.execute(select(EscalationChain.id, EscalationChain.name)
                           .order_by(EscalationChain.name))  # fmt: skip
    return [(chain_id, name) for chain_id, name in rows]


def chain_members(session: Session, chain_id: str | None) -> set[str]:
    """Everyone a chain calls, at any step: they may acknowledge the alert."""
    chain = session.get(EscalationChain, chain_id) if chain_id else None
    if chain is None:
        return set()
    return {str(u) for step in chain.steps or [] for u in step.get("user_ids") or []}


def _label(user: User) -> str:
    return f"{user.display_name} <{user.email}>" if user.display_name else user.email


def owner_choices(session: Session, actor: Actor, alert_id: str) -> list[tuple[str, str]]:
    """People who may own the alert: active, allowed to act on alerts, and cleared to see it
    (or named on it)."""
    actor.require(Permission.ALERT)
    alert = _visible_alert(session, actor, alert_id)
    alerting = [r.value for r in Role if allows(r, Permission.ALERT)]
    users = session.scalars(
        select(User).where(User.active.is_(True), User.role.in_(alerting)).order_by(User.email)
    )
    return [(u.id, _label(u)) for u in users if may_see(actor_for(u), alert)]


def people_choices(
    session: Session, actor: Actor, needed: Permission = Permission.ALERT
) -> list[tuple[str, str]]:
    """Every active account, for those with ``needed``: the recipients a RED alert may name
    (ALERT), or the people a subscription may be for (MANAGE_SUBSCRIPTIONS)."""
    actor.require(needed)
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.email))
    return [(u.id, _label(u)) for u in users]


@dataclass
class LinkedTitles:
    """How the page names the records behind an alert that the reader may see."""

    events: dict[str, str] = field(default_factory=dict)  # id -> title
    act_events: dict[str, str] = field(default_factory=dict)  # act id -> its event's id
    assessments: dict[str, str] = field(default_factory=dict)  # id -> title
    evidence: dict[str, str] = field(default_factory=dict)  # id -> kind; never a file name


def linked_titles(session: Session, actor: Actor, links: LinksPublic) -> LinkedTitles:
    out = LinkedTitles(events=event_titles(session, actor, links.event_ids))
    if links.act_ids:
        acts = list(session.scalars(visible_query(Act, actor).where(Act.id.in_(links.act_ids))))
        audit_listed(session, actor, "act", acts)
        out.act_events = {a.id: a.event_id for a in acts}
    if links.assessment_ids:
        query = visible_query(RiskAssessment, actor)
        found = list(session.scalars(query.where(RiskAssessment.id.in_(links.assessment_ids))))
        audit_listed(session, actor, "risk_assessment", found)
        out.assessments = {a.id: a.title for a in found}
    if links.evidence_ids:
        query = visible_query(Evidence, actor)
        files = list(session.scalars(query.where(Evidence.id.in_(links.evidence_ids))))
        audit_listed(session, actor, "evidence", files)
        out.evidence = {e.id: e.kind for e in files}
    return out


def chain_name(session: Session, chain_id: str | None) -> str | None:
    """The chain's name, or None when there is none (or it was deleted since)."""
    chain = session.get(EscalationChain, chain_id) if chain_id else None
    return chain.name if chain is not None else None
