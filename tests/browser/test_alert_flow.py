"""An urgent action in a real browser: draft an alert with the event behind it picked by title
(htmx suggestions), issue it, acknowledge it, record what was done, and read it all back in
the timeline; nothing asked of another host, nothing refused by the CSP."""

from __future__ import annotations

import re
import uuid

from browsing import ANALYST, Live, PageLog, sign_in
from playwright.sync_api import Page, expect

ALERT_URL = re.compile(r"/alerts/([0-9a-f-]{36})$")


def test_draft_issue_acknowledge_and_act_on_an_alert(
    page: Page, live_server: Live, page_log: PageLog
) -> None:
    event = live_server["clear_event"]
    title = f"Armed men at the Clearbrook well {uuid.uuid4().hex[:6]}"
    sign_in(page, ANALYST)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts").click()
    page.get_by_role("link", name="New alert").click()

    form = page.locator("main form")
    form.locator('[name="title"]').fill(title)  # by name: the label also says "required"
    form.get_by_label("What to do").fill("Move the water point committee to the school.")
    for name, value in (("category", "community_threat"), ("severity", "severe"),
                        ("urgency", "immediate"), ("certainty", "likely"), ("tlp", "GREEN")):
        form.locator(f'select[name="{name}"]').select_option(value)
    # The event behind it, found by a word of its title and ticked.
    form.get_by_label("Find events by title").fill(event.secret[:12])
    choice = form.locator(f'input[type="checkbox"][value="{event.id}"]')
    expect(choice).to_be_visible()
    choice.check()
    form.get_by_role("button", name="Save the draft").click()
    page.wait_for_url(ALERT_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("link", name=event.secret)).to_be_visible()

    page.locator("form#issue").get_by_label("Minutes to acknowledge").fill("30")
    page.locator("form#issue").get_by_role("button", name="Issue the alert").click()
    expect(page.locator(".notice")).to_contain_text("Alert issued")
    page.locator("form#acknowledge").get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".notice")).to_contain_text("Acknowledged")
    act = page.locator("form#action")
    act.get_by_label("What was done").select_option("urgent_appeal")
    act.get_by_label("Note").fill("Appeal sent to the district commissioner")
    act.get_by_role("button", name="Record the action").click()
    expect(page.locator(".notice")).to_contain_text("Action recorded")

    steps = page.locator("ol.alert-timeline > li strong")
    expect(steps).to_have_text(["Drafted", "Issued", "Acknowledged", "Urgent appeal sent"])
    expect(page.locator("ol.alert-timeline")).to_contain_text("district commissioner")
    expect(page.locator(".alert-clock")).to_contain_text("From issue to first action")
    assert page_log.elsewhere(live_server) == []
    assert page_log.csp_violations == [] and page_log.page_errors == []

    # The inbox lists it among the live alerts, with its deadlines met.
    page.goto("/alerts?state=issued")
    row = page.locator("tr", has=page.get_by_role("link", name=title))
    expect(row).to_contain_text("Acknowledge by")
    expect(row).to_contain_text("done")
