"""Alert subscriptions: one's own, or everyone's for coordinators and administrators."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from tocsin.alerts import subscriptions
from tocsin.alerts.sending import SendConfig
from tocsin.alerts.subscription_ping import send_test
from tocsin.alerts.subscription_schemas import (
    SubscriptionCreate,
    SubscriptionPublic,
    SubscriptionUpdate,
    SubscriptionWithSecret,
    TestSend,
)
from tocsin.api.deps import CurrentActor, PagingDep, SessionDep, SettingsDep
from tocsin.cases.schemas import Page

router = APIRouter(prefix="/alert-subscriptions", tags=["alerts"])


@router.get("", response_model=Page[SubscriptionPublic])
def list_subscriptions(
    session: SessionDep,
    actor: CurrentActor,
    paging: PagingDep,
    user_id: Annotated[str | None, Query(max_length=36)] = None,
    channel: Literal["email", "webhook"] | None = None,
) -> Page[SubscriptionPublic]:
    return subscriptions.list_subscriptions(
        session, actor, paging.page, paging.page_size, user_id, channel
    )


@router.post("", response_model=SubscriptionWithSecret, status_code=201)
def create_subscription(
    data: SubscriptionCreate, session: SessionDep, actor: CurrentActor
) -> SubscriptionWithSecret:
    """Subscribe. A webhook's signing secret is in this reply only: keep it."""
    sub, secret = subscriptions.create(session, actor, data)
    return subscriptions.with_secret(sub, secret)


@router.patch("/{subscription_id}", response_model=SubscriptionWithSecret)
def update_subscription(
    subscription_id: str, data: SubscriptionUpdate, session: SessionDep, actor: CurrentActor
) -> SubscriptionWithSecret:
    """Change filters or address, pause (``active: false``), or rotate a webhook secret."""
    sub, secret = subscriptions.update(session, actor, subscription_id, data)
    return subscriptions.with_secret(sub, secret)


@router.delete("/{subscription_id}", status_code=204)
def delete_subscription(subscription_id: str, session: SessionDep, actor: CurrentActor) -> None:
    subscriptions.remove(session, actor, subscription_id)


@router.post("/{subscription_id}/test", response_model=TestSend)
def test_subscription(
    subscription_id: str, session: SessionDep, actor: CurrentActor, settings: SettingsDep
) -> TestSend:
    """Send a test message now and say whether the receiver took it."""
    cfg = SendConfig.from_settings(settings)
    return send_test(session, actor, subscription_id, cfg, settings.public_url)
