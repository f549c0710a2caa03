"""The served app loads the sentence model on a thread of its own: start-up and requests do
not wait for it, and a model that fails to load stops nothing. The loader is stubbed (the real
one takes seconds); only the app built with ``warm_up=True``, as ``tocsin.api.asgi`` builds it,
starts one."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from tocsin.api.app import create_app
from tocsin.core.db import Database
from tocsin.core.settings import Settings
from tocsin.library import embeddings, warm_up

NAME = "tocsin-embeddings-warm-up"


def _loaders() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == NAME]


@pytest.fixture
def loader(monkeypatch: pytest.MonkeyPatch, db: Database) -> threading.Event:
    """A model load that blocks until the returned event is set, as a slow one would."""
    if db.dialect != "sqlite":
        pytest.skip("nothing here depends on the database")
    release, calls = threading.Event(), []

    def slow() -> None:
        calls.append(1)
        assert release.wait(10)

    monkeypatch.delenv(warm_up.SWITCH, raising=False)
    monkeypatch.setattr(embeddings, "available", lambda: True)
    monkeypatch.setattr(embeddings, "loaded", lambda: bool(calls) and release.is_set())
    monkeypatch.setattr(embeddings, "ensure_loaded", slow)
    return release


def test_the_app_answers_while_the_model_loads(
    settings: Settings, db: Database, loader: threading.Event
) -> None:
    try:
        with TestClient(create_app(settings, db, warm_up=True)) as client:
            assert client.get("/api/v1/health").json()["status"] == "ok"
            [thread] = _loaders()
            assert thread.daemon and thread.is_alive()  # still loading, never in the way
    finally:
        loader.set()
    thread.join(5)
    assert not thread.is_alive() and embeddings.loaded()
    assert warm_up.start_warm_up() is None  # loaded: nothing more to do


def test_no_warm_up_unless_asked_or_when_switched_off(
    settings: Settings, db: Database, loader: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(create_app(settings, db)) as client:  # as tests build it
        assert client.get("/api/v1/health").status_code == 200
    monkeypatch.setenv(warm_up.SWITCH, "off")
    create_app(settings, db, warm_up=True)
    assert _loaders() == []
    loader.set()


def test_a_model_that_fails_to_load_stops_nothing(
    settings: Settings, db: Database, loader: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise embeddings.EmbeddingsUnavailable("no weights")

    monkeypatch.setattr(embeddings, "ensure_loaded", broken)
    thread = warm_up.start_warm_up()
    assert thread is not None
    thread.join(5)
    assert not thread.is_alive()
    with TestClient(create_app(settings, db)) as client:
        assert client.get("/api/v1/health").status_code == 200
    loader.set()
