"""Signing in and out, session expiry, changing a password and choosing a language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import update

from page_client import Browser
from seeding import PASSWORD, add_user
from tocsin.core.clock import utcnow
from tocsin.core.db import Database
from tocsin.core.models import WebSession
from tocsin.core.roles import Role

Make = Callable[..., Browser]


def test_pages_send_the_signed_out_to_sign_in_and_back(browser: Make, db: Database) -> None:
    client = browser()
    r = client.get("/account?tab=1", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Faccount%3Ftab%3D1"
    add_user(db, Role.ANALYST, "back@pages.example.org")
    form = client.get(r.headers["location"])
    assert 'name="next" value="/account?tab=1"' in form.text
    token = form.text.split('name="csrf" value="')[1].split('"')[0]
    done = client.post(
        "/login",
        data={"email": "back@pages.example.org", "password": PASSWORD, "csrf": token,
              "next": "/account?tab=1"},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/account?tab=1"


def test_sign_in_refuses_a_wrong_password_and_an_outside_redirect(
    browser: Make, db: Database
) -> None:
    add_user(db, Role.ANALYST, "who@pages.example.org")
    client = browser()
    form = client.get("/login?next=//evil.example/phish")
    assert 'name="next" value="/"' in form.text
    token = form.text.split('name="csrf" value="')[1].split('"')[0]
    wrong = client.post(
        "/login",
        data={"email": "who@pages.example.org", "password": "not it at all", "csrf": token},
    )
    assert "Email or password is not correct." in wrong.text
    assert "tocsin_session" not in client.cookies


def test_sign_in_without_the_form_token_is_refused(browser: Make, db: Database) -> None:
    add_user(db, Role.ANALYST, "csrf@pages.example.org")
    client = browser()
    r = client.post(
        "/login",
        data={"email": "csrf@pages.example.org", "password": PASSWORD, "csrf": "forged"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/login?error=expired"


def test_sign_out_ends_the_session(browser: Make) -> None:
    client = browser(Role.DOCUMENTER)
    assert client.get("/").status_code == 200
    forged = client.post("/logout", data={"csrf": "wrong"}, follow_redirects=False)
    assert forged.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200
    out = client.submit("/logout", {})
    assert out.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_an_idle_session_ends_and_a_busy_one_is_kept_alive(browser: Make, db: Database) -> None:
    client = browser(Role.ANALYST)
    with db.session() as s:
        before = s.query(WebSession).one().expires_at
        # Pretend the last request was long ago: the deadline slides forward on the next one.
        s.execute(update(WebSession).values(expires_at=utcnow() + timedelta(minutes=5)))
    assert client.get("/").status_code == 200
    with db.session() as s:
        slid = s.query(WebSession).one().expires_at
    assert slid > utcnow() + timedelta(minutes=20) and abs(slid - before) < timedelta(minutes=5)
    with db.session() as s:
        s.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_session_never_outlives_its_maximum_age(browser: Make, db: Database) -> None:
    client = browser(Role.ANALYST)
    with db.session() as s:
        s.execute(
            update(WebSession).values(
                created_at=utcnow() - timedelta(hours=7, minutes=59),
                expires_at=utcnow() + timedelta(seconds=30),
            )
        )
    assert client.get("/").status_code == 200
    with db.session() as s:
        capped = s.query(WebSession).one().expires_at
    assert capped <= utcnow() + timedelta(minutes=1, seconds=5)


def test_change_password_checks_both_fields_and_keeps_no_password(browser: Make) -> None:
    client = browser(Role.DOCUMENTER, "pw@pages.example.org")
    page = client.get("/account")
    assert "pw@pages.example.org" in page.text
    mismatch = client.submit(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a new long passphrase",
         "repeat_password": "another long passphrase"},
    )
    assert mismatch.status_code == 422
    assert 'id="repeat_password-error"' in mismatch.text
    assert "a new long passphrase" not in mismatch.text
    wrong = client.submit(
        "/account/password",
        {"current_password": "not my password", "new_password": "a new long passphrase",
         "repeat_password": "a new long passphrase"},
    )
    assert wrong.status_code == 422 and 'id="current_password-error"' in wrong.text
    short = client.submit(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "short", "repeat_password": "short"},
    )
    assert short.status_code == 422 and 'id="new_password-error"' in short.text


def test_changing_the_password_signs_out_and_the_new_one_works(browser: Make) -> None:
    client = browser(Role.DOCUMENTER, "pw2@pages.example.org")
    done = client.submit(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a new long passphrase",
         "repeat_password": "a new long passphrase"},
    )
    assert done.status_code == 303 and done.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303
    assert "Password changed" in client.get("/login").text
    client.sign_in("pw2@pages.example.org", "a new long passphrase")


def test_choosing_arabic_turns_the_page_right_to_left(browser: Make) -> None:
    client = browser(Role.ANALYST)
    assert 'dir="ltr"' in client.get("/").text
    r = client.get("/language/ar?next=/account", follow_redirects=False)
    assert r.headers["location"] == "/account"
    page = client.get("/account")
    assert '<html lang="ar" dir="rtl">' in page.text
    # An unknown language or an outside address changes nothing and goes nowhere else.
    r = client.get("/language/xx?next=https://evil.example/", follow_redirects=False)
    assert r.headers["location"] == "/"
    assert '<html lang="ar" dir="rtl">' in client.get("/").text


def test_the_browser_language_is_the_default(browser: Make) -> None:
    client = browser()
    page = client.get("/login", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr" dir="ltr">' in page.text
