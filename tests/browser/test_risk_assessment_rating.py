"""The rating form in a real browser: the levels recomputed as ratings change (the server's
rule, in the page's script), a row of affected groups added, and the saved assessment showing
the level the server derived. No script breaks the page's security policy."""

from __future__ import annotations

import re

from browsing import ANALYST, Live, PageLog, sign_in
from playwright.sync_api import Page, expect

EDIT = re.compile(r"/risk/assessments/[^/]+/edit$")
VIEW = re.compile(r"/risk/assessments/[^/]+$")


def test_rate_with_live_levels_then_save(page: Page, live_server: Live, page_log: PageLog) -> None:
    sign_in(page, ANALYST)
    page.goto("/risk/assessments/new")
    page.get_by_label("Country").select_option("SD")
    page.get_by_label("Area (optional)").fill("Central Darfur")
    page.get_by_label("As of").fill("2025-04-30")
    page.get_by_role("button", name="Create and rate indicators").click()
    page.wait_for_url(EDIT)

    overall = page.locator("#risk-preview-overall")
    expect(overall).to_have_text("not assessed")
    factor = page.locator("details#factor-RF1")
    factor.locator("summary").click()
    factor.locator('[name="ratings[RF1.1].rating"]').select_option("serious")
    factor.locator('[name="ratings[RF1.1].confidence"]').select_option("high")
    expect(factor.locator(".risk-preview-factor output")).to_have_text("high")
    expect(overall).to_have_text("moderate")  # one step below the highest common factor

    groups = factor.locator('fieldset[id="ratings[RF1.1].groups"]')
    groups.get_by_role("button", name="Add a group").click()
    expect(groups.locator('[name="ratings[RF1.1].groups[1].group"]')).to_be_visible()
    groups.locator('[name="ratings[RF1.1].groups[0].dimension"]').select_option("gender")
    groups.locator('[name="ratings[RF1.1].groups[0].group"]').fill("women and girls")
    groups.locator('[name="ratings[RF1.1].groups[1].dimension"]').select_option("age")
    groups.locator('[name="ratings[RF1.1].groups[1].group"]').fill("children under five")

    page.get_by_role("button", name="Save and view the assessment").click()
    page.wait_for_url(VIEW)
    expect(page.locator(".risk-overall-level")).to_have_text("moderate")
    expect(page.locator("#indicator-RF1\\.1")).to_contain_text("children under five")
    expect(page.locator("#indicator-RF1\\.1")).to_contain_text("women and girls")
    assert not page_log.csp_violations and not page_log.page_errors
