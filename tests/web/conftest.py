"""Page fixtures: the real app, and browsers-without-a-browser signed in through the form."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from page_client import Browser
from seeding import Seeder, add_user, cheap_hashing
from tocsin.api.app import create_app
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Pages are thin over the services, and the services' tests (tests/api, tests/<area>) run
    on both databases; running every page test twice cost about two minutes of the suite. Page
    tests whose behaviour depends on the database (full-text search, concurrent edits, counts)
    are marked ``both_databases`` and keep their PostgreSQL run."""
    here = Path(__file__).parent
    dropped = [
        item
        for item in items
        if item.path.is_relative_to(here)
        and "[postgres" in item.nodeid
        and item.get_closest_marker("both_databases") is None
    ]
    if dropped:
        gone = set(map(id, dropped))
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if id(item) not in gone]


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


@pytest.fixture
def app(settings: Settings, db: Database) -> FastAPI:
    return create_app(settings, db)


@pytest.fixture
def browser(app: FastAPI) -> Iterator[Callable[..., Browser]]:
    """browser(role) -> a client signed in as a fresh user of that role."""
    opened: list[Browser] = []
    db: Database = app.state.db

    def make(role: Role | None = None, email: str | None = None) -> Browser:
        client = Browser(app)
        client.__enter__()
        opened.append(client)
        if role is not None:
            email = email or f"{role.value}.{len(opened)}@pages.example.org"
            add_user(db, role, email)
            client.sign_in(email)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def owner(db: Database) -> Actor:
    return add_user(db, Role.ADMIN, "owner@pages.example.org")


@pytest.fixture
def seed(db: Database, owner: Actor) -> Seeder:
    return Seeder(db, owner)
