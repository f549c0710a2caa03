"""Alert subscriptions: who receives which alerts, where, and who may change that.

Everyone signed in manages their own subscriptions; coordinators and administrators
(``MANAGE_SUBSCRIPTIONS``) manage everyone's, and organisation desks that are nobody's account.
A subscription never reaches above its person's clearance: ``max_tlp`` is checked here, and the
dispatcher lowers it again if the person's role changes later. The one exception is RED, which
a person may choose: it brings only the RED alerts that name them.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tocsin.alerts.channels import channel_spec
from tocsin.alerts.delivery_models import AlertDelivery, AlertSubscription
from tocsin.alerts.subscription_schemas import (
    SubscriptionCreate,
    SubscriptionPublic,
    SubscriptionUpdate,
    SubscriptionWithSecret,
)
from tocsin.alerts.vocab import Category, Severity
from tocsin.alerts.webhook_signing import new_secret
from tocsin.cases.schemas import Page
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.countries import check_country
from tocsin.core.errors import Forbidden, NotFound, ValidationFailed
from tocsin.core.models import User
from tocsin.core.roles import Permission, Role, clearance
from tocsin.core.tlp import TLP

KIND = "alert_subscription"
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
ORGANISATION_CEILING = TLP.AMBER_STRICT  # RED goes to named people only


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _countries(values: list[str]) -> list[str]:
    return _unique([check_country(v, f"countries[{i}]") or "" for i, v in enumerate(values)])


def _categories(values: list[str]) -> list[str]:
    known = {c.value for c in Category}
    for i, v in enumerate(values):
        if v not in known:
            raise ValidationFailed.on(f"categories[{i}]", f"unknown category {v!r}; use one "
                                      f"of {', '.join(sorted(known))}")  # fmt: skip
    return _unique(values)


def _severity(value: str) -> str:
    try:
        return Severity(value.strip().lower()).value
    except ValueError:
        raise ValidationFailed.on("min_severity", f"unknown severity {value!r}; use one of "
                                  f"{', '.join(s.value for s in Severity)}") from None  # fmt: skip


def _languages(values: list[str]) -> list[str]:
    out = []
    for i, v in enumerate(values):
        code = v.strip().lower()
        if not LANGUAGE.match(code):
            raise ValidationFailed.on(f"languages[{i}]", f"{v!r} is not a language code "
                                                         "such as en, fr or ar")  # fmt: skip
        out.append(code)
    return _unique(out)


def _ceiling(session: Session, user_id: str | None) -> TLP:
    if user_id is None:
        return ORGANISATION_CEILING
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise ValidationFailed.on("user_id", "no active user with this id")
    return clearance(Role(user.role))


def _max_tlp(value: str, ceiling: TLP, person: bool) -> int:
    """At most the person's clearance; or RED, for a person: then the RED alerts that name
    them arrive too (a named recipient may see a RED alert whatever their role)."""
    level = TLP.parse(value, "max_tlp")
    if level == TLP.RED and person:
        return int(level)
    if level > ceiling:
        who = "this person" if person else "an organisation subscription"
        hint = "; RED brings only the RED alerts that name the person" if person else ""
        raise ValidationFailed.on("max_tlp", f"{level.label} is above what {who} may receive "
                                             f"({ceiling.label}){hint}")  # fmt: skip
    return int(level)


def _owner(session: Session, actor: Actor, data: SubscriptionCreate) -> str | None:
    """Whose subscription this is; someone else's needs MANAGE_SUBSCRIPTIONS."""
    if "user_id" not in data.model_fields_set:
        return actor.user_id
    if data.user_id != actor.user_id:
        actor.require(Permission.MANAGE_SUBSCRIPTIONS)
    if data.user_id is None and not data.organisation.strip():
        raise ValidationFailed.on("organisation", "name the organisation a subscription with "
                                                  "no user is for")  # fmt: skip
    return data.user_id


def public(sub: AlertSubscription) -> SubscriptionPublic:
    return SubscriptionPublic(
        id=sub.id, name=sub.name, user_id=sub.user_id, organisation=sub.organisation,
        channel=sub.channel, address=sub.address, countries=list(sub.countries),
        categories=list(sub.categories), min_severity=sub.min_severity,
        languages=list(sub.languages), max_tlp=TLP(sub.max_tlp).label, active=sub.active,
        has_secret=bool(sub.secret), created_by=sub.created_by, created_at=sub.created_at,
        updated_at=sub.updated_at,
    )  # fmt: skip


def with_secret(sub: AlertSubscription, secret: str | None) -> SubscriptionWithSecret:
    return SubscriptionWithSecret(**public(sub).model_dump(), secret=secret)


def create(
    session: Session, actor: Actor, data: SubscriptionCreate
) -> tuple[AlertSubscription, str | None]:
    """A new subscription, and its webhook secret (to show once; stored encrypted)."""
    actor.require(Permission.READ)
    spec = channel_spec(data.channel)
    user_id = _owner(session, actor, data)
    ceiling = _ceiling(session, user_id)
    name = data.name.strip()
    if not name:
        raise ValidationFailed.on("name", "is empty")
    secret = new_secret() if spec.signed else None
    sub = AlertSubscription(
        name=name, user_id=user_id, organisation=data.organisation.strip(),
        channel=data.channel, address=spec.check_address(data.address, "address"), secret=secret,
        countries=_countries(data.countries),
        categories=_categories(data.categories),
        min_severity=_severity(data.min_severity), languages=_languages(data.languages),
        max_tlp=_max_tlp(data.max_tlp, ceiling, user_id is not None), active=data.active,
        created_by=actor.user_id,
    )  # fmt: skip
    session.add(sub)
    session.flush()
    audit.record(session, actor, audit.Action.CREATE, KIND, sub.id,
                 {"channel": sub.channel, "user_id": sub.user_id})  # fmt: skip
    return sub, secret


def owned(session: Session, actor: Actor, sub_id: str) -> AlertSubscription:
    """The subscription, if the actor may manage it."""
    actor.require(Permission.READ)
    sub = session.get(AlertSubscription, sub_id)
    if sub is None:
        raise NotFound("no such subscription")
    if sub.user_id != actor.user_id and not actor.can(Permission.MANAGE_SUBSCRIPTIONS):
        raise Forbidden("you may manage only your own alert subscriptions")
    return sub


def update(
    session: Session, actor: Actor, sub_id: str, data: SubscriptionUpdate
) -> tuple[AlertSubscription, str | None]:
    sub = owned(session, actor, sub_id)
    spec = channel_spec(sub.channel)
    changes: dict[str, Any] = {}
    if data.name is not None:
        if not data.name.strip():
            raise ValidationFailed.on("name", "is empty")
        changes["name"] = data.name.strip()
    if data.address is not None:
        changes["address"] = spec.check_address(data.address, "address")
    if data.organisation is not None:
        changes["organisation"] = data.organisation.strip()
    if data.countries is not None:
        changes["countries"] = _countries(data.countries)
    if data.categories is not None:
        changes["categories"] = _categories(data.categories)
    if data.min_severity is not None:
        changes["min_severity"] = _severity(data.min_severity)
    if data.languages is not None:
        changes["languages"] = _languages(data.languages)
    if data.max_tlp is not None:
        ceiling = _ceiling(session, sub.user_id)
        changes["max_tlp"] = _max_tlp(data.max_tlp, ceiling, sub.user_id is not None)
    if data.active is not None:
        changes["active"] = data.active
    secret = None
    if data.rotate_secret:
        if not spec.signed:
            raise ValidationFailed.on("rotate_secret", f"a {sub.channel} subscription has no "
                                                       "secret")  # fmt: skip
        secret = changes["secret"] = new_secret()
    for key, value in changes.items():
        setattr(sub, key, value)
    session.flush()
    audit.record(session, actor, audit.Action.UPDATE, KIND, sub.id,
                 {"fields": sorted(changes)})  # fmt: skip
    return sub, secret


def remove(session: Session, actor: Actor, sub_id: str) -> None:
    """Delete a subscription with its delivery records: what is still queued is not sent.
    The audit log keeps that it existed and how much it had received."""
    sub = owned(session, actor, sub_id)
    d = AlertDelivery
    rows = session.execute(
        select(d.status, func.count()).where(d.subscription_id == sub.id).group_by(d.status)
    )
    counts = {status: int(n) for status, n in rows}
    session.execute(delete(d).where(d.subscription_id == sub.id))
    detail = {"channel": sub.channel, "user_id": sub.user_id, "deliveries": counts}
    audit.record(session, actor, audit.Action.DELETE, KIND, sub.id, detail)
    session.delete(sub)
    session.flush()


def list_subscriptions(
    session: Session, actor: Actor, page: int, page_size: int,
    user_id: str | None = None, channel: str | None = None,
) -> Page[SubscriptionPublic]:  # fmt: skip
    """One's own subscriptions; everyone's for those who manage them."""
    actor.require(Permission.READ)
    manager = actor.can(Permission.MANAGE_SUBSCRIPTIONS)
    if user_id and user_id != actor.user_id and not manager:
        raise Forbidden("you may list only your own alert subscriptions")
    s = AlertSubscription
    q = select(s)
    if not manager or user_id:
        q = q.where(s.user_id == (user_id or actor.user_id))
    if channel:
        q = q.where(s.channel == channel)
    total = int(session.scalar(select(func.count()).select_from(q.subquery())) or 0)
    rows = session.scalars(
        q.order_by(s.created_at.desc(), s.id.desc()).offset((page - 1) * page_size)
        .limit(page_size)
    ).all()  # fmt: skip
    return Page[SubscriptionPublic](items=[public(r) for r in rows], total=total, page=page,
                                    page_size=page_size)  # fmt: skip
