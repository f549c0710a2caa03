"""The whole round in a real browser: record an event with an act, a victim and a source through
the forms, then find it again through the list's filters and on the offline map."""

from __future__ import annotations

import re
import uuid

from browsing import DOCUMENTER, Live, sign_in
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

EVENT_URL = re.compile(r"/events/(?!new$)([^/?#]+)$")


def _form_with(page: Page, field: str) -> Locator:
    return page.locator("main form").filter(has=page.locator(f'[name="{field}"]')).first


def _fill(form: Locator, values: dict[str, str]) -> None:
    """Fill fields by their names (the schema's field names), whatever kind of control each is."""
    for name, value in values.items():
        control = form.locator(f'[name="{name}"]').first
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)


def _submit(page: Page, form: Locator, lands_on: re.Pattern[str] = EVENT_URL) -> None:
    # Waits for the address, not for a navigation: a list may update itself in place with htmx
    # and only push the new address.
    form.locator("button[type=submit], input[type=submit]").last.click()
    try:
        page.wait_for_url(lands_on)
    except PlaywrightTimeout:
        said = page.locator(".error-summary, .error, [role=alert]").all_inner_texts()
        raise AssertionError(f"the form at {page.url} was not accepted: {said}") from None


def _event_id(page: Page) -> str:
    found = EVENT_URL.search(page.url)
    assert found, f"expected the event page, got {page.url}"
    return found.group(1)


def test_record_an_event_with_an_act_and_a_source_then_find_it(
    page: Page, live_server: Live
) -> None:
    title = f"Shelling of the Tamar market {uuid.uuid4().hex[:6]}"
    source_title = f"Interview with a market trader {uuid.uuid4().hex[:6]}"
    sign_in(page, DOCUMENTER)

    # 1. The event, with a place and coordinates.
    page.goto("/events/new")
    form = _form_with(page, "title")
    _fill(
        form,
        {
            "title": title,
            "start": "2024-03-05",
            "place.name": "Tamar",
            "place.country": "XQ",
            "place.lat": "10.5",
            "place.lon": "32.25",
            "tlp": "GREEN",
        },
    )
    _submit(page, form)
    event_id = _event_id(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)

    # 2. An act with its victim: a group of twelve.
    page.goto(f"/events/{event_id}/acts/new")
    form = _form_with(page, "act_type")
    _fill(form, {"act_type": "killing", "victim_group": "market traders", "victim_count": "12"})
    _submit(page, form)
    assert _event_id(page) == event_id
    expect(page.locator("main")).to_contain_text("market traders")
    expect(page.locator("main")).to_contain_text("12")

    # 3. A new source, graded B2, linked to the event.
    page.goto(f"/events/{event_id}/sources/new")
    form = _form_with(page, "source_type")
    _fill(
        form,
        {
            "title": source_title,
            "source_type": "interview",
            "reliability": "B",
            "credibility": "2",
        },
    )
    _submit(page, form)
    assert _event_id(page) == event_id
    expect(page.locator("main")).to_contain_text(source_title)
    expect(page.locator("main")).to_contain_text("B2")

    # What the forms stored, read back through the API with the same session.
    stored = page.request.get(f"/api/v1/events/{event_id}").json()
    assert stored["place"] == {
        "name": "Tamar",
        "country": "XQ",
        "admin_area": None,
        "lat": 10.5,
        "lon": 32.25,
    }
    assert [(a["act_type"], a["victim_group"], a["victim_count"]) for a in stored["acts"]] == [
        ("killing", "market traders", 12)
    ]
    [source_id] = stored["source_ids"]
    source = page.request.get(f"/api/v1/sources/{source_id}").json()
    assert (source["title"], source["grade"]) == (source_title, "B2")

    # 4. Found again through the filters of the list, and on the map.
    page.goto("/events")
    filters = _form_with(page, "q")
    _fill(filters, {"q": title, "country": "XQ", "date_from": "2024-03-01"})
    _submit(page, filters, re.compile(r"/events\?.*country=XQ"))
    assert "q=" in page.url
    assert "status=" not in page.url, "filters left empty stay out of the address"
    results = page.locator("main table")
    expect(results.get_by_role("link", name=title)).to_be_visible()
    expect(results.locator("tbody tr")).to_have_count(1)

    marker = page.locator(".leaflet-container").locator(".leaflet-marker-icon, .marker-cluster")
    expect(marker.first).to_be_visible()
    query = page.url.split("?", 1)[1]
    points = page.request.get(f"/events/map.json?{query}").json()
    assert [f["geometry"]["coordinates"] for f in points["features"]] == [[32.25, 10.5]]
