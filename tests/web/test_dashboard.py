"""The dashboard: figures and the awaiting-verification list count only what the viewer may see,
and a change shows at once despite the cache."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest

from page_client import Browser
from seeding import Seeder
from tocsin.cases import statistics
from tocsin.core.roles import Role

pytestmark = pytest.mark.both_databases  # full-text search, concurrent edits, counts

Make = Callable[..., Browser]
FIGURE = re.compile(
    r'<span class="figure">([\d,\s\u202f\u00a0]+)</span> <span class="what">([^<]+)'
)


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    statistics.clear_cache()
    yield
    statistics.clear_cache()


def headline(html: str) -> dict[str, int]:
    return {what: int(re.sub(r"\D", "", n)) for n, what in FIGURE.findall(html)}


def test_figures_count_only_what_the_viewer_may_see(browser: Make, seed: Seeder) -> None:
    seen = seed.event(
        tlp="GREEN", start="2024-03-05", place={"country": "IQ", "admin_area": "Ninawa"}
    )
    seed.act(event_id=seen.id, act_type="killing", victim_count=3, tlp="GREEN")
    red = seed.event(tlp="RED", start="2024-03-09", place={"country": "SY"})
    seed.act(event_id=red.id, act_type="torture", victim_count=7, tlp="CLEAR")  # inside RED
    partner = browser(Role.PARTNER_VIEWER).get("/")
    assert partner.status_code == 200
    assert headline(partner.text) == {
        "events": 1, "victims": 3, "events awaiting verification": 1}
    assert red.secret not in partner.text
    assert "Torture" not in partner.text  # the act type of the RED event's act is not counted
    assert "Syria" not in partner.text
    assert "Killing" in partner.text and "Ninawa (Iraq)" in partner.text
    assert f'href="/events/{seen.id}"' in partner.text
    assert '<svg class="columns"' in partner.text  # the month chart, drawn on the server
    admin = browser(Role.ADMIN).get("/")
    assert headline(admin.text) == {"events": 2, "victims": 10, "events awaiting verification": 2}
    assert red.secret in admin.text and "Torture" in admin.text


def test_a_change_shows_at_once(browser: Make, seed: Seeder) -> None:
    client = browser(Role.ANALYST)
    seed.event(tlp="GREEN")
    assert headline(client.get("/").text)["events"] == 1
    seed.event(tlp="GREEN")
    assert headline(client.get("/").text)["events"] == 2


def test_labels_in_the_readers_language(browser: Make, seed: Seeder) -> None:
    seed.act(event_id=seed.event(tlp="GREEN").id, act_type="torture")
    client = browser(Role.ANALYST)
    client.cookies.set("tocsin_lang", "fr")
    page = client.get("/").text
    assert 'lang="fr"' in page and "Torture" in page  # the French label of the term
