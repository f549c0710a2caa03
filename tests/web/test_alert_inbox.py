"""The alert inbox: what each role sees and may start, the order of attention, the filters,
pages, and the inbox and an alert in Arabic, right to left."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import update

from page_client import Browser
from seeding import Rec, Seeder
from tocsin.alerts import lifecycle
from tocsin.alerts.models import Alert
from tocsin.core.clock import utcnow
from tocsin.core.roles import Role
from tocsin.web.pages import alert_inbox

Make = Callable[..., Browser]


def shown_order(page: str, recs: list[Rec]) -> list[Rec]:
    """The seeded alerts in the order the page lists them."""
    return sorted((r for r in recs if r.secret in page), key=lambda r: page.index(r.secret))


def overdue(seed: Seeder, rec: Rec, minutes: int = 30) -> None:
    """Its deadline to acknowledge passed ``minutes`` ago."""
    with seed.db.session() as s:
        s.execute(update(Alert).where(Alert.id == rec.id)
                  .values(ack_deadline=utcnow() - timedelta(minutes=minutes)))  # fmt: skip


def test_each_role_sees_what_it_may_and_the_order_of_attention(
    browser: Make, seed: Seeder
) -> None:
    draft = seed.alert("GREEN")
    live = seed.issued_alert("GREEN", severity="minor")
    late = seed.issued_alert("GREEN", severity="minor")
    later = seed.issued_alert("GREEN", severity="extreme")
    overdue(seed, late, 90)
    overdue(seed, later, 10)
    closed = seed.issued_alert("GREEN")
    with seed.db.session() as s:
        lifecycle.close(s, seed.actor, closed.id, "over")
    amber = seed.issued_alert("AMBER")

    analyst = browser(Role.ANALYST)
    page = analyst.get("/alerts")
    assert page.status_code == 200
    text = page.text
    # The longest overdue first, then the other overdue one, live, AMBER (live), draft, closed.
    order = shown_order(text, [draft, live, late, later, closed, amber])
    assert order[:2] == [late, later]
    assert set(order[2:4]) == {live, amber} and order[4:] == [draft, closed]
    assert text.count("Overdue") == 2  # said in words, not only by colour
    assert 'href="/alerts/new"' in text  # analysts raise alerts
    assert 'href="/api/v1/alerts/feed.atom"' in text
    assert f'href="/api/v1/alerts/{live.id}/cap.xml"' in text
    assert f'href="/api/v1/alerts/{draft.id}/cap.xml"' not in text  # a draft has no CAP yet
    assert re.search(r'<a href="/alerts"\s+aria-current="page">Alerts</a>', text)  # main nav

    partner = browser(Role.PARTNER_VIEWER)
    seen = partner.get("/alerts").text
    assert live.secret in seen and amber.secret not in seen  # GREEN clearance
    assert 'href="/alerts/new"' not in seen
    assert '<a href="/alerts"' in seen  # everyone who reads sees the entry

    analyst.cookies.set("tocsin_lang", "ar")
    for path in ("/alerts", f"/alerts/{live.id}"):
        arabic = analyst.get(path).text
        assert '<html lang="ar" dir="rtl">' in arabic and live.secret in arabic


def test_filters_narrow_the_inbox_and_bad_ones_are_named(
    browser: Make, seed: Seeder, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyst = browser(Role.ANALYST)
    others = seed.alert("GREEN")  # the admin's draft: not the analyst's
    chained = seed.issued_alert("GREEN", category="incitement")  # the chain names everyone
    extreme = seed.alert("GREEN", severity="extreme", country="ML")

    def listed(query: str) -> str:
        page = analyst.get(f"/alerts?{query}")
        assert page.status_code == 200, page.text
        return page.text

    assert set(r for r in (others, chained, extreme) if r.secret in listed("state=draft")) == {
        others, extreme}  # fmt: skip
    only = listed("severity=extreme")
    assert extreme.secret in only and chained.secret not in only
    only = listed("category=incitement")
    assert chained.secret in only and others.secret not in only
    only = listed("country=ml")
    assert extreme.secret in only and others.secret not in only
    assert chained.secret in listed("source=manual")
    assert "No alert matches." in listed("source=rule")
    only = listed("mine=true")
    assert chained.secret in only and others.secret not in only
    # The filters stay as chosen.
    assert re.search(r'<option value="incitement" selected>', listed("category=incitement"))

    refused = analyst.get("/alerts?severity=apocalyptic")
    assert refused.status_code == 422
    assert 'id="severity-error"' in refused.text and "unknown severity" in refused.text
    fragment = analyst.get("/alerts?severity=extreme", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and extreme.secret in fragment.text

    # Pages keep the filters: two drafts, one a page.
    monkeypatch.setattr(alert_inbox, "PAGE_SIZE", 1)
    first = listed("state=draft")
    assert "page 1 of 2" in first and 'href="/alerts?state=draft&amp;page=2"' in first
    second = listed("state=draft&page=2")
    assert [r for r in (others, extreme) if r.secret in first] != [
        r for r in (others, extreme) if r.secret in second]  # fmt: skip
