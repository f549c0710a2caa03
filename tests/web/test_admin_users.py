"""Administration of users: who may reach it, adding, changing roles, disabling, and the guard
that keeps the team from losing its last administrator."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from page_client import Browser
from seeding import PASSWORD, add_user
from tocsin.core.db import Database
from tocsin.core.models import AuditEntry, User
from tocsin.core.roles import Role

Make = Callable[..., Browser]
NEW_PASSWORD = "a fresh long passphrase"


def _user(db: Database, email: str) -> User:
    with db.session() as s:
        user = s.scalar(select(User).where(User.email == email))
        assert user is not None
        s.expunge(user)
        return user


@pytest.mark.parametrize(
    ("role", "home"),
    [(Role.COORDINATOR, 200), (Role.ANALYST, 403), (Role.DOCUMENTER, 403),
     (Role.PARTNER_VIEWER, 403)],
)
def test_only_admins_manage_users(browser: Make, db: Database, role: Role, home: int) -> None:
    target = add_user(db, Role.ANALYST, "target@pages.example.org")
    client = browser(role)
    assert client.get("/admin").status_code == home
    for url in ("/admin/users", "/admin/users/new", f"/admin/users/{target.user_id}"):
        page = client.get(url)
        assert page.status_code == 403, url
        assert "You may not do this" in page.text  # the error page, not a bare status
        assert "target@pages.example.org" not in page.text
    refused = client.submit(f"/admin/users/{target.user_id}/role", {"role": "admin"})
    assert refused.status_code == 403
    assert _user(db, "target@pages.example.org").role == "analyst"


def test_the_admin_home_lists_only_the_areas_one_may_use(browser: Make) -> None:
    admin = browser(Role.ADMIN).get("/admin").text
    assert all(h in admin for h in ('href="/admin/users"', 'href="/admin/vocabularies"',
                                    'href="/admin/audit"'))
    coordinator = browser(Role.COORDINATOR).get("/admin").text
    assert 'href="/admin/vocabularies"' in coordinator
    assert 'href="/admin/users"' not in coordinator and 'href="/admin/audit"' not in coordinator


def test_an_admin_adds_a_user_who_can_then_sign_in(browser: Make, db: Database) -> None:
    admin = browser(Role.ADMIN, "boss@pages.example.org")
    form = admin.get("/admin/users/new")
    assert "TLP:AMBER+STRICT" in form.text  # each role's clearance is explained
    done = admin.submit("/admin/users/new", {
        "email": "New.Person@pages.example.org", "display_name": "New Person",
        "role": "analyst", "password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD,
    })
    assert done.status_code == 303, done.text
    user = _user(db, "new.person@pages.example.org")
    assert done.headers["location"] == f"/admin/users/{user.id}"
    assert user.role == "analyst" and user.active
    listing = admin.get("/admin/users").text
    assert "new.person@pages.example.org" in listing and NEW_PASSWORD not in listing
    with db.session() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.entity_id == user.id))
        assert entry is not None and entry.user_email == "boss@pages.example.org"
        assert entry.detail == {"op": "add", "role": "analyst"}
    newcomer = browser()
    newcomer.sign_in("new.person@pages.example.org", NEW_PASSWORD)


def test_a_refused_new_user_keeps_the_fields_but_never_the_password(browser: Make) -> None:
    admin = browser(Role.ADMIN)
    weak = admin.submit("/admin/users/new", {
        "email": "weak@pages.example.org", "role": "documenter",
        "password": "aaaaaaaaaaaa", "repeat_password": "aaaaaaaaaaaa",
    })
    assert weak.status_code == 422
    assert 'id="password-error"' in weak.text and "too simple" in weak.text
    assert 'value="weak@pages.example.org"' in weak.text
    assert "aaaaaaaaaaaa" not in weak.text
    assert '<option value="documenter" selected>' in weak.text
    taken = admin.submit("/admin/users/new", {
        "email": "weak@pages.example.org", "role": "documenter",
        "password": NEW_PASSWORD, "repeat_password": "something else entirely",
    })
    assert taken.status_code == 422 and 'id="repeat_password-error"' in taken.text
    assert NEW_PASSWORD not in taken.text
    add_user_ok = admin.submit("/admin/users/new", {
        "email": "twice@pages.example.org", "role": "documenter",
        "password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD,
    })
    assert add_user_ok.status_code == 303
    again = admin.submit("/admin/users/new", {
        "email": "TWICE@pages.example.org", "role": "documenter",
        "password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD,
    })
    assert again.status_code == 422 and 'id="email-error"' in again.text
    bad_role = admin.submit("/admin/users/new", {
        "email": "role@pages.example.org", "role": "overlord",
        "password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD,
    })
    assert bad_role.status_code == 422 and 'id="role-error"' in bad_role.text


def test_a_role_change_takes_effect_at_once(browser: Make, db: Database) -> None:
    admin = browser(Role.ADMIN, "boss@pages.example.org")
    analyst = browser(Role.ANALYST, "rising@pages.example.org")
    assert analyst.get("/admin/vocabularies").status_code == 403
    target = _user(db, "rising@pages.example.org")
    done = admin.submit(f"/admin/users/{target.id}/role", {"role": "coordinator"})
    assert done.status_code == 303
    assert analyst.get("/admin/vocabularies").status_code == 200
    assert "Coordinator" in admin.get(f"/admin/users/{target.id}").text
    with db.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == target.id)
                          .order_by(AuditEntry.id.desc())).first()
        assert entry is not None and entry.detail == {"op": "role", "role": "coordinator"}


def test_disabling_a_user_ends_their_sign_in_and_enabling_restores_it(
    browser: Make, db: Database
) -> None:
    admin = browser(Role.ADMIN)
    victim = browser(Role.DOCUMENTER, "leaving@pages.example.org")
    user = _user(db, "leaving@pages.example.org")
    assert admin.submit(f"/admin/users/{user.id}/active", {"active": "false"}).status_code == 303
    assert victim.get("/", follow_redirects=False).status_code == 303  # sent to sign in
    assert "Disabled" in admin.get("/admin/users").text
    login = browser()
    with pytest.raises(AssertionError):
        login.sign_in("leaving@pages.example.org", PASSWORD)
    assert admin.submit(f"/admin/users/{user.id}/active", {"active": "true"}).status_code == 303
    browser().sign_in("leaving@pages.example.org", PASSWORD)


def test_an_admin_cannot_demote_or_disable_themselves(browser: Make, db: Database) -> None:
    admin = browser(Role.ADMIN, "only@pages.example.org")
    me = _user(db, "only@pages.example.org")
    demote = admin.submit(f"/admin/users/{me.id}/role", {"role": "analyst"})
    assert demote.status_code == 422 and 'id="role-error"' in demote.text
    disable = admin.submit(f"/admin/users/{me.id}/active", {"active": "false"})
    assert disable.status_code == 422 and 'id="active-error"' in disable.text
    assert '<option value="admin" selected>' in disable.text  # shown as stored
    after = _user(db, "only@pages.example.org")
    assert after.role == "admin" and after.active
    assert admin.get("/admin/users").status_code == 200


def test_the_last_active_admin_is_kept(db: Database) -> None:
    from tocsin.core import user_admin
    from tocsin.core.errors import Conflict

    first = add_user(db, Role.ADMIN, "first@pages.example.org")
    add_user(db, Role.ADMIN, "second@pages.example.org")
    with db.session() as s:
        second = s.scalar(select(User).where(User.email == "second@pages.example.org"))
        assert second is not None
        user_admin.set_access(s, first, second, False)  # another admin is left: allowed
    with db.session() as s:
        second = s.scalar(select(User).where(User.email == "second@pages.example.org"))
        assert second is not None and not second.active
        user_admin.set_access(s, first, second, True)
    # An actor acting on the only other admin while itself not an admin (a script's actor,
    # say): demoting that admin would leave none.
    with db.session() as s:
        me = s.scalar(select(User).where(User.email == "first@pages.example.org"))
        assert me is not None
        me.role = "coordinator"
    with db.session() as s:
        second = s.scalar(select(User).where(User.email == "second@pages.example.org"))
        assert second is not None
        with pytest.raises(Conflict, match="last active administrator"):
            user_admin.change_role(s, first, second, "analyst")


def test_user_forms_without_the_csrf_token_are_refused(browser: Make, db: Database) -> None:
    admin = browser(Role.ADMIN)
    target = add_user(db, Role.ANALYST, "csrf@pages.example.org")
    forged = admin.post(f"/admin/users/{target.user_id}/role", data={"role": "admin"},
                        follow_redirects=False)
    assert forged.status_code == 403
    forged = admin.post("/admin/users/new", data={
        "email": "x@pages.example.org", "role": "admin",
        "password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD})
    assert forged.status_code == 403
    assert _user(db, "csrf@pages.example.org").role == "analyst"
