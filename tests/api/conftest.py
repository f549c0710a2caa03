"""API fixtures: the real app over the ``db`` fixture, signed-in users per role, seeded records.

Passwords here are hashed with argon2id at the lowest cost argon2 allows, so a test can sign in
five roles in a few milliseconds. The production parameters are checked in tests/core/test_auth.py.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tocsin.api.app import create_app
from tocsin.cases import acts as acts_service
from tocsin.cases import consent, events, interventions, organisations, persons, sources
from tocsin.cases.schemas import (
    ActCreate,
    ConsentCreate,
    EventCreate,
    InterventionCreate,
    NameIn,
    OrganisationCreate,
    PersonCreate,
    SourceCreate,
)
from tocsin.core import auth
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

PASSWORD = "api test passphrase"
TOKEN_URL = "/api/v1/auth/token"


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # still argon2id
    monkeypatch.setattr(auth, "_hasher", cheap, raising=False)


@pytest.fixture
def app(settings: Settings, db: Database) -> FastAPI:
    return create_app(settings, db)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def bearer(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Sign in through the OAuth2 password flow; the headers a script would send."""
    r = client.post(TOKEN_URL, data={"username": email, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def add_user(db: Database, role: Role, email: str, password: str = PASSWORD) -> Actor:
    with db.session() as s:
        return auth.actor_for(auth.create_user(s, email, password, role))


@dataclass
class Member:
    actor: Actor
    headers: dict[str, str]

    @property
    def id(self) -> str:
        return self.actor.user_id

    @property
    def email(self) -> str:
        return self.actor.email


@dataclass
class Team:
    """One signed-in user per role, made on first use and kept for the rest of the test."""

    client: TestClient
    db: Database
    members: dict[Role, Member] = field(default_factory=dict)

    def __getitem__(self, role: Role) -> Member:
        if role not in self.members:
            actor = add_user(self.db, role, f"{role.value}@team.example.org")
            self.members[role] = Member(actor, bearer(self.client, actor.email))
        return self.members[role]

    def __call__(self, role: Role) -> dict[str, str]:
        return self[role].headers


@pytest.fixture
def team(client: TestClient, db: Database) -> Team:
    return Team(client, db)


@dataclass(frozen=True)
class Rec:
    """A seeded record: its id and a text that must never reach anyone who may not see it."""

    id: str
    secret: str


_serial = itertools.count(1)


@dataclass
class Seeder:
    """Creates records straight through the services, as ``actor`` (no HTTP, no hashing)."""

    db: Database
    actor: Actor

    def _secret(self, kind: str, tlp: str) -> str:
        return f"Secret{kind.title()}{tlp.replace('+', '')}N{next(_serial)}"

    def as_(self, actor: Actor) -> Seeder:
        return Seeder(self.db, actor)

    def event(self, tlp: str = "CLEAR", **kw: Any) -> Rec:
        secret = self._secret("event", tlp)
        data = {"title": secret, "start": "2020-01-01", "tlp": tlp, **kw}
        with self.db.session() as s:
            return Rec(events.create(s, self.actor, EventCreate(**data)).id, secret)

    def act(self, tlp: str = "CLEAR", event_id: str | None = None, **kw: Any) -> Rec:
        event_id = event_id or self.event(tlp).id
        secret = self._secret("act", tlp)
        data = {"act_type": "killing", "description": secret, "tlp": tlp, **kw}
        with self.db.session() as s:
            return Rec(acts_service.create(s, self.actor, event_id, ActCreate(**data)).id, secret)

    def person(self, tlp: str = "CLEAR", **kw: Any) -> Rec:
        secret = self._secret("person", tlp)
        data = {"names": [NameIn(value=secret)], "tlp": tlp, **kw}
        with self.db.session() as s:
            return Rec(persons.create(s, self.actor, PersonCreate(**data)).id, secret)

    def organisation(self, tlp: str = "CLEAR", **kw: Any) -> Rec:
        secret = self._secret("organisation", tlp)
        data = {"name": secret, "kind": "armed_group", "tlp": tlp, **kw}
        with self.db.session() as s:
            return Rec(organisations.create(s, self.actor, OrganisationCreate(**data)).id, secret)

    def source(self, tlp: str = "CLEAR", **kw: Any) -> Rec:
        secret = self._secret("source", tlp)
        data = {"title": secret, "source_type": "interview", "tlp": tlp, **kw}
        with self.db.session() as s:
            return Rec(sources.create(s, self.actor, SourceCreate(**data)).id, secret)

    def consent(self, tlp: str = "CLEAR", person_id: str | None = None, **kw: Any) -> Rec:
        person_id = person_id or self.person(tlp).id
        secret = self._secret("consent", tlp)
        data = {
            "person_id": person_id,
            "given_on": "2024-01-01",
            "recorded_how": "written_signed",
            "notes": secret,
            "tlp": tlp,
            **kw,
        }
        with self.db.session() as s:
            return Rec(consent.create(s, self.actor, ConsentCreate(**data)).id, secret)

    def intervention(self, tlp: str = "CLEAR", event_id: str | None = None, **kw: Any) -> Rec:
        event_id = event_id or self.event(tlp).id
        secret = self._secret("intervention", tlp)
        data = {
            "event_id": event_id,
            "intervention_type": "referral",
            "description": secret,
            "tlp": tlp,
            **kw,
        }
        with self.db.session() as s:
            return Rec(interventions.create(s, self.actor, InterventionCreate(**data)).id, secret)

    def make(self, kind: str, tlp: str) -> Rec:
        maker = getattr(self, kind)
        rec: Rec = maker(tlp)
        return rec


@pytest.fixture
def owner(db: Database) -> Actor:
    """An administrator who files the seeded records (so nobody else is their creator)."""
    return add_user(db, Role.ADMIN, "owner@team.example.org")


@pytest.fixture
def seed(db: Database, owner: Actor) -> Seeder:
    return Seeder(db, owner)
