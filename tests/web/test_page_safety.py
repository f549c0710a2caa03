"""What a hostile value cannot do to a page: run, restyle or redirect it, or crash it."""

from __future__ import annotations

from collections.abc import Callable

from page_client import Browser
from seeding import Seeder
from tocsin.core.roles import Role

Make = Callable[..., Browser]
PAYLOAD = '<base href="//evil.example/">'


def test_a_refused_value_is_shown_as_text_never_as_markup(browser: Make) -> None:
    client = browser(Role.PARTNER_VIEWER)
    page = client.get("/events", params={"status": PAYLOAD[:32]})
    assert page.status_code == 422
    assert "<base" not in page.text
    assert "&lt;base" in page.text  # the message still names what was refused


def test_a_form_error_quoting_input_is_escaped(browser: Make, seed: Seeder) -> None:
    client = browser(Role.DOCUMENTER)
    event = seed.event("GREEN")
    r = client.submit(
        f"/events/{event.id}/acts/new",
        {"act_type": "<img src=x>", "victim_kind": "group", "victim_group": "villagers"},
    )
    assert r.status_code == 422
    assert "<img src=x>" not in r.text


def test_a_forged_notice_cookie_is_shown_as_text(browser: Make) -> None:
    client = browser(Role.ANALYST)
    client.cookies.set("tocsin_flash", "<script>alert(1)</script>")
    page = client.get("/account")
    assert "<script>alert(1)</script>" not in page.text


def test_pages_refuse_a_base_address_and_plugins(browser: Make) -> None:
    csp = browser(Role.ANALYST).get("/").headers["content-security-policy"]
    assert "base-uri 'none'" in csp and "object-src 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_only_web_addresses_become_links(browser: Make) -> None:
    client = browser(Role.DOCUMENTER)
    r = client.submit(
        "/sources/new",
        {"title": "A report", "source_type": "report", "url": "javascript:alert(1)",
         "reliability": "B", "credibility": "2", "tlp": "GREEN"},
    )
    assert r.status_code == 422
    assert 'href="javascript:' not in r.text


def test_the_last_possible_day_is_a_filter_not_a_crash(browser: Make) -> None:
    client = browser(Role.ADMIN)
    assert client.get("/admin/audit", params={"until": "9999-12-31"}).status_code == 200
    assert client.get("/admin/audit.csv", params={"until": "9999-12-31"}).status_code == 200
