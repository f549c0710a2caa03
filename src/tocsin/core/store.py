"""The store: data folder, key file, database schema and built-in vocabularies, made or opened."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from tocsin.core import migrate
from tocsin.core.auth import create_user
from tocsin.core.crypto import KeyRing, install_keyring
from tocsin.core.db import Database
from tocsin.core.models import User
from tocsin.core.roles import Role
from tocsin.core.settings import Settings


@dataclass
class InitReport:
    created_key_file: bool
    created_admin: str | None
    vocabulary_terms_added: int
    created_vault_key: bool = False


def _keyring(settings: Settings, create: bool) -> tuple[KeyRing, bool]:
    if settings.key_file.exists():
        return KeyRing.load(settings.key_file), False
    if not create:
        return KeyRing.load(settings.key_file), False  # raises with a clear message
    ring = KeyRing.generate()
    ring.save(settings.key_file)
    return ring, True


def init_store(
    settings: Settings, admin_email: str | None = None, admin_password: str | None = None
) -> tuple[Database, InitReport]:
    """Idempotent: safe to run on an existing store, it only adds what is missing."""
    from tocsin.cases import vocabulary
    from tocsin.risk.framework import ensure_framework
    from tocsin.vault.signing import load_or_create_log_key
    from tocsin.vault.store import load_or_create_vault_key

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.evidence_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    ring, created = _keyring(settings, create=True)
    _, created_vault_key = load_or_create_vault_key(settings)
    load_or_create_log_key(settings)
    install_keyring(ring)
    db = Database(settings.database_url)
    migrate.upgrade(db.engine)
    admin = None
    with db.session() as session:
        added = vocabulary.seed(session)
        ensure_framework(session)
        if admin_email and admin_password:
            has_admin = session.scalar(
                select(func.count()).select_from(User).where(User.role == Role.ADMIN.value)
            )
            if not has_admin:
                admin = create_user(
                    session, admin_email, admin_password, Role.ADMIN, "Administrator"
                ).email
    return db, InitReport(created, admin, added, created_vault_key)


def open_store(settings: Settings) -> Database:
    ring, _ = _keyring(settings, create=False)
    install_keyring(ring)
    return Database(settings.database_url)
