"""The horizon scan page: watched places first, what changed in the period, the watchlist form
(analysts and up), the PDF and CSV reports (export right, audited) and the empty states."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select
from tests.risk.horizon_seed import COUNTRIES, HIGH, LOW, approved, event_file, forecast_run

from page_client import Browser
from seeding import add_user
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.db import Database
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.core.settings import Settings
from tocsin.risk import watch
from tocsin.risk.events import default_path
from tocsin.risk.horizon_export import CSV_HEADER

Make = Callable[..., Browser]


def section(page: str, heading_id: str) -> str:
    """The text of one section of the page, from its heading to the next section's."""
    start = page.index(f'id="{heading_id}"')
    end = page.find("<h2 ", start + 1)
    return page[start:] if end < 0 else page[start:end]


def seed_scan(db: Database, owner: Actor, settings: Settings) -> dict[str, str]:
    """Two forecast runs (one country climbing into the top 30), two assessments of Sudan
    (the second raising its level, approved now), and a spike in North Darfur."""
    coordinator = add_user(db, Role.COORDINATOR, "approver@pages.example.org")
    old = {code: 0.3 - i * 0.007 for i, code in enumerate(COUNTRIES)}
    riser = COUNTRIES[36]
    forecast_run(db, {**old, riser: 0.002}, days_ago=200, year=2023)
    forecast_run(db, {**old, riser: 0.29}, days_ago=10)
    first = approved(db, owner, coordinator, "SD", LOW, "2024-06-30", approved_days_ago=300,
                     title="Sudan mid-2024")  # fmt: skip
    second = approved(db, owner, coordinator, "SD", HIGH, "2025-06-30", title="Sudan mid-2025")
    event_file(default_path(settings), owner)
    return {"riser": riser, "first": first, "second": second}


def test_watched_places_come_first_and_changes_of_the_period_are_listed(
    browser: Make, db: Database, owner: Actor, settings: Settings
) -> None:
    made = seed_scan(db, owner, settings)
    analyst = browser(Role.ANALYST)
    since = (utcnow() - timedelta(days=30)).date().isoformat()
    added = analyst.submit("/risk/horizon/watch", {
        "country": "SD", "area": "North Darfur", "reason": "sieges reported",
        "since": since, "back": f"/risk/horizon?since={since}"})  # fmt: skip
    assert added.status_code == 303 and added.headers["location"] == f"/risk/horizon?since={since}"
    page = analyst.get(added.headers["location"]).text
    assert page.index('id="watch-title"') < page.index('id="changes-title"')
    watched = section(page, "watch-title")
    assert 'href="/risk/countries/SD?area=North%20Darfur"' in watched
    assert "sieges reported" in watched and "6 events" in watched and "spike" in watched
    changes = section(page, "changes-title")
    assert f'href="/risk/assessments/{made["second"]}"' in changes
    assert f'href="/risk/assessments/{made["first"]}"' in changes  # the previous level, linked
    assert "in the assessment approved" in changes  # Sudan's level changed
    assert f'href="/risk/countries/{made["riser"]}"' in changes
    assert "new in the top 30" in changes and "North Darfur" in changes
    stat = section(page, "stat-title")
    assert stat.count('<td class="num">') == 2 * 30  # the top 30: rank and probability
    assessed = section(page, "assessed-title")
    assert f"/risk/assessments/{made['second']}" in assessed and "raised" in assessed
    # RF9 is serious in Sudan's approved assessment: the library's actions on it are linked,
    # and a place can be turned into a response plan.
    assert 'href="/library?risk_factor=RF9"' in assessed
    assert 'href="/library?risk_factor=RF1"' not in assessed  # RF1 is only present
    assert 'href="/response/plans/new?country=SD"' in assessed

    # A later start: nothing changed since, the watchlist stays.
    later = analyst.get(f"/risk/horizon?since={(utcnow() + timedelta(days=1)).date()}").text
    assert "No level changed in this period." in later
    assert "No assessment was approved in this period." in later
    assert "No forecast was made in this period." in later
    assert "sieges reported" in section(later, "watch-title")


def test_the_watchlist_is_changed_by_analysts_only(
    browser: Make, db: Database, owner: Actor
) -> None:
    documenter = browser(Role.DOCUMENTER)
    page = documenter.get("/risk/horizon")
    assert page.status_code == 200 and 'action="/risk/horizon/watch"' not in page.text
    refused = documenter.submit("/risk/horizon/watch", {"country": "SD", "reason": "x"})
    assert refused.status_code == 403
    with db.session() as s:
        assert watch.watched(s) == []

    analyst = browser(Role.ANALYST)
    bad = analyst.submit("/risk/horizon/watch", {"country": "Sudan", "area": "Kassala",
                                                 "reason": "kept as typed"})  # fmt: skip
    assert bad.status_code == 422
    assert 'id="country-error"' in bad.text and 'value="Kassala"' in bad.text
    assert "kept as typed" in bad.text
    with db.session() as s:
        item = watch.watch(s, owner, "ML", "", "elections")
    gone = analyst.submit(f"/risk/horizon/watch/{item.id}/remove",
                          {"back": "https://elsewhere.example/"})  # fmt: skip
    assert gone.status_code == 303 and gone.headers["location"] == "/risk/horizon"
    with db.session() as s:
        assert watch.watched(s) == []
    assert documenter.submit(f"/risk/horizon/watch/{item.id}/remove", {}).status_code == 403


def test_the_report_is_a_pdf_and_the_figures_a_csv(
    browser: Make, db: Database, owner: Actor, settings: Settings
) -> None:
    made = seed_scan(db, owner, settings)
    with db.session() as s:
        watch.watch(s, owner, "SD", "North Darfur", "sieges reported")
    analyst = browser(Role.ANALYST)
    pdf = analyst.get("/risk/horizon.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Horizon scan" in text and "North Darfur" in text and "TLP:CLEAR" in text

    got = analyst.get("/risk/horizon.csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(got.text)))
    assert list(table[0]) == list(CSV_HEADER)
    assert (table[0]["country"], table[0]["area"], table[0]["watched"]) == (
        "SD",
        "North Darfur",
        "yes",
    )
    assert table[0]["spike"] == "yes" and table[0]["events_latest"] == "6"
    # Forty forecast countries, Sudan (assessed, not forecast) and the watched area in it.
    assert len({(r["country"], r["area"]) for r in table}) == len(table) == 42
    sudan = next(r for r in table if (r["country"], r["area"]) == ("SD", ""))
    assert sudan["assessment_id"] == made["second"] and sudan["assessment_level"] == "high"
    riser = next(r for r in table if r["country"] == made["riser"])
    assert riser["forecast_entered_top30"] == "yes"
    with db.session() as s:
        exports = s.scalars(
            select(AuditEntry.detail).where(
                AuditEntry.action == "export", AuditEntry.entity_type == "risk_horizon_scan"
            )
        ).all()
    assert sorted(e["format"] for e in exports) == ["csv", "pdf"]

    partner = browser(Role.PARTNER_VIEWER)
    assert partner.get("/risk/horizon.pdf").status_code == 403
    assert partner.get("/risk/horizon.csv").status_code == 403


def test_with_nothing_yet_the_page_says_so(browser: Make) -> None:
    page = browser(Role.ANALYST).get("/risk/horizon")
    assert page.status_code == 200
    assert "No event data has been imported yet" in page.text
    assert "No forecast has been made yet" in page.text
    assert "No place is watched yet." in page.text
    assert "No assessment has been approved yet." in page.text
    bad = browser(Role.ANALYST).get("/risk/horizon?since=last-year")
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.text
