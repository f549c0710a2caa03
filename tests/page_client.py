"""A test client for pages: signs in through the form and posts forms with their CSRF token."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient

from seeding import PASSWORD

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Browser(TestClient):
    """A TestClient that signs in with the login form and posts forms with their CSRF token."""

    csrf: str = ""

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        form = self.get("/login")
        token = CSRF.search(form.text)
        assert token, "the sign-in form carries a CSRF token"
        done = self.post(
            "/login",
            data={"email": email, "password": password, "csrf": token.group(1)},
            follow_redirects=False,
        )
        assert done.status_code == 303 and done.headers["location"] == "/", done.text
        home = self.get("/")
        found = CSRF.search(home.text)
        assert found, "a signed-in page carries the session's CSRF token"
        self.csrf = found.group(1)

    def submit(self, url: str, data: dict[str, str]) -> httpx.Response:
        """Post a page form as the browser would: with the token, without following."""
        return self.post(url, data={"csrf": self.csrf, **data}, follow_redirects=False)
