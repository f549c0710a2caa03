"""Escalation chains: who is called, step by step, when nobody acknowledges an alert.

Anyone who handles alerts (ALERT) may read the chains, to pick one when issuing; coordinators
and administrators (MANAGE_ALERTING) write them. Everyone a chain names must be an active
account that holds ALERT, as the people called must be able to open and acknowledge the alert.
A chain in use by a live alert, or named by an alert rule, cannot be deleted. A change to a chain
applies to the next escalation of every alert using it. Every write is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tocsin.alerts.escalation_schemas import (
    ChainCreate,
    ChainMember,
    ChainPublic,
    ChainUpdate,
    StepIn,
    StepPublic,
)
from tocsin.alerts.models import Alert, EscalationChain
from tocsin.alerts.rule_models import AlertRule
from tocsin.alerts.vocab import AlertState
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from tocsin.core.models import User
from tocsin.core.roles import Permission, Role, allows

KIND = "escalation_chain"  # the audit log's name for a chain
LIVE = (AlertState.ISSUED.value, AlertState.UPDATED.value)


def may_alert(user: User) -> bool:
    try:
        return allows(Role(user.role), Permission.ALERT)
    except ValueError:  # a role this version does not know
        return False


def _member(user: User) -> ChainMember:
    return ChainMember(id=user.id, email=user.email, display_name=user.display_name,
                       active=user.active, may_alert=may_alert(user))  # fmt: skip


def _users(session: Session, ids: Iterable[str]) -> dict[str, User]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def _live_counts(session: Session, chain_ids: list[str]) -> dict[str, int]:
    if not chain_ids:
        return {}
    rows = session.execute(
        select(Alert.escalation_chain_id, func.count())
        .where(Alert.escalation_chain_id.in_(chain_ids), Alert.state.in_(LIVE))
        .group_by(Alert.escalation_chain_id)
    )
    return {str(chain_id): int(n) for chain_id, n in rows}


def _public(chain: EscalationChain, users: dict[str, User], live: int) -> ChainPublic:
    steps = []
    for step in chain.steps or []:
        ids = [str(u) for u in step.get("user_ids") or []]
        steps.append(StepPublic(after_minutes=int(step.get("after_minutes") or 0), user_ids=ids,
                                people=[_member(users[u]) for u in ids if u in users]))  # fmt: skip
    return ChainPublic(id=chain.id, name=chain.name, steps=steps, live_alerts=live,
                       created_by=chain.created_by, created_at=chain.created_at,
                       updated_at=chain.updated_at)  # fmt: skip


def _publics(session: Session, chains: list[EscalationChain]) -> list[ChainPublic]:
    ids = [str(u) for c in chains for step in c.steps or [] for u in step.get("user_ids") or []]
    users = _users(session, ids)
    live = _live_counts(session, [c.id for c in chains])
    return [_public(c, users, live.get(c.id, 0)) for c in chains]


def _load(session: Session, chain_id: str) -> EscalationChain:
    chain = session.get(EscalationChain, chain_id)
    if chain is None:
        raise NotFound("no such escalation chain")
    return chain


def list_chains(session: Session, actor: Actor) -> list[ChainPublic]:
    """Every chain, by name (there are a handful, not thousands)."""
    actor.require(Permission.ALERT)
    chains = list(session.scalars(select(EscalationChain).order_by(EscalationChain.name)))
    return _publics(session, chains)


def get_chain(session: Session, actor: Actor, chain_id: str) -> ChainPublic:
    actor.require(Permission.ALERT)
    return _publics(session, [_load(session, chain_id)])[0]


def candidates(session: Session, actor: Actor) -> list[ChainMember]:
    """The people a chain may name: active accounts that hold ALERT, by email."""
    actor.require(Permission.ALERT)
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.email))
    return [_member(u) for u in users if may_alert(u)]


def _name(session: Session, name: str, chain_id: str | None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed.on("name", "is empty")
    same = select(EscalationChain.id).where(func.lower(EscalationChain.name) == name.lower())
    if chain_id:
        same = same.where(EscalationChain.id != chain_id)
    if session.scalar(same.limit(1)) is not None:
        raise ValidationFailed.on("name", f"another escalation chain is already called {name!r}")
    return name


def _steps(session: Session, steps: list[StepIn]) -> list[dict[str, Any]]:
    """The steps as stored, once every person on them is known, active and may handle alerts;
    every problem is reported at once, each naming its step and place."""
    users = _users(session, (u for step in steps for u in step.user_ids))
    problems: list[FieldProblem] = []
    for i, step in enumerate(steps):
        seen: set[str] = set()
        for j, user_id in enumerate(step.user_ids):
            where = f"steps[{i}].user_ids[{j}]"
            user = users.get(user_id)
            if user is None:
                problems.append(FieldProblem(where, f"no user with id {user_id!r}"))
            elif user_id in seen:
                problems.append(FieldProblem(where, f"{user.email} is already on this step"))
            elif not user.active:
                problems.append(FieldProblem(where, f"{user.email} is a disabled account"))
            elif not may_alert(user):
                message = f"{user.email} may not handle alerts (the {user.role} role)"
                problems.append(FieldProblem(where, f"{message}: choose someone who may"))
            seen.add(user_id)
    if problems:
        detail = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
        raise ValidationFailed(detail, problems)
    return [{"after_minutes": s.after_minutes, "user_ids": list(s.user_ids)} for s in steps]


def _saved(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError:  # two people saved the same new name at the same moment
        raise ValidationFailed.on("name", "another escalation chain is already called "
                                  "that") from None  # fmt: skip


def _people(steps: list[dict[str, Any]]) -> list[str]:
    return sorted({u for step in steps for u in step["user_ids"]})


def create_chain(session: Session, actor: Actor, data: ChainCreate) -> ChainPublic:
    actor.require(Permission.MANAGE_ALERTING)
    name = _name(session, data.name, None)
    steps = _steps(session, data.steps)
    now = utcnow()
    chain = EscalationChain(name=name, steps=steps, created_by=actor.user_id, created_at=now,
                            updated_at=now)  # fmt: skip
    session.add(chain)
    _saved(session)
    audit.record(session, actor, audit.Action.CREATE, KIND, chain.id,
                 {"name": name, "steps": len(steps), "people": _people(steps)})  # fmt: skip
    return _publics(session, [chain])[0]


def update_chain(session: Session, actor: Actor, chain_id: str, data: ChainUpdate) -> ChainPublic:
    actor.require(Permission.MANAGE_ALERTING)
    chain = _load(session, chain_id)
    changed: dict[str, Any] = {}
    if data.name is not None:
        name = _name(session, data.name, chain.id)
        if name != chain.name:
            changed["name"] = name
    if data.steps is not None:
        steps = _steps(session, data.steps)
        if steps != chain.steps:
            changed["steps"] = steps
    if changed:
        for key, value in changed.items():
            setattr(chain, key, value)
        chain.updated_at = utcnow()
        _saved(session)
        detail: dict[str, Any] = {"fields": sorted(changed)}
        if "steps" in changed:
            detail.update(steps=len(changed["steps"]), people=_people(changed["steps"]))
        audit.record(session, actor, audit.Action.UPDATE, KIND, chain.id, detail)
    return _publics(session, [chain])[0]


def delete_chain(session: Session, actor: Actor, chain_id: str) -> None:
    """Delete a chain no live alert and no rule uses. Closed and cancelled alerts keep its id
    and their escalation records; only the chain's own row goes."""
    actor.require(Permission.MANAGE_ALERTING)
    chain = _load(session, chain_id)
    live = _live_counts(session, [chain.id]).get(chain.id, 0)
    if live:
        raise Conflict(f"this escalation chain is in use by {live} live alert"
                       f"{'s' if live != 1 else ''}: it can be deleted once they are closed "
                       "or cancelled")  # fmt: skip
    rules = int(session.scalar(select(func.count()).select_from(AlertRule)
                               .where(AlertRule.escalation_chain_id == chain.id)) or 0)  # fmt: skip
    if rules:
        raise Conflict(f"{rules} alert rule{'s' if rules != 1 else ''} issue alerts with this "
                       "escalation chain: give them another chain first")  # fmt: skip
    audit.record(session, actor, audit.Action.DELETE, KIND, chain.id,
                 {"name": chain.name, "steps": len(chain.steps or [])})  # fmt: skip
    session.delete(chain)
    session.flush()
