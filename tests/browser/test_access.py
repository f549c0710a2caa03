"""TLP in the browser: a partner viewer who knows a RED event's address still cannot see it."""

from __future__ import annotations

from browsing import ADMIN, PARTNER, Live, sign_in
from playwright.sync_api import Page, expect


def test_a_partner_viewer_gets_not_found_for_a_red_event(page: Page, live_server: Live) -> None:
    red = live_server["red_event"]
    sign_in(page, PARTNER)

    response = page.goto(f"/events/{red.id}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert red.secret not in page.content()
    assert red.secret not in page.title()


def test_the_same_address_shows_the_event_to_an_admin(page: Page, live_server: Live) -> None:
    # The control for the test above: the 404 is about clearance, not a missing page.
    red = live_server["red_event"]
    sign_in(page, ADMIN)
    response = page.goto(f"/events/{red.id}")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text(red.secret)


def test_a_partner_viewer_finds_no_trace_of_it_in_the_list_or_on_the_map(
    page: Page, live_server: Live
) -> None:
    red, clear = live_server["red_event"], live_server["clear_event"]
    sign_in(page, PARTNER)
    page.goto("/events", wait_until="networkidle")
    expect(page.get_by_role("link", name=clear.secret)).to_be_visible()
    assert red.secret not in page.content()
    # The map's own data, fetched with the partner's session as the map script fetches it.
    shown = page.request.get("/events/map.json").json()["features"]
    assert clear.id in {f["id"] for f in shown}
    assert red.id not in {f["id"] for f in shown}
    assert red.secret not in str(shown)

    # The CLEAR event's page is open to them: the refusal above is about the RED label only.
    response = page.goto(f"/events/{clear.id}")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text(clear.secret)
