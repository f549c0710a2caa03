"""Real-browser fixtures: one live server and one headless Chromium for the whole session.

The server is the real application under uvicorn, in a thread, on a fresh SQLite store with the
demo accounts and a few seeded events. Chromium is Debian's (/usr/bin/chromium), driven by
Playwright's sync API; Playwright's own browser downloads are never used. Without Chromium the
tests skip, unless TOCSIN_REQUIRE_BROWSER=1 (as in CI), where a missing browser is a failure.
TOCSIN_CHROMIUM names another Chromium binary.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn
from browsing import Live, PageLog
from sqlalchemy import select

from seeding import Rec, Seeder, cheap_hashing
from tocsin.api.app import create_app
from tocsin.cases.demo_accounts import demo_email, ensure_demo_accounts
from tocsin.core.auth import actor_for
from tocsin.core.crypto import KeyRing, install_keyring
from tocsin.core.db import Database
from tocsin.core.models import User
from tocsin.core.roles import Role
from tocsin.core.settings import load_settings
from tocsin.core.store import init_store

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = Path(os.environ.get("TOCSIN_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("TOCSIN_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDE = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000


def _free_socket() -> socket.socket:
    # The server is handed the bound socket itself, so no other process can take the port
    # between choosing it and listening on it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _seed(db: Database) -> dict[str, Rec]:
    """A handful of records, one of each kind a page shows, and one RED event to hide."""
    with db.session() as s:
        admin = s.scalars(select(User).where(User.email == demo_email(Role.ADMIN))).one()
        seeder = Seeder(db, actor_for(admin))
    red = seeder.event("RED", place={"name": "Redwater", "country": "XQ", "lat": 12.5, "lon": 30.2})
    clear = seeder.event(
        "CLEAR", place={"name": "Clearbrook", "country": "XQ", "lat": 11.0, "lon": 31.0}
    )
    seeder.act("CLEAR", event_id=clear.id, victim_group="villagers", victim_count=4)
    seeder.event("AMBER", start="2021-06-01")
    return {
        "red_event": red,
        "clear_event": clear,
        "person": seeder.person("CLEAR"),
        "organisation": seeder.organisation("CLEAR"),
        "source": seeder.source("CLEAR"),
    }


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, keyring: KeyRing) -> Iterator[Live]:
    data = tmp_path_factory.mktemp("browser-store")
    settings = replace(
        load_settings(),
        data_dir=data,
        database_url=f"sqlite:///{data / 'tocsin.sqlite3'}",
        key_file=data / "keys" / "tocsin.keys",
        evidence_dir=data / "evidence",
        environment="development",
    )
    keyring.save(settings.key_file)
    patch = pytest.MonkeyPatch()
    # Every sign-in verifies a hash: the cheapest argon2id keeps the suite fast.
    cheap_hashing(patch)
    db, _ = init_store(settings)
    # The rest of the session keeps the suite-wide key ring object, not an equal copy.
    install_keyring(keyring)
    ensure_demo_accounts(db, settings)
    records = _seed(db)

    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings, db), log_level="warning", lifespan="off", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    try:
        yield Live(f"http://127.0.0.1:{port}", db, records)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        db.dispose()
        patch.undo()


def _no_browser(reason: str) -> None:
    if REQUIRE_BROWSER:
        pytest.fail(f"TOCSIN_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _no_browser(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def context(chromium: Browser, live_server: Live) -> Iterator[BrowserContext]:
    ctx = chromium.new_context(base_url=live_server.url, viewport=WIDE, locale="en-GB")
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext, page_log: PageLog) -> Page:
    """A fresh tab in a fresh profile (no cookies), watched from before its first request."""
    tab = context.new_page()
    tab.on("request", lambda request: page_log.requests.append(request.url))
    tab.on(
        "console",
        lambda message: page_log.console(
            message.type, message.text, message.location.get("url", "")
        ),
    )
    tab.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    return tab
