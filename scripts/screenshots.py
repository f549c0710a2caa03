#!/usr/bin/env python3
"""Screenshots of the main pages on the demo dataset, for the README: docs/screenshots/*.png.

Builds a throwaway store with the real commands (`tocsin init`, `tocsin demo load`), serves it
with `tocsin serve`, signs in as the demo admin in Debian's headless Chromium and saves each
page at 1280x800, plus one small-screen shot at 390x844. Nothing is downloaded; run it again
after changing a page:

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--events 600]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, ViewportSize, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("TOCSIN_CHROMIUM", "/usr/bin/chromium")
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
ADMIN = "admin@demo.tocsin.example"
PASSWORD = "tocsin-demo-2026"  # noqa: S105 - the published demo password
WIDE: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
LIST = "/events?country=XQ&act_type=killing&sort=-start"  # filters in use, for the list and map


def _tocsin(*args: str) -> list[str]:
    """The `tocsin` command of the Python running this script (so the venv's, not PATH's)."""
    return [sys.executable, "-c", "from tocsin.cli import main; main()", *args]


def _run(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(_tocsin(*args), env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"tocsin {' '.join(args)} failed:\n{done.stderr}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def demo_server(events: int) -> Iterator[str]:
    """A demo store in a temporary folder, served until the block ends; yields its address."""
    with tempfile.TemporaryDirectory(prefix="tocsin-shots-") as tmp:
        env = {**os.environ, "TOCSIN_DATA_DIR": tmp, "TOCSIN_ENVIRONMENT": "development"}
        for inherited in ("TOCSIN_DATABASE_URL", "TOCSIN_KEY_FILE", "TOCSIN_EVIDENCE_DIR"):
            env.pop(inherited, None)
        _run(env, "init")
        _run(env, "demo", "load", "--events", str(events))
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603 - our own command
            _tocsin("serve", "--port", str(port)),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_for(f"{url}/api/v1/health", server)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("tocsin serve stopped before answering")
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - our own local server
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url}")


def sign_in(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def _richest_event(page: Page) -> str:
    """The demo event with the most to show: acts, sources and a status history."""
    listed = page.request.get("/api/v1/events?page_size=40&status=verified").json()["items"]
    best, score = listed[0]["id"], -1
    for item in listed:
        event: dict[str, Any] = page.request.get(f"/api/v1/events/{item['id']}").json()
        points = len(event["acts"]) * 2 + len(event["source_ids"]) + len(event["status_history"])
        if event["tlp"] in ("CLEAR", "GREEN") and points > score:
            best, score = event["id"], points
    return str(best)


def _richest_person(page: Page) -> str:
    people = page.request.get("/api/v1/persons?page_size=50").json()["items"]
    named = [p for p in people if not p.get("redacted")] or people
    return str(max(named, key=lambda p: (len(p["names"]), len(p["roles"])))["id"])


def _settle(page: Page) -> None:
    """Wait for what scripts draw (the map's markers), then for the page to be still."""
    page.wait_for_load_state("networkidle")
    if page.locator(".leaflet-container").count():
        page.locator(".leaflet-marker-icon, .marker-cluster").first.wait_for(timeout=10_000)
        page.wait_for_timeout(400)  # Leaflet's zoom animation


def shoot(page: Page, path: str, out: Path, name: str, show: str | None = None) -> None:
    """Save the viewport of `path`; `show` names an element to scroll to the middle first."""
    response = page.goto(path)
    if response is None or response.status >= 400:
        # An error page is not a screenshot of the application.
        raise RuntimeError(f"{path} answered {response.status if response else 'nothing'}")
    _settle(page)
    if show:
        page.locator(show).first.evaluate("e => e.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(200)
    target = out / f"{name}.png"
    page.screenshot(path=str(target))
    print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}  <- {path}")


def take(url: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        wide = browser.new_context(base_url=url, viewport=WIDE, locale="en-GB")
        page = wide.new_page()
        shoot(page, "/login", out, "login")
        sign_in(page)
        event_id, person_id = _richest_event(page), _richest_person(page)
        shoot(page, "/", out, "dashboard")
        shoot(page, LIST, out, "events")
        shoot(page, LIST, out, "events-map", show=".leaflet-container")
        shoot(page, f"/events/{event_id}", out, "event")
        shoot(page, f"/persons/{person_id}", out, "person")
        shoot(page, "/admin/users", out, "admin-users")
        page.goto("/language/ar?next=/")
        shoot(page, "/", out, "dashboard-ar")
        page.goto("/language/en?next=/")
        wide.close()

        phone = browser.new_context(
            base_url=url,
            viewport=PHONE,
            locale="en-GB",
            is_mobile=True,
            has_touch=True,
            device_scale_factor=1,
        )
        page = phone.new_page()
        sign_in(page)
        shoot(page, f"/events/{event_id}", out, "event-phone")
        phone.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--events", type=int, default=600, help="demo events to load")
    args = parser.parse_args()
    started = time.monotonic()
    with demo_server(args.events) as url:
        take(url, args.out)
    print(f"done in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
