"""What a rule's form offers to choose from: the people a rule may act for (active accounts
allowed to raise alerts) and the escalation chains."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.alerts.models import EscalationChain
from tocsin.core.access import Actor
from tocsin.core.models import User
from tocsin.core.roles import ROLE_RULES, Permission


def owners(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """(user id, email) of every active account that may raise alerts, by email."""
    actor.require(Permission.ALERT)
    roles = [r.value for r, rule in ROLE_RULES.items() if Permission.ALERT in rule.permissions]
    rows = session.execute(
        select(User.id, User.email)
        .where(User.active.is_(True), User.role.in_(roles))
        .order_by(User.email)
    )
    return [(user_id, email) for user_id, email in rows]


def chains(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """(chain id, name) of every escalation chain, by name."""
    actor.require(Permission.ALERT)
    rows = session.execute(
        select(EscalationChain.id, EscalationChain.name).order_by(EscalationChain.name)
    )
    return [(chain_id, name) for chain_id, name in rows]
