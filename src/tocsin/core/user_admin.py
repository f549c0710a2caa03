"""Managing accounts from the administration pages: the same checks and audit entries as the
API, plus one guard the team depends on: never leave it without an active administrator."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.core import audit, auth
from tocsin.core.access import Actor
from tocsin.core.errors import Conflict, FieldProblem, NotFound
from tocsin.core.models import User
from tocsin.core.roles import Permission, Role


def list_users(session: Session, actor: Actor) -> list[User]:
    actor.require(Permission.MANAGE_USERS)
    return list(session.scalars(select(User).order_by(User.email)))


def get_user(session: Session, actor: Actor, user_id: str) -> User:
    actor.require(Permission.MANAGE_USERS)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such user")
    return user


def add_user(
    session: Session, actor: Actor, email: str, password: str, role: str, display_name: str = ""
) -> User:
    """auth.create_user, with a taken address reported on the email field rather than in
    general, so the form can say which field to change."""
    actor.require(Permission.MANAGE_USERS)
    parsed = auth.parse_role(role)
    normalised = auth.normalise_email(email)
    if session.scalar(select(User.id).where(User.email == normalised)):
        raise Conflict(
            f"a user with email {normalised} already exists",
            [FieldProblem("email", "is already used by another account")],
        )
    return auth.create_user(session, normalised, password, parsed, display_name, actor)


def _keep_an_admin(session: Session, actor: Actor, user: User, field: str) -> None:
    """Refuse to take administrator rights from oneself or from the last active admin.

    The other admins' rows are locked (PostgreSQL) so two admins demoting each other at the
    same moment cannot both succeed and leave nobody able to manage users.
    """
    if user.role != Role.ADMIN.value or not user.active:
        return
    if user.id == actor.user_id:
        raise Conflict(
            "you cannot remove your own administrator access",
            [FieldProblem(field, "you cannot remove your own administrator access; "
                                 "ask another administrator")],
        )
    admins = session.scalars(
        select(User.id)
        .where(User.role == Role.ADMIN.value, User.active.is_(True))
        .with_for_update()
    ).all()
    if not [a for a in admins if a != user.id]:
        raise Conflict(
            "this is the last active administrator",
            [FieldProblem(field, "this is the last active administrator")],
        )


def change_role(session: Session, actor: Actor, user: User, role: str) -> User:
    actor.require(Permission.MANAGE_USERS)
    parsed = auth.parse_role(role)
    if parsed.value == user.role:
        return user
    if parsed is not Role.ADMIN:
        _keep_an_admin(session, actor, user, "role")
    user.role = parsed.value
    # The same entry as the API's PATCH /users/{id}, so the log reads the same either way.
    audit.record(
        session, actor, audit.Action.USER, "user", user.id, {"op": "role", "role": user.role}
    )
    session.flush()
    return user


def set_access(session: Session, actor: Actor, user: User, active: bool) -> User:
    """Enable or disable; disabling also ends the user's sessions and API tokens."""
    actor.require(Permission.MANAGE_USERS)
    if active == user.active:
        return user
    if not active:
        _keep_an_admin(session, actor, user, "active")
    auth.set_active(session, user.email, active, actor)
    session.flush()
    return user
