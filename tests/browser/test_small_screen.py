"""On a phone-sized screen nothing is wider than the screen: wide tables scroll in their own box,
the page itself never scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browsing import ANALYST, Live, sign_in
from playwright.sync_api import Browser, Page

PHONE = {"width": 390, "height": 844}
PAGES = [
    "/",
    "/events",
    "/events/new",
    "/events/{clear_event}",
    "/events/{clear_event}/acts/new",
    "/persons",
    "/persons/{person}",
    "/organisations",
    "/organisations/{organisation}",  # its name is one long word: headings must wrap
    "/sources",
    "/sources/{source}",
    "/account",
]
# The elements that stick out, to say what to fix. Wide tables scroll inside .table-wrap.
OVERFLOW = """() => {
  const edge = document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > edge && !e.closest(".table-wrap, pre"))
    .slice(0, 5)
    .map(e => `${e.tagName.toLowerCase()}.${e.className}`);
}"""


@pytest.fixture(scope="module")
def phone(chromium: Browser, live_server: Live) -> Iterator[Page]:
    """One signed-in phone tab for the module: these tests only read."""
    context = chromium.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB"
    )
    tab = context.new_page()
    sign_in(tab, ANALYST)
    yield tab
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_the_page_fits_a_phone_screen(phone: Page, live_server: Live, path: str) -> None:
    ids = {kind: rec.id for kind, rec in live_server.records.items()}
    response = phone.goto(path.format(**ids))
    assert response is not None and response.status == 200
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{width}px wide; sticking out: {phone.evaluate(OVERFLOW)}"
