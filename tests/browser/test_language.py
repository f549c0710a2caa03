"""Arabic turns the whole page right-to-left; English turns it back."""

from __future__ import annotations

from browsing import ANALYST, Live, sign_in
from playwright.sync_api import Page, expect

WIDTH = 1280  # the context's viewport (conftest.WIDE)


def _edges(page: Page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).first.bounding_box()
    assert box, f"{selector} is not on the page"
    return box["x"], box["x"] + box["width"]


def _direction(page: Page) -> tuple[str | None, str | None]:
    html = page.locator("html")
    return html.get_attribute("lang"), html.get_attribute("dir")


def test_arabic_mirrors_the_layout_and_english_restores_it(page: Page, live_server: Live) -> None:
    sign_in(page, ANALYST)
    assert _direction(page) == ("en", "ltr")
    brand_ltr, nav_ltr = _edges(page, ".brand"), _edges(page, "header nav")
    assert brand_ltr[0] < WIDTH / 2 and sum(nav_ltr) / 2 < WIDTH / 2

    with page.expect_navigation():
        page.locator("a[hreflang=ar]").click()
    assert _direction(page) == ("ar", "rtl")
    expect(page.locator("a[hreflang=ar]")).to_have_attribute("aria-current", "true")
    brand_rtl, nav_rtl = _edges(page, ".brand"), _edges(page, "header nav")
    # Mirrored: what started at the left edge now ends at the right edge, by the same margin.
    assert abs((WIDTH - brand_rtl[1]) - brand_ltr[0]) <= 2, (brand_ltr, brand_rtl)
    assert abs((WIDTH - nav_rtl[1]) - nav_ltr[0]) <= 2, (nav_ltr, nav_rtl)
    assert sum(nav_rtl) / 2 > WIDTH / 2
    # The choice is remembered: another page is still Arabic.
    page.goto("/account")
    assert _direction(page) == ("ar", "rtl")

    with page.expect_navigation():
        page.locator("a[hreflang=en]").click()
    expect(page).to_have_url(f"{live_server.url}/account")  # back where the reader was
    assert _direction(page) == ("en", "ltr")
    assert _edges(page, ".brand") == brand_ltr
