"""The assessment forms: a new assessment, the rating form of every indicator, a refused form
that comes back whole with each message by its field, and an edit that leaves alone what the
editor did not touch (records cited by a colleague the editor may not see)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest

from page_client import Browser
from seeding import Seeder
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.risk.assessments import get_assessment
from tocsin.risk.assessments.schemas import AssessmentPublic
from tocsin.risk.framework import ensure_framework, get_framework

Make = Callable[..., Browser]
EDIT = re.compile(r"^/risk/assessments/([^/]+)/edit$")


@pytest.fixture(autouse=True)
def _framework(db: Database) -> None:
    with db.session() as s:
        ensure_framework(s)


def stored(seed: Seeder, assessment_id: str) -> AssessmentPublic:
    with seed.db.session() as s:
        return get_assessment(s, seed.actor, assessment_id)


def new_assessment(client: Browser, **fields: str) -> str:
    done = client.submit("/risk/assessments/new", {
        "country": "SD", "admin_area": "West Darfur", "as_of": "2025-03-01",
        "title": "West Darfur, March", "summary": "", "tlp": "AMBER", **fields,
    })  # fmt: skip
    assert done.status_code == 303, done.text
    found = EDIT.match(done.headers["location"])
    assert found, done.headers["location"]
    return found.group(1)


def test_new_assessment_then_every_indicator_offered_and_rated(
    browser: Make, seed: Seeder
) -> None:
    event, source = seed.event("GREEN"), seed.source("GREEN")
    analyst = browser(Role.ANALYST)
    assert analyst.get("/risk/assessments/new").status_code == 200
    made = new_assessment(analyst, country="SDN")  # alpha-3, stored as alpha-2
    form = analyst.get(f"/risk/assessments/{made}/edit").text
    with seed.db.session() as s:
        framework = get_framework(s, seed.actor)
    codes = [i.code for f in framework.factors for i in f.indicators]
    assert len(codes) > 100
    for code in codes:
        assert f'name="ratings[{code}].rating"' in form
    assert form.count("<details") == len(framework.factors)

    saved = analyst.submit(f"/risk/assessments/{made}/edit", {
        "then": "view",
        "ratings[RF1.1].rating": "serious", "ratings[RF1.1].confidence": "high",
        "ratings[RF1.1].narrative": "Shelling of the market district since January.",
        "ratings[RF1.1].groups[0].dimension": "ethnicity",
        "ratings[RF1.1].groups[0].group": "Masalit",
        "ratings[RF1.1].groups[0].note": "mainly in El Geneina",
        "ratings[RF1.1].event_ids": event.id, "ratings[RF1.1].source_ids": f" {source.id}, ",
        "ratings[RF9.1].rating": "serious", "ratings[RF9.1].confidence": "medium",
        "ratings[RF2.2].rating": "absent",
    })  # fmt: skip
    assert saved.status_code == 303 and saved.headers["location"] == f"/risk/assessments/{made}"
    a = stored(seed, made)
    assert a.country == "SD" and a.admin_area == "West Darfur"
    by_code = {r.indicator: r for r in a.ratings}
    assert set(by_code) == {"RF1.1", "RF2.2", "RF9.1"}
    rf11 = by_code["RF1.1"]
    assert (rf11.rating, rf11.confidence) == ("serious", "high")
    assert [g.model_dump() for g in rf11.groups] == [
        {"dimension": "ethnicity", "group": "Masalit", "note": "mainly in El Geneina"}]  # fmt: skip
    assert (rf11.event_ids, rf11.source_ids) == ([event.id], [source.id])
    # RF1 high (a serious, high-confidence rating); RF9 1.5 points, moderate. Overall: one step
    # below RF1, or RF9: moderate, as the service derives it.
    levels = {f.code: f.level for f in a.factors}
    assert (levels["RF1"], levels["RF2"], levels["RF9"]) == ("high", "low", "moderate")
    assert a.overall_level == "moderate"

    page = unescape(analyst.get(f"/risk/assessments/{made}").text)
    overall = page[page.index('id="overall-title"') : page.index('class="risk-actions"')]
    assert "risk-level-moderate" in overall
    assert "Shelling of the market district since January." in page and "Masalit" in page
    assert f'href="/events/{event.id}"' in page and event.secret in page
    assert f'href="/sources/{source.id}"' in page and source.secret in page


def test_a_refused_form_keeps_every_value_and_says_why_by_field(
    browser: Make, seed: Seeder
) -> None:
    analyst = browser(Role.ANALYST)
    made = new_assessment(analyst)
    red = seed.event("RED")  # beyond an analyst's clearance: reported as not existing
    refused = analyst.submit(f"/risk/assessments/{made}/edit", {
        "title": "Retitled <b>draft</b>",
        "ratings[RF7.3].rating": "present", "ratings[RF7.3].confidence": "",
        "ratings[RF7.3].narrative": "Two brigades moved to the border towns.",
        "ratings[RF1.1].rating": "catastrophic",
        "ratings[RF2.1].rating": "present", "ratings[RF2.1].confidence": "low",
        "ratings[RF2.1].event_ids": red.id,
        "ratings[RF3.1].rating": "present", "ratings[RF3.1].confidence": "high",
        "ratings[RF3.1].groups[0].dimension": "religion", "ratings[RF3.1].groups[0].group": "",
        "ratings[RF3.1].groups[0].note": "Christians in the north",
        "ratings[RF4.1].rating": "not_assessed", "ratings[RF4.1].narrative": "A note to keep",
    })  # fmt: skip
    assert refused.status_code == 422
    page = refused.text
    for name in ("ratings[RF7.3].confidence", "ratings[RF1.1].rating", "ratings[RF2.1].event_ids",
                 "ratings[RF3.1].groups[0].group", "ratings[RF4.1].rating"):  # fmt: skip
        assert f'id="{name}-error"' in page, name
    assert "say how confident you are" in page and red.secret not in page
    # Every value comes back as typed (escaped), and the factors with a problem are open.
    assert 'value="Retitled &lt;b&gt;draft&lt;/b&gt;"' in page
    assert "Two brigades moved to the border towns.</textarea>" in page
    assert f'value="{red.id}"' in page and 'value="Christians in the north"' in page
    assert '<option value="religion" selected>' in page
    assert re.search(r'<details [^>]*id="factor-RF7"[^>]* open>', page)
    assert not re.search(r'<details [^>]*id="factor-RF5"[^>]* open>', page)
    # Nothing was written, not even the valid title.
    a = stored(seed, made)
    assert a.title == "West Darfur, March" and a.ratings == []


def test_an_edit_leaves_untouched_indicators_and_their_hidden_records_alone(
    browser: Make, seed: Seeder
) -> None:
    red = seed.event("RED")
    made = seed.assessment("GREEN", ratings=[{
        "indicator": "RF1.1", "rating": "present", "confidence": "medium",
        "narrative": "Seen by the team.\nTwice.", "event_ids": [red.id]}])  # fmt: skip
    analyst = browser(Role.ANALYST)
    form = analyst.get(f"/risk/assessments/{made.id}/edit").text
    assert red.id not in form and red.secret not in form
    assert "1 record cited here is beyond your clearance" in form
    # The browser posts every field of the form: here RF1.1 as shown (without the red event,
    # and with the line breaks a browser sends).
    saved = analyst.submit(f"/risk/assessments/{made.id}/edit", {
        "ratings[RF1.1].rating": "present", "ratings[RF1.1].confidence": "medium",
        "ratings[RF1.1].narrative": "Seen by the team.\r\nTwice.", "ratings[RF1.1].event_ids": "",
        "ratings[RF5.2].rating": "present", "ratings[RF5.2].confidence": "high",
        "then": "edit",
    })  # fmt: skip
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/risk/assessments/{made.id}/edit"
    a = stored(seed, made.id)
    by_code = {r.indicator: r for r in a.ratings}
    assert by_code["RF1.1"].event_ids == [red.id]
    assert (by_code["RF5.2"].rating, by_code["RF5.2"].confidence) == ("present", "high")
    # Clearing a rating removes it.
    analyst.submit(f"/risk/assessments/{made.id}/edit", {"ratings[RF5.2].rating": "not_assessed"})
    assert [r.indicator for r in stored(seed, made.id).ratings] == ["RF1.1"]


def test_new_form_refuses_a_bad_place_and_date_keeping_values(browser: Make, seed: Seeder) -> None:
    analyst = browser(Role.ANALYST)
    refused = analyst.submit("/risk/assessments/new", {
        "country": "Atlantis", "admin_area": "North", "as_of": "", "title": "Outlook",
        "tlp": "AMBER",
    })  # fmt: skip
    assert refused.status_code == 422
    assert 'id="as_of-error"' in refused.text and 'value="North"' in refused.text
    fixed = analyst.submit("/risk/assessments/new", {
        "country": "Atlantis", "admin_area": "North", "as_of": "2025-01-01", "tlp": "AMBER"})
    assert fixed.status_code == 422 and 'id="country-error"' in fixed.text
    with seed.db.session() as s:
        from tocsin.risk.assessments import list_assessments

        assert list_assessments(s, seed.actor).items == []


def test_only_assessors_get_the_forms(browser: Make, seed: Seeder) -> None:
    made = seed.assessment("GREEN")
    documenter = browser(Role.DOCUMENTER)
    assert documenter.get("/risk/assessments/new").status_code == 403
    assert documenter.get(f"/risk/assessments/{made.id}/edit").status_code == 403
    posted = documenter.submit(f"/risk/assessments/{made.id}/edit", {"title": "Mine now"})
    assert posted.status_code == 403
    assert stored(seed, made.id).title == f"Outlook {made.secret}"
    assert "/edit" not in documenter.get(f"/risk/assessments/{made.id}").text
