"""Offline and strict CSP, seen by the browser itself: every request any page makes (scripts,
styles, map data, images) goes to our own server, and nothing is refused by the CSP."""

from __future__ import annotations

from browsing import ADMIN, Live, PageLog, sign_in
from playwright.sync_api import Page

# The main pages, as the admin (who sees every one). "{x}" is a seeded record's id.
PAGES = [
    "/",
    "/account",
    "/api/docs",
    "/events",
    "/events?country=XQ&sort=-start",
    "/events/new",
    "/events/{clear_event}",
    "/events/{clear_event}/edit",
    "/events/{clear_event}/acts/new",
    "/events/{clear_event}/sources/new",
    "/persons",
    "/persons/{person}",
    "/persons/new",
    "/organisations",
    "/organisations/{organisation}",
    "/sources",
    "/sources/{source}",
    "/admin",
    "/admin/users",
    "/admin/vocabularies",
    "/admin/audit",
]


def _problems(page: Page, live: Live, log: PageLog, path: str) -> list[str]:
    log.clear()
    response = page.goto(path, wait_until="networkidle")
    found = []
    if response is None or response.status >= 400:
        found.append(f"answered {response.status if response else 'nothing'}")
    found += [f"asked another host for {url}" for url in log.elsewhere(live)]
    found += [f"console: {text}" for text in log.console_errors]
    found += [f"script error: {text}" for text in log.page_errors]
    return [f"{path}: {problem}" for problem in found]


def test_the_sign_in_page_is_self_contained(
    page: Page, live_server: Live, page_log: PageLog
) -> None:
    assert _problems(page, live_server, page_log, "/login") == []
    assert page_log.requests, "the listener saw the page's own requests"


def test_every_main_page_loads_only_from_this_server_without_csp_errors(
    page: Page, live_server: Live, page_log: PageLog
) -> None:
    sign_in(page, ADMIN)
    ids = {kind: rec.id for kind, rec in live_server.records.items()}
    problems = []
    for path in PAGES:
        problems += _problems(page, live_server, page_log, path.format(**ids))
    assert not problems, "\n".join(problems)
