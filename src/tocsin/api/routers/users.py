"""User administration (admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from tocsin.api.deps import CurrentActor, SessionDep
from tocsin.cases.schemas import Strict
from tocsin.core import audit, auth, user_admin
from tocsin.core.models import User
from tocsin.core.roles import Permission

router = APIRouter(prefix="/users", tags=["users"])


class UserCreate(Strict):
    model_config = ConfigDict(str_strip_whitespace=False)  # a password is taken as typed
    email: Annotated[str, Field(max_length=320)]
    password: Annotated[str, Field(max_length=1000)]
    role: str
    display_name: Annotated[str, Field(max_length=200)] = ""


class UserUpdate(Strict):
    role: str | None = None
    active: bool | None = None
    display_name: Annotated[str | None, Field(max_length=200)] = None


class UserPublic(BaseModel):
    id: str
    email: str
    display_name: str
    role: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None


def _public(u: User) -> UserPublic:
    return UserPublic(
        id=u.id,
        email=u.email,
        display_name=u.display_name,
        role=u.role,
        active=u.active,
        created_at=u.created_at,
        last_login_at=u.last_login_at,
    )


@router.get("", response_model=list[UserPublic])
def list_users(session: SessionDep, actor: CurrentActor) -> list[UserPublic]:
    actor.require(Permission.MANAGE_USERS)
    return [_public(u) for u in session.scalars(select(User).order_by(User.email))]


@router.post("", response_model=UserPublic, status_code=201)
def add_user(data: UserCreate, session: SessionDep, actor: CurrentActor) -> UserPublic:
    actor.require(Permission.MANAGE_USERS)
    role = auth.parse_role(data.role)
    return _public(
        auth.create_user(session, data.email, data.password, role, data.display_name, actor)
    )


@router.patch("/{user_id}", response_model=UserPublic)
def update_user(
    user_id: str, data: UserUpdate, session: SessionDep, actor: CurrentActor
) -> UserPublic:
    user = user_admin.get_user(session, actor, user_id)
    # The same guards as the pages: nobody demotes or disables themselves or the last admin.
    if data.role is not None:
        user_admin.change_role(session, actor, user, data.role)
    if data.display_name is not None and data.display_name != user.display_name:
        user.display_name = data.display_name
        audit.record(session, actor, audit.Action.USER, "user", user.id, {"op": "rename"})
    if data.active is not None:
        user_admin.set_access(session, actor, user, data.active)
    session.flush()
    return _public(user)
