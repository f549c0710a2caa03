"""API fixtures: the real app over the ``db`` fixture, signed-in users per role, seeded records
(the helpers themselves are in tests/seeding.py, shared with the page tests)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from seeding import PASSWORD, Rec, Seeder, add_user, cheap_hashing
from tocsin.api.app import create_app
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings
from tocsin.vault.store import open_blob_store

__all__ = ["PASSWORD", "Rec", "Seeder"]
TOKEN_URL = "/api/v1/auth/token"


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


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


@pytest.fixture
def owner(db: Database) -> Actor:
    """An administrator who files the seeded records (so nobody else is their creator)."""
    return add_user(db, Role.ADMIN, "owner@team.example.org")


@pytest.fixture
def seed(db: Database, owner: Actor, settings: Settings) -> Seeder:
    return Seeder(db, owner, open_blob_store(settings))
