"""Adding evidence in a real browser: the upload goes by script with a progress bar that
reaches 100%, then the browser lands on the event page, which lists the file."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from browsing import DOCUMENTER, Live, PageLog, sign_in
from playwright.sync_api import Page, expect

SIZE = 3 * 1024 * 1024

# Every value the progress bar takes, reported to the test as it changes (the page is gone
# once the upload is done, so the values are collected while it happens).
WATCH_PROGRESS = """
() => {
  const bar = document.querySelector("#upload-progress");
  new MutationObserver(() => window.reportProgress(bar.value, bar.max))
    .observe(bar, { attributes: true, childList: true, characterData: true, subtree: true });
}
"""


def test_upload_a_large_file_with_progress_then_see_it_on_the_event(
    page: Page, live_server: Live, page_log: PageLog, tmp_path: Path
) -> None:
    name = f"drone-footage-{uuid.uuid4().hex[:6]}.bin"
    path = tmp_path / name
    path.write_bytes(os.urandom(SIZE))
    seen: list[float] = []
    page.expose_binding("reportProgress", lambda _source, value, top: seen.append(value / top))
    event_id = live_server["clear_event"].id

    sign_in(page, DOCUMENTER)
    page.goto(f"/events/{event_id}")
    with page.expect_navigation():
        page.get_by_role("link", name="Add evidence").click()
    progress = page.locator("#upload-progress")
    expect(progress).to_be_hidden()  # shown only once sending starts
    page.get_by_label("Files").set_input_files(str(path))
    page.get_by_label("Kind of evidence").select_option("video")
    page.get_by_label("Collected by").fill("Field team 3")
    page.get_by_label("Collected at (UTC)").fill("2024-05-01T06:45")
    page.evaluate(WATCH_PROGRESS)
    page.get_by_role("button", name="Store the files").click()

    page.wait_for_url(re.compile(rf"/events/{event_id}$"))
    expect(page.locator(".notice")).to_have_text("1 file stored.")
    expect(page.locator("main")).to_contain_text(name)
    assert seen, "the progress bar moved while the file was sent"
    assert max(seen) == 1.0, f"the progress bar reached {max(seen):.0%}"
    assert seen == sorted(seen), "the progress bar never went back"
    assert not page_log.console_errors, page_log.console_errors
    assert not page_log.page_errors, page_log.page_errors

    # The file's own page, from the event's list.
    with page.expect_navigation():
        page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator("main")).to_contain_text(f"{SIZE:,} bytes")
    expect(page.locator("table.custody tbody tr")).to_have_count(2)
    assert not page_log.console_errors, page_log.console_errors


def test_a_refused_upload_shows_the_form_again_in_place(
    page: Page, live_server: Live, page_log: PageLog, tmp_path: Path
) -> None:
    path = tmp_path / "note.txt"
    path.write_text("a note")
    event_id = live_server["clear_event"].id
    sign_in(page, DOCUMENTER)
    page.goto(f"/events/{event_id}/evidence/new")
    page.get_by_label("Files").set_input_files(str(path))
    page.get_by_label("Collected by").fill("Kept after refusal")
    # No kind chosen: refused by the server, shown in place, the typed value kept.
    page.get_by_role("button", name="Store the files").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#kind-error")).to_be_visible()
    expect(page.locator("#file-error")).to_contain_text("Choose the files again")
    expect(page.get_by_label("Collected by")).to_have_value("Kept after refusal")
    assert page.url.endswith(f"/events/{event_id}/evidence/new")
    # The form that came back is enhanced too: choosing a kind now stores the file.
    page.get_by_label("Files").set_input_files(str(path))
    page.get_by_label("Kind of evidence").select_option("document")
    page.get_by_role("button", name="Store the files").click()
    page.wait_for_url(re.compile(rf"/events/{event_id}$"))
    expect(page.locator(".notice")).to_contain_text("stored")
    # Chromium logs the refused post's status (422) itself; nothing else may complain.
    others = [e for e in page_log.console_errors if "status of 422" not in e]
    assert len(page_log.console_errors) - len(others) == 1, page_log.console_errors
    assert not others, others
    assert not page_log.page_errors, page_log.page_errors
