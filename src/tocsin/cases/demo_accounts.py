"""Accounts for trying the demo: one per role, with a published password. Never in production."""

from __future__ import annotations

from sqlalchemy import exists, select

from tocsin.cases.models import Event
from tocsin.core.auth import create_user
from tocsin.core.db import Database
from tocsin.core.errors import ConfigurationError
from tocsin.core.models import User
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

DEMO_PASSWORD = "tocsin-demo-2026"  # noqa: S105 - published on purpose, refused in production
DEMO_DOMAIN = "demo.tocsin.example"


def demo_email(role: Role) -> str:
    return f"{role.value.replace('_', '-')}@{DEMO_DOMAIN}"


def ensure_demo_accounts(db: Database, settings: Settings) -> str:
    """Create the missing demo accounts; return the demo admin's email."""
    if settings.environment == "production":
        raise ConfigurationError("demo accounts are refused when TOCSIN_ENVIRONMENT=production")
    with db.session() as s:
        for role in Role:
            email = demo_email(role)
            if not s.scalar(select(User.id).where(User.email == email)):
                create_user(s, email, DEMO_PASSWORD, role, f"Demo {role.value.replace('_', ' ')}")
    return demo_email(Role.ADMIN)


def store_has_events(db: Database) -> bool:
    with db.session() as s:
        return bool(s.scalar(select(exists().where(Event.id.is_not(None)))))
