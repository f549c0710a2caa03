"""The event page: what it shows, to whom, and that reading it is audited as the API's read is."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from page_client import Browser
from seeding import Seeder
from tocsin.cases import consent, events, sources
from tocsin.cases.schemas import ConsentWithdrawIn, SourceLinkIn, StatusChangeIn
from tocsin.core.db import Database
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

Make = Callable[..., Browser]


def _link(seed: Seeder, source_id: str, target_type: str, target_id: str) -> None:
    with seed.db.session() as s:
        sources.link(s, seed.actor, source_id, SourceLinkIn(target_type=target_type,
                                                             target_id=target_id))


def test_the_page_shows_acts_victims_perpetrators_sources_consent_and_history(
    browser: Make, seed: Seeder
) -> None:
    event = seed.event("AMBER", place={"name": "Tessar", "country": "SY"})
    victim = seed.person("AMBER")
    seed.consent("AMBER", person_id=victim.id, share_with=["un_mechanism"])
    army = seed.organisation("GREEN")
    killing = seed.act("AMBER", event_id=event.id, victim_person_id=victim.id,
                       perpetrators=[{"organisation_id": army.id, "involvement": "ordered"}])
    seed.act("AMBER", event_id=event.id, victim_group="Villagers of Tessar", victim_count=12)
    paper = seed.source("AMBER", reliability="B", credibility=2)
    _link(seed, paper.id, "event", event.id)
    _link(seed, paper.id, "act", killing.id)
    aid = seed.intervention("AMBER", event_id=event.id)
    with seed.db.session() as s:
        events.change_status(s, seed.actor, event.id, StatusChangeIn(
            status="under_verification", reason="Two witnesses disagree on the date"))

    page = browser(Role.ANALYST).get(f"/events/{event.id}")

    assert page.status_code == 200
    body = page.text
    for shown in (event.secret, victim.secret, army.secret, paper.secret, aid.secret,
                  killing.secret, "Tessar, SY", "Killing", "Ordered", "Villagers of Tessar",
                  "12 victims", "B2", "Usually reliable", "Probably true", "UN mechanisms",
                  "Allows use in the case file", "Under verification",
                  "Two witnesses disagree on the date", "No evidence filed for this event yet"):
        assert shown in body, shown
    assert f'href="/persons/{victim.id}"' in body
    assert f'href="/organisations/{army.id}"' in body
    assert f'href="/acts/{killing.id}/edit"' in body
    assert f'action="/events/{event.id}/status"' in body
    # Only the transitions the workflow allows from "under verification" are offered.
    assert 'value="verified"' in body and 'value="reported"' not in body


def test_a_partner_viewer_gets_the_404_page_for_a_red_event(browser: Make, seed: Seeder) -> None:
    red = seed.event("RED")
    partner = browser(Role.PARTNER_VIEWER)
    page = partner.get(f"/events/{red.id}")
    assert page.status_code == 404
    assert red.secret not in page.text
    unknown = "01a20413-0000-7000-8000-000000000000"
    assert page.text == partner.get(f"/events/{unknown}").text.replace(unknown, red.id)
    assert partner.get("/events/not-an-id").status_code == 404


def test_a_partner_viewer_sees_no_protected_name_and_no_form(browser: Make, seed: Seeder) -> None:
    event = seed.event("GREEN")
    victim = seed.person("RED")
    unit = seed.organisation("RED")
    hidden_source = seed.source("RED")
    _link(seed, hidden_source.id, "event", event.id)
    seed.act("GREEN", event_id=event.id, victim_person_id=victim.id,
             perpetrators=[{"organisation_id": unit.id}])

    page = browser(Role.PARTNER_VIEWER).get(f"/events/{event.id}")

    assert page.status_code == 200 and event.secret in page.text
    for hidden in (victim.secret, unit.secret, hidden_source.secret, victim.id, unit.id):
        assert hidden not in page.text
    assert "A person withheld at your clearance" in page.text
    assert "An organisation withheld at your clearance" in page.text
    for form in ("/edit", "/acts/new", "/sources/new", "/interventions/new", "/status"):
        assert f"/events/{event.id}{form}" not in page.text


def test_a_withdrawn_consent_withholds_the_name_as_the_api_does(
    browser: Make, seed: Seeder
) -> None:
    event = seed.event("AMBER")
    victim = seed.person("AMBER")
    given = seed.consent("AMBER", person_id=victim.id)
    seed.act("AMBER", event_id=event.id, victim_person_id=victim.id)
    with seed.db.session() as s:
        consent.withdraw(s, seed.actor, given.id, ConsentWithdrawIn(reason="asked us to"))

    client = browser(Role.COORDINATOR)
    page = client.get(f"/events/{event.id}")
    api = client.get(f"/api/v1/persons/{victim.id}").json()

    assert victim.secret not in page.text
    assert api["redacted"] is True and api["names"][0]["value"] in page.text
    assert "Consent withdrawn: the identity is withheld" in page.text


def _reads(db: Database, kind: str, record_id: str) -> int:
    with db.session() as s:
        return s.scalar(
            select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action == "read",
                AuditEntry.entity_type == kind,
                AuditEntry.entity_id == record_id,
            )
        ) or 0


def test_reading_a_protected_event_page_is_audited_like_the_api_read(
    browser: Make, seed: Seeder, db: Database
) -> None:
    strict = seed.event("AMBER+STRICT")
    red = seed.event("RED")
    open_event = seed.event("CLEAR")
    analyst = browser(Role.ANALYST)
    coordinator = browser(Role.COORDINATOR)

    # Signing in opens the dashboard, which may itself list (and audit) these events.
    before = _reads(db, "event", strict.id)
    assert analyst.get(f"/events/{strict.id}").status_code == 200
    assert _reads(db, "event", strict.id) == before + 1
    assert analyst.get(f"/api/v1/events/{strict.id}").status_code == 200
    assert _reads(db, "event", strict.id) == before + 2

    assert coordinator.get(f"/events/{red.id}").status_code == 200
    with db.session() as s:
        last = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == red.id)
                         .order_by(AuditEntry.id.desc()).limit(1)).one()
        assert (last.action, last.entity_type) == ("read", "event")
        assert last.user_email.startswith("coordinator.")

    before = _reads(db, "event", open_event.id)
    assert analyst.get(f"/events/{open_event.id}").status_code == 200
    assert _reads(db, "event", open_event.id) == before


def test_the_event_page_lists_the_evidence_the_reader_may_see(
    browser: Make, seed: Seeder, settings: Settings
) -> None:
    from tocsin.vault.store import open_blob_store

    files = Seeder(seed.db, seed.actor, open_blob_store(settings))
    event = files.event("GREEN")
    shared = files.evidence("GREEN", event_id=event.id)
    hidden = files.evidence("RED", event_id=event.id)
    partner = browser(Role.PARTNER_VIEWER)
    page = partner.get(f"/events/{event.id}").text
    assert shared.secret in page and f"/api/v1/evidence/{shared.id}/content" in page
    assert hidden.secret not in page and hidden.id not in page
    # The link works for the reader with their page session, and hands over the very bytes.
    got = partner.get(f"/api/v1/evidence/{shared.id}/content")
    assert got.status_code == 200 and got.content == f"content of {shared.secret}".encode()
    assert partner.get(f"/api/v1/evidence/{hidden.id}/content").status_code == 404
    empty = files.event("GREEN")
    assert "No evidence filed for this event yet" in partner.get(f"/events/{empty.id}").text
