"""Storage fixtures: every storage test runs on a real SQLite file and a real PostgreSQL.

PostgreSQL comes from TOCSIN_TEST_POSTGRES_URL (``make test`` starts a throwaway server and
sets it). Without it the PostgreSQL half is skipped, unless TOCSIN_REQUIRE_POSTGRES=1 (as in
CI), where a missing server is an error rather than a silent skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tocsin.cases import vocabulary
from tocsin.core import migrate
from tocsin.core.access import Actor
from tocsin.core.auth import actor_for, create_user
from tocsin.core.crypto import KeyRing, install_keyring
from tocsin.core.db import Database
from tocsin.core.registry import load_models
from tocsin.core.roles import Role
from tocsin.core.settings import Settings, get_settings, load_settings
from tocsin.risk.framework import ensure_framework

PG_URL = os.environ.get("TOCSIN_TEST_POSTGRES_URL")
REQUIRE_PG = os.environ.get("TOCSIN_REQUIRE_POSTGRES") == "1"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def keyring() -> KeyRing:
    ring = KeyRing.generate()
    install_keyring(ring)
    return ring


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory, keyring: KeyRing) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db.engine)
    with db.session() as s:
        vocabulary.seed(s)
        ensure_framework(s)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database(keyring: KeyRing) -> Iterator[str | None]:
    if not PG_URL:
        if REQUIRE_PG:
            raise RuntimeError("TOCSIN_REQUIRE_POSTGRES=1 but TOCSIN_TEST_POSTGRES_URL is not set")
        yield None
        return
    name = f"tocsin_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    engine = create_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _fresh_pg(url: str) -> Database:
    db = Database(url)
    tables = [t.name for t in load_models().sorted_tables]
    # Truncating costs about 6 ms a table even when it is empty, and most of the tables are
    # empty after any one test: ask which hold rows (one statement), truncate only those.
    probe = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})" for name in tables
    )
    with db.engine.begin() as conn:
        used = list(conn.execute(text(probe)).scalars())
        if used:
            # TRUNCATE is not a row DELETE, so the audit log's append-only trigger stays on.
            conn.execute(text(f"TRUNCATE {', '.join(used)} RESTART IDENTITY CASCADE"))
    with db.session() as s:
        vocabulary.seed(s)
        ensure_framework(s)
    return db


@pytest.fixture(params=["sqlite", "postgres"])
def db(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    pg_database: str | None,
) -> Iterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "tocsin.sqlite3"
        shutil.copy(sqlite_template, path)
        database = Database(f"sqlite:///{path}")
    else:
        if pg_database is None:
            pytest.skip("no PostgreSQL test server (set TOCSIN_TEST_POSTGRES_URL)")
        database = _fresh_pg(pg_database)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """For tests about SQLite itself (file bytes, backup); most tests use ``db``."""
    path = tmp_path / "tocsin.sqlite3"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture
def settings(tmp_path: Path, db: Database, keyring: KeyRing) -> Settings:
    data_dir = tmp_path / "data"
    (data_dir / "evidence").mkdir(parents=True)
    key_file = data_dir / "keys" / "tocsin.keys"
    keyring.save(key_file)
    return replace(
        load_settings(),
        data_dir=data_dir,
        database_url=db.url,
        key_file=key_file,
        evidence_dir=data_dir / "evidence",
    )


MakeActor = Callable[..., Actor]


@pytest.fixture
def make_actor(db: Database) -> MakeActor:
    """``make_actor(Role.ANALYST)`` creates a user with that role and returns who they are."""
    counter = {"n": 0}

    def make(role: Role = Role.ADMIN, email: str | None = None) -> Actor:
        counter["n"] += 1
        email = email or f"{role.value}{counter['n']}@example.org"
        with db.session() as s:
            user = create_user(s, email, PASSWORD, role)
            return actor_for(user)

    return make


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The command line pointed at this test's store (through the environment it reads)."""
    for name, value in {
        "DATA_DIR": settings.data_dir,
        "DATABASE_URL": settings.database_url,
        "KEY_FILE": settings.key_file,
        "EVIDENCE_DIR": settings.evidence_dir,
    }.items():
        monkeypatch.setenv(f"TOCSIN_{name}", str(value))
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()
