"""Keyboard use: the skip link comes first, the sign-in fields follow in reading order."""

from __future__ import annotations

from browsing import ANALYST, sign_in
from playwright.sync_api import Page

DESCRIBE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return "body";
  return e.id ? `#${e.id}` : `${e.tagName.toLowerCase()}.${e.className}:${e.textContent.trim()}`;
}"""
# Start where a keyboard user starts: at the top of the document, nothing focused yet.
FROM_THE_TOP = """() => {
  document.body.tabIndex = -1;
  document.body.focus();
  document.body.removeAttribute("tabindex");
}"""


def _tab_through(page: Page, presses: int) -> list[str]:
    page.evaluate(FROM_THE_TOP)
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(DESCRIBE))
    return seen


def test_tab_reaches_the_skip_link_then_the_sign_in_fields_in_order(page: Page) -> None:
    page.goto("/login")
    # No autofocus: a screen-reader user hears the page from its start, skip link first.
    assert page.evaluate(DESCRIBE) == "body"
    order = _tab_through(page, 12)
    assert order[0] == "a.skip:Skip to content", order
    assert "#email" in order and "#password" in order, order
    button = next(i for i, seen in enumerate(order) if seen.startswith("button.primary"))
    assert order.index("#email") < order.index("#password") < button, order
    # Shown when focused: a sighted keyboard user can see where they are.
    page.evaluate(FROM_THE_TOP)
    page.keyboard.press("Tab")
    box = page.locator("a.skip").bounding_box()
    assert box and box["width"] > 1 and box["height"] > 1 and box["y"] >= 0


def test_the_skip_link_jumps_past_the_header(page: Page) -> None:
    sign_in(page, ANALYST)
    page.evaluate(FROM_THE_TOP)
    page.keyboard.press("Tab")
    assert page.evaluate(DESCRIBE) == "a.skip:Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate(DESCRIBE).startswith("#main")
    page.keyboard.press("Tab")
    in_header = page.evaluate("() => !!document.activeElement.closest('header')")
    assert not in_header, page.evaluate(DESCRIBE)
