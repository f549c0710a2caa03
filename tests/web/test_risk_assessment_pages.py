"""The assessment pages: review and approval by role, what a partner may not see, the list and
a place's history, two assessments compared, and the PDF."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest

from page_client import Browser
from seeding import Seeder
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.risk.assessments import get_assessment, list_assessments
from tocsin.risk.framework import ensure_framework

Make = Callable[..., Browser]


@pytest.fixture(autouse=True)
def _framework(db: Database) -> None:
    with db.session() as s:
        ensure_framework(s)


def status_of(seed: Seeder, assessment_id: str) -> str:
    with seed.db.session() as s:
        return get_assessment(s, seed.actor, assessment_id).status


def rated(indicator: str, rating: str, confidence: str | None = "high") -> dict[str, str | None]:
    return {"indicator": indicator, "rating": rating, "confidence": confidence}


def test_review_and_approval_by_role(browser: Make, seed: Seeder) -> None:
    made = seed.assessment("AMBER")  # a draft by another team member (an admin)
    analyst, coordinator = browser(Role.ANALYST), browser(Role.COORDINATOR)
    page = analyst.get(f"/risk/assessments/{made.id}").text
    assert f"/risk/assessments/{made.id}/edit" in page and "/submit" in page
    assert "/approve" not in page
    assert analyst.submit(f"/risk/assessments/{made.id}/submit", {}).status_code == 303
    assert status_of(seed, made.id) == "in_review"
    # An analyst may not approve or return; the page does not offer it and the post is refused.
    page = analyst.get(f"/risk/assessments/{made.id}").text
    assert "/approve" not in page and "/return" not in page and "/edit" not in page
    assert analyst.submit(f"/risk/assessments/{made.id}/approve", {}).status_code == 403
    assert status_of(seed, made.id) == "in_review"
    # Returning needs a reason; the refused form keeps what was typed.
    back = coordinator.submit(f"/risk/assessments/{made.id}/return", {"reason": "  "})
    assert back.status_code == 422 and 'id="reason-error"' in back.text
    assert status_of(seed, made.id) == "in_review"
    back = coordinator.submit(f"/risk/assessments/{made.id}/return",
                              {"reason": "Say which sources back RF1.1."})  # fmt: skip
    assert back.status_code == 303 and status_of(seed, made.id) == "draft"
    assert "Say which sources back RF1.1." in analyst.get(f"/risk/assessments/{made.id}").text
    analyst.submit(f"/risk/assessments/{made.id}/submit", {})
    assert "/approve" in coordinator.get(f"/risk/assessments/{made.id}").text
    assert coordinator.submit(f"/risk/assessments/{made.id}/approve", {}).status_code == 303
    assert status_of(seed, made.id) == "approved"
    page = unescape(coordinator.get(f"/risk/assessments/{made.id}").text)
    history = page[page.index('id="review-title"') :]
    assert len(re.findall(r"<tr>\s*<th scope=\"row\"><time", history)) == 5
    assert "coordinator." in history  # the approver is named to team members
    # Approved is final: no edit; a new draft starts from it, with its ratings.
    edit = analyst.get(f"/risk/assessments/{made.id}/edit", follow_redirects=False)
    assert edit.status_code == 303 and edit.headers["location"] == f"/risk/assessments/{made.id}"
    fresh = analyst.submit(f"/risk/assessments/{made.id}/revise", {"as_of": "2025-09-30"})
    assert fresh.status_code == 303
    new_id = fresh.headers["location"].split("/")[3]
    with seed.db.session() as s:
        copy = get_assessment(s, seed.actor, new_id)
    assert (copy.status, copy.as_of.isoformat()) == ("draft", "2025-09-30")
    assert [r.indicator for r in copy.ratings] == ["RF1.1"]


def test_nobody_approves_their_own_assessment(browser: Make, seed: Seeder) -> None:
    coordinator = browser(Role.COORDINATOR)
    done = coordinator.submit("/risk/assessments/new",
                              {"country": "ML", "as_of": "2025-02-01", "tlp": "GREEN"})  # fmt: skip
    made = done.headers["location"].split("/")[3]
    coordinator.submit(f"/risk/assessments/{made}/edit", {
        "ratings[RF8.7].rating": "present", "ratings[RF8.7].confidence": "high"})
    assert coordinator.submit(f"/risk/assessments/{made}/submit", {}).status_code == 303
    page = coordinator.get(f"/risk/assessments/{made}").text
    assert "/approve" not in page and "/return" in page
    refused = coordinator.submit(f"/risk/assessments/{made}/approve", {})
    assert refused.status_code == 403 and "may not approve" in refused.text
    assert status_of(seed, made) == "in_review"


def test_a_draft_without_ratings_cannot_be_submitted(browser: Make, seed: Seeder) -> None:
    made = seed.assessment("GREEN", ratings=[])
    analyst = browser(Role.ANALYST)
    assert "/submit" not in analyst.get(f"/risk/assessments/{made.id}").text
    refused = analyst.submit(f"/risk/assessments/{made.id}/submit", {})
    assert refused.status_code == 422 and "rate at least one indicator" in refused.text
    assert status_of(seed, made.id) == "draft"


def test_a_partner_sees_neither_protected_assessments_nor_names(
    browser: Make, seed: Seeder
) -> None:
    amber, red = seed.assessment("AMBER"), seed.assessment("RED")
    green = seed.assessment("GREEN")
    partner = browser(Role.PARTNER_VIEWER)
    for hidden in (amber, red):
        page = partner.get(f"/risk/assessments/{hidden.id}")
        assert page.status_code == 404 and hidden.secret not in page.text
        assert partner.get(f"/risk/assessments/{hidden.id}.pdf").status_code in (403, 404)
        compared = partner.get(f"/risk/assessments/compare?old={green.id}&new={hidden.id}")
        assert compared.status_code == 404 and hidden.secret not in compared.text
    listed = partner.get("/risk/assessments").text
    assert green.secret in listed and amber.secret not in listed and red.secret not in listed
    history = partner.get("/risk/assessments/history?country=SD").text
    assert green.secret in history and amber.secret not in history
    page = partner.get(f"/risk/assessments/{green.id}").text
    assert green.secret in page and "owner@pages.example.org" not in page
    assert "/edit" not in page and "/submit" not in page and ".pdf" not in page


def test_list_filters_and_a_places_history(browser: Make, seed: Seeder) -> None:
    early = seed.assessment("GREEN", as_of="2024-01-15", admin_area="North Darfur")
    late = seed.assessment_in_review("GREEN", as_of="2025-01-15", admin_area="North Darfur",
                                     ratings=[rated("RF1.1", "serious")])  # fmt: skip
    elsewhere = seed.assessment("GREEN", country="ML", as_of="2025-02-01")
    analyst = browser(Role.ANALYST)
    sd = analyst.get("/risk/assessments?country=SD").text
    assert early.secret in sd and late.secret in sd and elsewhere.secret not in sd
    review = analyst.get("/risk/assessments?status=in_review").text
    assert late.secret in review and early.secret not in review
    recent = analyst.get("/risk/assessments?since=2025-01-01").text
    assert late.secret in recent and early.secret not in recent
    bad = analyst.get("/risk/assessments?since=yesterday&status=lost")
    assert bad.status_code == 422 and 'id="since-error"' in bad.text
    bad = analyst.get("/risk/assessments?status=lost")
    assert bad.status_code == 422 and "unknown status" in bad.text

    page = analyst.get("/risk/assessments/history?country=SD&area=North+Darfur").text
    assert page.index(early.secret) < page.index(late.secret)
    assert f"old={early.id}&amp;new={late.id}" in page
    assert elsewhere.secret not in page
    # The country as a whole is another place than one of its areas.
    assert early.secret not in analyst.get("/risk/assessments/history?country=SD").text
    assert analyst.get("/risk/assessments/history?country=Nowhere").status_code == 422


def test_compare_shows_what_changed(browser: Make, seed: Seeder) -> None:
    old = seed.assessment("GREEN", as_of="2024-06-01", ratings=[
        rated("RF1.1", "present", "medium"), rated("RF2.2", "absent", None)])  # fmt: skip
    new = seed.assessment("GREEN", as_of="2025-06-01", ratings=[
        rated("RF1.1", "present", "medium"), rated("RF2.2", "absent", None),
        rated("RF10.3", "serious", "high")])  # fmt: skip
    analyst = browser(Role.ANALYST)
    # Asked the wrong way round: "old" is the earlier one.
    swapped = analyst.get(f"/risk/assessments/compare?old={new.id}&new={old.id}",
                          follow_redirects=False)  # fmt: skip
    assert swapped.status_code == 303
    assert swapped.headers["location"] == f"/risk/assessments/compare?old={old.id}&new={new.id}"
    page = analyst.get(swapped.headers["location"]).text
    changed = re.findall(r'<tr class="risk-changed">\s*<th scope="row">(.*?)</th>', page, re.S)
    cells = " ".join(changed)
    assert "RF10.3" in cells and "RF10 " in cells
    assert "RF1.1" not in cells and "RF2.2" not in cells
    assert "up 2 steps" in page  # RF10: not assessed -> high is no step; overall low -> high
    assert re.search(r'<details class="risk-compare-factor" id="compare-RF10" open>', page)
    assert re.search(r'<details class="risk-compare-factor" id="compare-RF1">', page)
    # The assessment page offers the others of the same place to compare with.
    offered = analyst.get(f"/risk/assessments/{new.id}").text
    assert f'<option value="{old.id}"' in offered


def test_pdf_download(browser: Make, seed: Seeder) -> None:
    made = seed.assessment("AMBER", ratings=[rated("RF7.5", "serious")])
    pdf = browser(Role.ANALYST).get(f"/risk/assessments/{made.id}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
    assert browser(Role.DOCUMENTER).get(f"/risk/assessments/{made.id}.pdf").status_code == 403


def test_the_main_navigation_leads_to_assessments(browser: Make, seed: Seeder) -> None:
    viewer = browser(Role.PARTNER_VIEWER)
    assert 'href="/risk"' in viewer.get("/").text
    assert 'href="/risk/assessments"' in viewer.get("/risk").text
    with seed.db.session() as s:
        assert list_assessments(s, seed.actor).items == []
