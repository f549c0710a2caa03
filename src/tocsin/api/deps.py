"""Request dependencies: the store, a unit of work, and who is asking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.core.auth import actor_for, csrf_matches, resolve_session, user_for_token
from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, Unauthorized
from tocsin.core.settings import Settings
from tocsin.vault.blobs import BlobStore
from tocsin.vault.signing import LogKey, load_or_create_log_key
from tocsin.vault.store import open_blob_store

SESSION_COOKIE = "tocsin_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(db: Annotated[Database, Depends(get_db)]) -> Iterator[Session]:
    with db.session() as session:
        yield session


# scope="function": commit before the response is sent. FastAPI's default runs it after, so a
# browser following a redirect (sign-in, a saved form) could arrive before the write it follows.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def current_actor(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(oauth2)],
) -> Actor:
    ip = client_ip(request)
    if token:
        user = user_for_token(session, token)
        if user is None:
            raise Unauthorized("the token is not valid or has expired")
        return actor_for(user, ip)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        found = resolve_session(session, cookie, request.app.state.settings)
        if found is None:
            raise Unauthorized("the session has expired; sign in again")
        user, web = found
        # Cookies ride along on cross-site requests; a write must prove it came from our page.
        if request.method not in SAFE_METHODS and not csrf_matches(
            web.csrf_token, request.headers.get(CSRF_HEADER)
        ):
            raise Forbidden("missing or wrong CSRF token")
        return actor_for(user, ip)
    raise Unauthorized("sign in or send a bearer token")


CurrentActor = Annotated[Actor, Depends(current_actor)]


class Paging:
    def __init__(
        self,
        request: Request,
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
        page_size: Annotated[int | None, Query(ge=1, le=500)] = None,
    ) -> None:
        settings: Settings = request.app.state.settings
        self.page = page
        self.page_size = page_size or settings.default_page_size


PagingDep = Annotated[Paging, Depends()]


def get_blob_store(request: Request) -> BlobStore:
    """The evidence store, opened on first use (its vault key is made while the folder is
    empty, as ``tocsin init`` does)."""
    store: BlobStore | None = getattr(request.app.state, "blob_store", None)
    if store is None:
        store = open_blob_store(request.app.state.settings)
        request.app.state.blob_store = store
    return store


def get_log_key(request: Request) -> LogKey:
    key: LogKey | None = getattr(request.app.state, "log_key", None)
    if key is None:
        key = load_or_create_log_key(request.app.state.settings)
        request.app.state.log_key = key
    return key


BlobStoreDep = Annotated[BlobStore, Depends(get_blob_store)]
LogKeyDep = Annotated[LogKey, Depends(get_log_key)]
