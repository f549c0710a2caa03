"""The events list page: the API's filters, sorting, pages, refused filters, and the map points,
always within the viewer's clearance."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from page_client import Browser
from seeding import Seeder
from tocsin.cases import event_map
from tocsin.core.roles import Role
from tocsin.web.pages import events as events_page

pytestmark = pytest.mark.both_databases  # full-text search, concurrent edits, counts

Make = Callable[..., Browser]
TITLE = re.compile(r'<th scope="row"><a href="/events/[^"]+">([^<]+)</a>')


def titles(html: str) -> list[str]:
    return TITLE.findall(html)


def place(country: str, lat: float | None = None, lon: float | None = None) -> dict[str, object]:
    return {"country": country, "admin_area": "North", "lat": lat, "lon": lon}


@pytest.fixture
def three(seed: Seeder) -> dict[str, str]:
    """Three CLEAR events with different act types, dates and countries."""
    a = seed.event(title="Alpha raid", start="2019-05-01", place=place("SY", 35.0, 38.0)).id
    b = seed.event(title="Bravo arrests", start="2021-02-01", place=place("IQ", 33.3, 44.4)).id
    c = seed.event(title="Charlie shelling", start="2021-06-01", place=place("IQ")).id
    seed.act(event_id=a, act_type="killing")
    seed.act(event_id=b, act_type="torture")
    seed.act(event_id=c, act_type="killing", victim_count=4)
    return {"a": a, "b": b, "c": c}


def test_filters_really_filter(browser: Make, three: dict[str, str]) -> None:
    client = browser(Role.ANALYST)
    everything = client.get("/events")
    assert everything.status_code == 200
    assert set(titles(everything.text)) == {"Alpha raid", "Bravo arrests", "Charlie shelling"}
    assert titles(client.get("/events?act_type=killing").text) == [
        "Charlie shelling", "Alpha raid"]  # newest first by default
    assert titles(client.get("/events?country=iq&act_type=killing").text) == ["Charlie shelling"]
    assert set(titles(client.get("/events?date_from=2021-01-01").text)) == {
        "Bravo arrests", "Charlie shelling"}
    assert titles(client.get("/events?date_to=2020-12-31&country=SY").text) == ["Alpha raid"]
    assert titles(client.get("/events?q=bravo").text) == ["Bravo arrests"]
    # The form keeps what was asked for.
    page = client.get("/events?act_type=killing&country=IQ").text
    assert '<option value="killing" selected>' in page
    assert '<option value="IQ" selected>' in page


def test_sorting_and_pages(
    browser: Make, three: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = browser(Role.ANALYST)
    assert titles(client.get("/events?sort=title").text) == [
        "Alpha raid", "Bravo arrests", "Charlie shelling"]
    by_title = client.get("/events?sort=-title").text
    assert titles(by_title) == ["Charlie shelling", "Bravo arrests", "Alpha raid"]
    assert 'aria-sort="descending"' in by_title
    assert titles(client.get("/events?sort=start").text)[0] == "Alpha raid"
    monkeypatch.setattr(events_page, "PAGE_SIZE", 2)
    first = client.get("/events?sort=title")
    assert titles(first.text) == ["Alpha raid", "Bravo arrests"]
    assert 'href="/events?sort=title&amp;page=2"' in first.text
    second = client.get("/events?sort=title&page=2")
    assert titles(second.text) == ["Charlie shelling"]
    assert "page 2 of 2" in second.text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("date_from=notadate", "date_from"),
        ("sort=sideways", "sort"),
        ("status=lost", "status"),
        ("tlp=PURPLE", "tlp"),
        ("country=ABC", "country"),
        ("page=0", "page"),
    ],
)
def test_a_bad_filter_is_explained_next_to_its_field(
    browser: Make, query: str, field: str
) -> None:
    client = browser(Role.ANALYST)
    r = client.get(f"/events?{query}")
    assert r.status_code == 422
    assert "Some filters are not valid" in r.text
    if field != "page":  # no field for the page number: the summary says it
        assert f'id="{field}-error"' in r.text
    assert titles(r.text) == []
    points = client.get(f"/events/map.json?{query}")
    if field != "page":
        assert points.status_code == 422
        assert points.json()["errors"][0]["field"] == field


def test_htmx_gets_the_finder_region_alone(browser: Make, three: dict[str, str]) -> None:
    client = browser(Role.ANALYST)
    hx = {"HX-Request": "true", "HX-Target": "finder"}
    r = client.get("/events?act_type=torture", headers=hx)
    assert r.status_code == 200
    assert "<html" not in r.text and titles(r.text) == ["Bravo arrests"]
    assert 'data-points="/events/map.json?act_type=torture"' in r.text
    bad = client.get("/events?date_to=yesterday", headers=hx)
    assert bad.status_code == 422 and 'id="date_to-error"' in bad.text


def test_map_points_are_the_visible_filtered_events_with_a_position(
    browser: Make, seed: Seeder, three: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    red = seed.event(tlp="RED", place=place("IQ", 33.0, 44.0))
    client = browser(Role.PARTNER_VIEWER)
    page = client.get("/events?country=IQ")
    assert 'data-points="/events/map.json?country=IQ"' in page.text
    assert 'data-world="/static/vendor/world-atlas-2.0.2/countries-50m.json"' in page.text
    data = client.get("/events/map.json?country=IQ").json()
    assert data["type"] == "FeatureCollection" and data["capped"] is False
    # Charlie has no position; the RED event is out of the partner's sight.
    assert [f["properties"]["title"] for f in data["features"]] == ["Bravo arrests"]
    assert data["features"][0]["id"] == three["b"]
    assert data["features"][0]["geometry"]["coordinates"] == [44.4, 33.3]
    assert red.secret not in client.get("/events/map.json").text
    monkeypatch.setattr(event_map, "MAX_POINTS", 1)
    capped = client.get("/events/map.json").json()
    assert capped["capped"] is True and len(capped["features"]) == 1


def test_red_titles_never_reach_those_not_cleared(browser: Make, seed: Seeder) -> None:
    red = seed.event(tlp="RED", start="2022-01-01", place=place("IQ", 33.0, 44.0))
    seed.act(tlp="CLEAR", event_id=red.id, act_type="torture")
    amber = seed.event(tlp="AMBER", place=place("IQ", 33.0, 44.0))
    seed.event(tlp="GREEN", title="Green market fire")
    partner = browser(Role.PARTNER_VIEWER)
    analyst = browser(Role.ANALYST)
    for client, hidden in ((partner, [red.secret, amber.secret]), (analyst, [red.secret])):
        for url in ("/events", "/events?tlp=RED", "/events?act_type=torture", "/events/map.json",
                    "/events/map.json?tlp=RED", "/"):
            body = client.get(url).text
            for secret in hidden:
                assert secret not in body, (url, secret)
    assert "Green market fire" in partner.get("/events").text
    assert amber.secret in analyst.get("/events").text
    admin = browser(Role.ADMIN)
    assert red.secret in admin.get("/events?tlp=RED").text


def test_new_event_button_only_for_writers(browser: Make) -> None:
    assert 'href="/events/new"' in browser(Role.DOCUMENTER).get("/events").text
    assert 'href="/events/new"' not in browser(Role.PARTNER_VIEWER).get("/events").text


def test_the_list_needs_a_session(browser: Make) -> None:
    r = browser().get("/events?country=IQ", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
