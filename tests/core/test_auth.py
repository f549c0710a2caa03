"""Signing in: argon2id hashes, bearer tokens, rate limiting, disabled users, browser sessions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update

from tocsin.api.app import create_app
from tocsin.core import auth
from tocsin.core.clock import utcnow
from tocsin.core.db import Database
from tocsin.core.errors import ValidationFailed
from tocsin.core.models import ApiToken, LoginAttempt, User, WebSession
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

V = "/api/v1"
PASSWORD = "correct horse battery"
NEW_PASSWORD = "a different long passphrase"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def app(settings: Settings, db: Database) -> FastAPI:
    # A low limit, so the test shows the setting is honoured rather than a built-in 5.
    return create_app(replace(settings, login_max_failures=3), db)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def add_user(db: Database, email: str, role: Role = Role.ANALYST) -> str:
    with db.session() as s:
        return auth.create_user(s, email, PASSWORD, role).id


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> tuple[int, dict[str, str]]:
    r = client.post(f"{V}/auth/token", data={"username": email, "password": password})
    headers = (
        {"Authorization": f"Bearer {r.json()['access_token']}"} if r.status_code == 200 else {}
    )
    return r.status_code, headers


def me(client: TestClient, headers: dict[str, str]) -> int:
    return client.get(f"{V}/auth/me", headers=headers).status_code


def test_passwords_are_stored_as_argon2id_hashes(
    client: TestClient, db: Database, settings: Settings
) -> None:
    uid = add_user(db, "Hana@Example.org")
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users WHERE id = :i"), {"i": uid})
        hashed = stored.scalar_one()
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert auth.hash_password(PASSWORD) != auth.hash_password(PASSWORD)  # salted
    status, headers = sign_in(client, "  hana@EXAMPLE.org ")  # emails are case-insensitive
    assert status == 200
    r = client.get(f"{V}/auth/me", headers=headers)
    assert r.json()["email"] == "hana@example.org" and r.json()["clearance"] == "AMBER+STRICT"
    # Only a digest of a token is kept.
    token = headers["Authorization"].removeprefix("Bearer ")
    with db.session() as s:
        [row] = s.scalars(select(ApiToken)).all()
    assert row.token_hash != token and re.fullmatch(r"[0-9a-f]{64}", row.token_hash)
    expires = client.post(
        f"{V}/auth/token", data={"username": "hana@example.org", "password": PASSWORD}
    ).json()["expires_at"]
    lifetime = datetime.fromisoformat(expires) - utcnow()
    max_age = timedelta(seconds=settings.token_max_age_s)
    assert max_age - timedelta(minutes=1) < lifetime <= max_age


def test_wrong_password_or_unknown_user_is_401_and_no_token(
    client: TestClient, db: Database
) -> None:
    add_user(db, "omar@example.org")
    wrong = client.post(
        f"{V}/auth/token", data={"username": "omar@example.org", "password": "not the password"}
    )
    unknown = client.post(
        f"{V}/auth/token", data={"username": "nobody@example.org", "password": PASSWORD}
    )
    for r in (wrong, unknown):
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.headers["www-authenticate"] == "Bearer"
        assert "access_token" not in r.text
    assert wrong.json()["detail"] == unknown.json()["detail"]  # no hint which one was wrong
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ApiToken)) == 0
    assert me(client, {"Authorization": "Bearer tcs_made_up"}) == 401


def test_rate_limit_locks_an_account_after_the_configured_failures(
    client: TestClient, app: FastAPI, db: Database
) -> None:
    limit = app.state.settings.login_max_failures
    add_user(db, "rami@example.org")
    for _ in range(limit):
        assert sign_in(client, "rami@example.org", "guessing again")[0] == 401
    r = client.post(f"{V}/auth/token", data={"username": "rami@example.org", "password": PASSWORD})
    assert r.status_code == 429
    assert r.headers["retry-after"] == str(app.state.settings.login_window_s)
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "access_token" not in r.text
    # The sign-in page is locked the same way.
    page = client.get("/login")
    form = {
        "email": "rami@example.org",
        "password": PASSWORD,
        "csrf": CSRF_FIELD.search(page.text).group(1),
    }  # type: ignore[union-attr]
    locked = client.post("/login", data=form, follow_redirects=False)
    assert locked.headers["location"] == "/login?error=locked"
    assert "tocsin_session" not in locked.cookies
    # A colleague behind the same address still signs in.
    add_user(db, "lina@example.org")
    assert sign_in(client, "lina@example.org")[0] == 200
    # Once the window has passed, the right password works again.
    with db.session() as s:
        s.execute(
            update(LoginAttempt).values(
                at=utcnow() - timedelta(seconds=app.state.settings.login_window_s + 1)
            )
        )
    assert sign_in(client, "rami@example.org")[0] == 200


def test_disabled_users_get_no_token_and_lose_theirs(client: TestClient, db: Database) -> None:
    add_user(db, "admin@example.org", Role.ADMIN)
    uid = add_user(db, "field@example.org", Role.DOCUMENTER)
    _, admin = sign_in(client, "admin@example.org")
    _, field = sign_in(client, "field@example.org")
    assert me(client, field) == 200
    r = client.patch(f"{V}/users/{uid}", json={"active": False}, headers=admin)
    assert r.status_code == 200 and r.json()["active"] is False
    assert me(client, field) == 401
    assert sign_in(client, "field@example.org") == (401, {})
    with db.session() as s:
        assert (
            s.scalar(
                select(func.count()).where(ApiToken.user_id == uid, ApiToken.revoked_at.is_(None))
            )
            == 0
        )
    client.patch(f"{V}/users/{uid}", json={"active": True}, headers=admin)
    assert me(client, field) == 401  # a revoked token stays revoked
    status, again = sign_in(client, "field@example.org")
    assert status == 200 and me(client, again) == 200


def test_expired_and_revoked_tokens_are_refused(client: TestClient, db: Database) -> None:
    add_user(db, "sami@example.org")
    _, first = sign_in(client, "sami@example.org")
    _, second = sign_in(client, "sami@example.org")
    assert me(client, first) == 200
    token = first["Authorization"].removeprefix("Bearer ")
    with db.session() as s:
        s.execute(
            update(ApiToken)
            .where(ApiToken.token_hash == auth._digest(token))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    r = client.get(f"{V}/auth/me", headers=first)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert me(client, second) == 200
    assert client.post(f"{V}/auth/revoke", headers=second).status_code == 204
    assert me(client, second) == 401


def test_password_change_revokes_every_token(client: TestClient, db: Database) -> None:
    add_user(db, "dana@example.org")
    _, laptop = sign_in(client, "dana@example.org")
    _, script = sign_in(client, "dana@example.org")
    wrong = client.post(
        f"{V}/auth/password",
        headers=laptop,
        json={"current_password": "not it at all", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "current_password"
    weak = client.post(
        f"{V}/auth/password",
        headers=laptop,
        json={"current_password": PASSWORD, "new_password": "short"},
    )
    assert weak.status_code == 422 and weak.json()["errors"][0]["field"] == "new_password"
    assert me(client, laptop) == me(client, script) == 200  # failed changes revoke nothing
    r = client.post(
        f"{V}/auth/password",
        headers=laptop,
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert r.status_code == 204
    assert me(client, laptop) == me(client, script) == 401
    assert sign_in(client, "dana@example.org")[0] == 401
    assert sign_in(client, "dana@example.org", NEW_PASSWORD)[0] == 200


WEAK = {
    "short": "at least",
    "aaaaaaaaaaaaaa": "too simple",
    " padded passphrase": "too simple",
    "abababababab": "too simple",
    "passphrase ": "too simple",
}


def test_weak_passwords_are_refused_naming_the_field(
    client: TestClient, db: Database, subtests: Any
) -> None:
    add_user(db, "root@example.org", Role.ADMIN)
    _, admin = sign_in(client, "root@example.org")
    for password, why in WEAK.items():
        with subtests.test(repr(password)):
            with db.session() as s, pytest.raises(ValidationFailed) as err:
                auth.create_user(s, "weak@example.org", password, Role.ANALYST)
            assert err.value.errors[0].field == "password"
            assert why in err.value.errors[0].message
            r = client.post(
                f"{V}/users",
                headers=admin,
                json={"email": "weak@example.org", "password": password, "role": "analyst"},
            )
            assert r.status_code == 422
            assert [e["field"] for e in r.json()["errors"]] == ["password"]
    with db.session() as s:
        assert s.scalar(select(func.count()).where(User.email == "weak@example.org")) == 0


# ---- browser sessions -------------------------------------------------------------------------


def browser_sign_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Sign in as the page does; return the CSRF token the signed-in page carries."""
    form = client.get("/login")
    assert form.status_code == 200 and "tocsin_login_csrf" in form.cookies
    csrf = CSRF_FIELD.search(form.text)
    assert csrf
    r = client.post(
        "/login",
        data={"email": email, "password": password, "csrf": csrf.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/", r.headers.get("location")
    cookie = r.headers["set-cookie"].lower()
    assert "tocsin_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    home = client.get("/")
    assert home.status_code == 200 and email in home.text
    page_csrf = CSRF_FIELD.search(home.text)
    assert page_csrf
    return page_csrf.group(1)


def test_session_cookie_writes_need_the_csrf_token(
    client: TestClient, db: Database, settings: Settings
) -> None:
    add_user(db, "maya@example.org")
    token = browser_sign_in(client, "maya@example.org")
    assert client.get(f"{V}/auth/me").json()["email"] == "maya@example.org"  # reads need none
    event = {"title": "Filed from the browser", "start": "2024-05"}
    missing = client.post(f"{V}/events", json=event)
    assert missing.status_code == 403
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert (
        client.post(f"{V}/events", json=event, headers={"X-CSRF-Token": "x" + token}).status_code
        == 403
    )
    ok = client.post(f"{V}/events", json=event, headers={"X-CSRF-Token": token})
    assert ok.status_code == 201
    listed = client.get(f"{V}/events").json()
    assert listed["total"] == 1  # the refused writes left nothing behind
    with db.session() as s:
        [web] = s.scalars(select(WebSession)).all()
    # Alive for the idle period from the last request, never beyond the maximum age.
    lifetime = web.expires_at - utcnow()
    assert (
        timedelta(seconds=settings.session_idle_s - 60)
        < lifetime
        <= timedelta(seconds=settings.session_idle_s)
    )
    assert web.expires_at - web.created_at <= timedelta(seconds=settings.session_max_age_s)


def test_sign_in_page_refuses_a_forged_form(client: TestClient, db: Database) -> None:
    add_user(db, "nour@example.org")
    client.get("/login")
    forged = client.post(
        "/login",
        data={"email": "nour@example.org", "password": PASSWORD, "csrf": "made-up"},
        follow_redirects=False,
    )
    assert forged.headers["location"] == "/login?error=expired"
    wrong = client.get("/login")
    csrf = CSRF_FIELD.search(wrong.text).group(1)  # type: ignore[union-attr]
    r = client.post(
        "/login",
        data={"email": "nour@example.org", "password": "not it at all", "csrf": csrf},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/login?error=wrong"
    assert me(client, {}) == 401
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(WebSession)) == 0


def test_session_expiry_and_sign_out(client: TestClient, db: Database) -> None:
    add_user(db, "yara@example.org")
    csrf = browser_sign_in(client, "yara@example.org")
    assert me(client, {}) == 200
    with db.session() as s:
        s.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    expired = client.get(f"{V}/auth/me")
    assert expired.status_code == 401 and "session" in expired.json()["detail"]
    assert client.get("/", follow_redirects=False).headers["location"] == "/login?next=%2F"

    csrf = browser_sign_in(client, "yara@example.org")
    cookie = client.cookies["tocsin_session"]
    r = client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    client.cookies.set("tocsin_session", cookie)  # a copy kept by someone else stops working too
    assert me(client, {}) == 401
    with db.session() as s:
        assert s.scalar(select(func.count()).where(WebSession.expires_at > utcnow())) == 0
