"""What browser tests share: the live server's handle, a page's log, and signing in by the form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from seeding import Rec
from tocsin.cases.demo_accounts import DEMO_PASSWORD, demo_email
from tocsin.core.db import Database
from tocsin.core.roles import Role

if TYPE_CHECKING:
    from playwright.sync_api import Page

ADMIN = demo_email(Role.ADMIN)
ANALYST = demo_email(Role.ANALYST)
DOCUMENTER = demo_email(Role.DOCUMENTER)
PARTNER = demo_email(Role.PARTNER_VIEWER)


@dataclass(frozen=True)
class Live:
    """The running server and what was seeded in it."""

    url: str
    db: Database
    records: dict[str, Rec]  # red_event, clear_event, person, organisation, source

    def __getitem__(self, kind: str) -> Rec:
        return self.records[kind]

    def serves(self, url: str) -> bool:
        """True when `url` is on this server (scheme, host and port all the same); data: and
        blob: URLs never leave the page."""
        if url.startswith(("data:", "blob:")):
            return True
        ours, theirs = urlsplit(self.url), urlsplit(url)
        return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)


@dataclass
class PageLog:
    """Everything a tab asked for and complained about, for the offline and CSP checks."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def console(self, kind: str, text: str, where: str) -> None:
        # Chromium asks for /favicon.ico by itself, whatever the page says; its 404 is noise.
        if kind == "error" and not where.endswith("/favicon.ico"):
            self.console_errors.append(f"{text} ({where})")

    @property
    def csp_violations(self) -> list[str]:
        return [e for e in self.console_errors if "Content Security Policy" in e]

    def elsewhere(self, live: Live) -> list[str]:
        """Requests to any host other than the live server (offline means none)."""
        return [url for url in self.requests if not live.serves(url)]

    def clear(self) -> None:
        self.requests.clear()
        self.console_errors.clear()
        self.page_errors.clear()


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form, as a person would, and land on the dashboard."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert urlsplit(page.url).path == "/", f"signing in as {email} ended on {page.url}"


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
