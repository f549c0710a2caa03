"""The risk ranking's world map in a real browser: drawn from the vendored borders with the
page's own figures, coloured by level, opening a country's page, all offline and within the
CSP; without the map, the ranking table carries the same figures."""

from __future__ import annotations

from urllib.parse import urlsplit

from browsing import ANALYST, Live, PageLog, sign_in
from playwright.sync_api import Page
from tests.risk.horizon_seed import forecast_run

FIGURES = {"SD": 0.2, "MM": 0.05, "ML": 0.02, "BR": 0.004}


def test_the_map_colours_countries_by_level_and_opens_their_page(
    page: Page, live_server: Live, page_log: PageLog
) -> None:
    forecast_run(live_server.db, FIGURES, days_ago=1)
    sign_in(page, ANALYST)
    page_log.clear()
    page.goto("/risk", wait_until="networkidle")
    page.wait_for_selector("#risk-map[data-drawn]")
    assert page.is_visible("#risk-map") and page.get_attribute("#risk-map", "data-drawn") == "4"
    fills = page.eval_on_selector_all(
        "#risk-map path.leaflet-interactive", "ps => ps.map(p => p.getAttribute('fill'))"
    )
    css = page.evaluate("""() => {
        const s = getComputedStyle(document.documentElement);
        return ['very-high', 'high', 'moderate', 'low', 'none']
          .map(k => s.getPropertyValue('--level-' + k).trim()); }""")
    coloured = [f for f in fills if f != css[-1]]
    assert sorted(coloured) == sorted(css[:-1]), "one coloured shape per country with a figure"
    assert len(fills) > 150  # every other country is drawn, blank
    assert page_log.elsewhere(live_server) == [] and page_log.csp_violations == []
    assert page_log.page_errors == []
    sudan = page.locator("#risk-map path.leaflet-interactive").nth(
        fills.index(css[0])
    )  # very high: Sudan
    sudan.dispatch_event("click")
    page.wait_for_url("**/risk/countries/SD")
    assert urlsplit(page.url).path == "/risk/countries/SD"
