"""Users, passwords (argon2id), API tokens, browser sessions and login rate limiting."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import Conflict, NotFound, TooManyAttempts, Unauthorized, ValidationFailed
from tocsin.core.models import ApiToken, LoginAttempt, User, WebSession
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verifying against this when the user does not exist keeps the timing the same either way.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_PASSWORD_LENGTH = 10
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed.on(field, f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password or len(set(password)) < 4:
        raise ValidationFailed.on(field, "is too simple")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def actor_for(user: User, ip: str = "") -> Actor:
    return Actor(user_id=user.id, email=user.email, role=Role(user.role), ip=ip)


def parse_role(value: str, field: str = "role") -> Role:
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise ValidationFailed.on(field, f"unknown role {value!r}; use one of {choices}") from None


def normalise_email(email: str, field: str = "email") -> str:
    email = email.strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 320:
        raise ValidationFailed.on(field, "is not a valid email address")
    return email


def create_user(
    session: Session,
    email: str,
    password: str,
    role: Role,
    display_name: str = "",
    by: Actor | None = None,
) -> User:
    email = normalise_email(email)
    check_password_strength(password)
    if session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(f"a user with email {email} already exists")
    user = User(
        email=email,
        display_name=display_name,
        role=role.value,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    audit.record(session, by, audit.Action.USER, "user", user.id, {"op": "add", "role": role.value})
    return user


def set_active(session: Session, email: str, active: bool, by: Actor | None) -> User:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(f"no user with email {email}")
    user.active = active
    if not active:
        session.execute(
            update(ApiToken).where(ApiToken.user_id == user.id).values(revoked_at=utcnow())
        )
        session.query(WebSession).filter(WebSession.user_id == user.id).delete()
    audit.record(
        session, by, audit.Action.USER, "user", user.id, {"op": "enable" if active else "disable"}
    )
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise ValidationFailed.on("current_password", "is not correct") from None
    check_password_strength(new, "new_password")
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    # Changing a password ends every other way in.
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id).values(revoked_at=utcnow()))
    session.query(WebSession).filter(WebSession.user_id == user.id).delete()
    audit.record(session, actor_for(user), audit.Action.USER, "user", user.id, {"op": "password"})


def _check_rate(session: Session, settings: Settings, email: str, ip: str) -> None:
    since = utcnow() - timedelta(seconds=settings.login_window_s)
    failures = session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.at >= since, LoginAttempt.success.is_(False))
        .where((LoginAttempt.email == email) | ((LoginAttempt.ip == ip) & (LoginAttempt.ip != "")))
    )
    # An address gets more room than one account: several colleagues may share an office link.
    if failures and failures >= settings.login_max_failures:
        by_email = session.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.at >= since, LoginAttempt.success.is_(False))
            .where(LoginAttempt.email == email)
        )
        if (
            by_email or 0
        ) >= settings.login_max_failures or failures >= 4 * settings.login_max_failures:
            raise TooManyAttempts(
                "too many failed sign-in attempts; try again later", settings.login_window_s
            )


def authenticate(
    session: Session, settings: Settings, email: str, password: str, ip: str = ""
) -> User:
    """Check a password; record the attempt whatever the outcome. Commits the attempt."""
    email = email.strip().lower()
    _check_rate(session, settings, email, ip)
    user = session.scalar(select(User).where(User.email == email))
    ok = False
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.active
    except (VerificationError, InvalidHashError, VerifyMismatchError):
        ok = False
    session.add(LoginAttempt(email=email, ip=ip, success=ok))
    if not ok or user is None:
        audit.record(
            session, None, audit.Action.LOGIN_FAILED, "user", "", {"email": email, "ip": ip}
        )
        session.commit()
        raise Unauthorized("email or password is not correct")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record(session, actor_for(user, ip), audit.Action.LOGIN, "user", user.id)
    return user


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def issue_token(session: Session, settings: Settings, user: User, label: str = "") -> IssuedToken:
    token = "tcs_" + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(seconds=settings.token_max_age_s)
    session.add(
        ApiToken(user_id=user.id, token_hash=_digest(token), label=label, expires_at=expires)
    )
    return IssuedToken(token, expires)


def user_for_token(session: Session, token: str) -> User | None:
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _digest(token))
    ).first()
    if row is None:
        return None
    tok, user = row
    if tok.revoked_at is not None or tok.expires_at <= utcnow() or not user.active:
        return None
    return user


def revoke_token(session: Session, token: str) -> None:
    session.execute(
        update(ApiToken).where(ApiToken.token_hash == _digest(token)).values(revoked_at=utcnow())
    )


@dataclass(frozen=True)
class OpenedSession:
    cookie: str
    csrf_token: str
    expires_at: datetime


def _idle_deadline(settings: Settings, created: datetime, now: datetime) -> datetime:
    return min(
        now + timedelta(seconds=settings.session_idle_s),
        created + timedelta(seconds=settings.session_max_age_s),
    )


def open_session(session: Session, settings: Settings, user: User, ip: str = "") -> OpenedSession:
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    now = utcnow()
    expires = _idle_deadline(settings, now, now)
    session.add(
        WebSession(
            user_id=user.id,
            token_hash=_digest(cookie),
            csrf_token=csrf,
            created_at=now,
            expires_at=expires,
            ip=ip,
        )
    )
    return OpenedSession(cookie, csrf, expires)


def resolve_session(
    session: Session, cookie: str, settings: Settings | None = None
) -> tuple[User, WebSession] | None:
    """The session behind a cookie, if still alive; with settings, a use pushes back its idle
    deadline (never past the session's maximum age)."""
    row = session.execute(
        select(User, WebSession)
        .join(WebSession, WebSession.user_id == User.id)
        .where(WebSession.token_hash == _digest(cookie))
    ).first()
    if row is None:
        return None
    user, web = row
    now = utcnow()
    if web.expires_at <= now or not user.active:
        return None
    if settings is not None:
        deadline = _idle_deadline(settings, web.created_at, now)
        # One write a minute at most: a page with many requests does not hammer the store.
        if deadline - web.expires_at > timedelta(seconds=60):
            web.expires_at = deadline
    return user, web


def close_session(session: Session, cookie: str) -> None:
    session.query(WebSession).filter(WebSession.token_hash == _digest(cookie)).delete()


def csrf_matches(expected: str, given: str | None) -> bool:
    return given is not None and secrets.compare_digest(expected, given)
