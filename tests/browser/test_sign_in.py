"""Signing in and out through the real form, in a real browser."""

from __future__ import annotations

from browsing import ANALYST, Live, sign_in, sign_out
from playwright.sync_api import Page, expect


def test_a_wrong_password_is_refused_and_the_right_one_signs_in_and_out(
    page: Page, live_server: Live
) -> None:
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/login?next=%2F")

    page.get_by_label("Email").fill(ANALYST)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Email or password is not correct.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    cookies = {c["name"] for c in page.context.cookies()}
    assert "tocsin_session" not in cookies, "a refused sign-in opens no session"
    expect(page.get_by_label("Password")).to_have_value("")

    sign_in(page, ANALYST)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_role("link", name=ANALYST)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    sign_out(page)
    expect(page).to_have_url(f"{live_server.url}/login")
    page.goto("/account")
    expect(page).to_have_url(f"{live_server.url}/login?next=%2Faccount")


def test_signing_in_returns_to_the_page_first_asked_for(page: Page, live_server: Live) -> None:
    page.goto("/account")
    page.get_by_label("Email").fill(ANALYST)
    page.get_by_label("Password").fill("tocsin-demo-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/account")
