"""Importing a plan of action in a real browser: the file goes by script (upload.js, shared
with the evidence upload), the progress box shows, and the import report replaces the form."""

from __future__ import annotations

from pathlib import Path

import pytest
from browsing import ANALYST, Live, PageLog, sign_in
from playwright.sync_api import Page, expect

PLAN = (
    "Plan of action for the browser\n\n"
    "1. States should protect human rights defenders.\n"
    "2. Courts should hear the cases of attacks on them.\n"
)


@pytest.fixture(autouse=True)
def _keywords_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # The server runs in this process: classification by rules alone keeps the test quick.
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


def test_an_import_shows_progress_then_the_report_in_place(
    page: Page, live_server: Live, page_log: PageLog, tmp_path: Path
) -> None:
    path = tmp_path / "browser-plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    sign_in(page, ANALYST)
    page.goto("/library/import")
    expect(page.locator("#import-progress")).to_be_hidden()  # shown once sending starts
    page.get_by_label("File").set_input_files(str(path))
    page.evaluate("() => { window.stillThisPage = true; }")
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import report")
    assert page.evaluate("() => window.stillThisPage === true"), "the page was loaded afresh"
    expect(page.locator(".notice")).to_contain_text("New document imported")
    expect(page.locator("#added-title + ul")).to_contain_text("browser-plan/-/-/2")
    assert not page_log.console_errors, page_log.console_errors
    assert not page_log.page_errors, page_log.page_errors

    # The same file under a slug that is not one: refused in place, the value kept.
    page.goto("/library/import")
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_label("Slug").fill("Not A Slug!")
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_label("Slug")).to_have_value("Not A Slug!")
    assert not page_log.page_errors, page_log.page_errors
