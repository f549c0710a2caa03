"""API shapes of alert subscriptions. A webhook secret appears in one reply only: the one that
made it (creation, or a rotation); ``SubscriptionPublic`` never carries it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from tocsin.cases.schemas import Strict

ChannelName = Literal["email", "webhook"]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Address = Annotated[str, Field(min_length=1, max_length=2000)]
Codes = Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=300)]


class SubscriptionCreate(Strict):
    name: Name
    channel: ChannelName
    address: Address  # an email address, or an https:// URL for a webhook
    # Left out: the caller. Another user's id (coordinators), or null with an organisation
    # for a desk that is nobody's account (coordinators).
    user_id: Annotated[str | None, Field(max_length=36)] = None
    organisation: Annotated[str, Field(max_length=200)] = ""
    countries: Codes = []
    categories: Codes = []
    min_severity: Annotated[str, Field(max_length=12)] = "unknown"
    languages: Codes = []
    max_tlp: Annotated[str, Field(max_length=20)] = "GREEN"
    active: bool = True


class SubscriptionUpdate(Strict):
    name: Name | None = None
    address: Address | None = None
    organisation: Annotated[str | None, Field(max_length=200)] = None
    countries: Codes | None = None
    categories: Codes | None = None
    min_severity: Annotated[str | None, Field(max_length=12)] = None
    languages: Codes | None = None
    max_tlp: Annotated[str | None, Field(max_length=20)] = None
    active: bool | None = None
    rotate_secret: bool = False  # a new webhook secret, shown in this reply only


class SubscriptionPublic(BaseModel):
    id: str
    name: str
    user_id: str | None
    organisation: str
    channel: str
    address: str
    countries: list[str]
    categories: list[str]
    min_severity: str
    languages: list[str]
    max_tlp: str
    active: bool
    has_secret: bool
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class SubscriptionWithSecret(SubscriptionPublic):
    """The reply that creates a webhook secret: copy it now, it is not shown again."""

    secret: str | None = None


class TestSend(BaseModel):
    delivered: bool
    detail: str
    idempotency_key: str
