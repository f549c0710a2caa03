"""Sign-in for scripts (OAuth2 password flow) and the current user."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, ConfigDict, Field

from tocsin.api.deps import CurrentActor, SessionDep, SettingsDep, client_ip, oauth2
from tocsin.cases.schemas import Strict
from tocsin.core import audit, auth
from tocsin.core.models import User

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_at: datetime


class MePublic(BaseModel):
    id: str
    email: str
    display_name: str
    role: str
    clearance: str
    language: str


class PasswordChange(Strict):
    model_config = ConfigDict(str_strip_whitespace=False)  # a password is taken as typed
    current_password: Annotated[str, Field(min_length=1, max_length=1000)]
    new_password: Annotated[str, Field(min_length=1, max_length=1000)]


@router.post("/token", response_model=TokenPublic)
def token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> TokenPublic:
    user = auth.authenticate(session, settings, form.username, form.password, client_ip(request))
    issued = auth.issue_token(session, settings, user, label="api")
    return TokenPublic(access_token=issued.token, expires_at=issued.expires_at)


@router.post("/revoke", status_code=204)
def revoke(
    session: SessionDep, actor: CurrentActor, tok: Annotated[str | None, Depends(oauth2)]
) -> None:
    if tok:
        auth.revoke_token(session, tok)
        audit.record(session, actor, audit.Action.LOGOUT, "user", actor.user_id, {"via": "token"})


@router.get("/me", response_model=MePublic)
def me(session: SessionDep, actor: CurrentActor) -> MePublic:
    user = session.get(User, actor.user_id)
    assert user is not None
    return MePublic(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        clearance=actor.clearance.label,
        language=user.language,
    )


@router.post("/password", status_code=204)
def change_password(data: PasswordChange, session: SessionDep, actor: CurrentActor) -> None:
    user = session.get(User, actor.user_id)
    assert user is not None
    auth.change_password(session, user, data.current_password, data.new_password)
