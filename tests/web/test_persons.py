"""Person pages: list and search, the record page, the forms, consent, and what each role sees."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import func, select

from page_client import Browser
from seeding import Seeder
from tocsin.cases import vocabulary as vocabulary_service
from tocsin.cases.models import Consent, Person
from tocsin.core.db import Database
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role

Make = Callable[..., Browser]


def count(db: Database, model: type) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def reads(db: Database, email: str, entity_id: str) -> int:
    with db.session() as s:
        return s.scalar(
            select(func.count()).select_from(AuditEntry).where(
                AuditEntry.user_email == email,
                AuditEntry.action == "read",
                AuditEntry.entity_type == "person",
                AuditEntry.entity_id == entity_id,
            )
        ) or 0


def test_list_filters_by_role_and_paginates(browser: Make, seed: Seeder) -> None:
    witnesses = [seed.person(roles=["witness"]) for _ in range(26)]
    victim = seed.person(roles=["victim"])
    client = browser(Role.ANALYST)
    first = client.get("/persons?role=witness")
    assert "26 results" in first.text and victim.secret not in first.text
    second = client.get("/persons?role=witness&page=2")
    shown = [w for w in witnesses if w.secret in first.text or w.secret in second.text]
    assert len(shown) == 26 and 'rel="prev"' in second.text
    assert sum(w.secret in second.text for w in witnesses) == 1
    partial = client.get("/persons?role=victim", headers={"HX-Request": "true"})
    assert victim.secret in partial.text and "<html" not in partial.text


def test_partner_viewer_never_reaches_a_red_person(browser: Make, seed: Seeder) -> None:
    red, green = seed.person("RED"), seed.person("GREEN")
    partner = browser(Role.PARTNER_VIEWER)
    page = partner.get(f"/persons/{red.id}")
    assert page.status_code == 404 and red.secret not in page.text
    listed = partner.get("/persons")
    assert red.secret not in listed.text and green.secret in listed.text
    assert partner.get(f"/persons/{red.id}/edit").status_code == 403
    shown = partner.get(f"/persons/{green.id}")
    assert green.secret in shown.text and "/edit" not in shown.text
    assert "consents/new" not in shown.text and "New person" not in listed.text
    assert partner.get("/persons/new").status_code == 403
    refused = partner.submit("/persons/new", {"names[0].value": "Nobody Atall"})
    assert refused.status_code == 403 and count(seed.db, Person) == 2


def test_withheld_identity_is_shown_as_the_api_shows_it(browser: Make, seed: Seeder) -> None:
    """views.person_public withholds names once consent to be on file is refused or withdrawn,
    for every role; PROTECTED_ROLES and IDENTIFY are not applied by the API's person reads."""
    refused = seed.person("AMBER", roles=["victim"])
    seed.consent("AMBER", person_id=refused.id, use_in_case_file=False)
    analyst = browser(Role.ANALYST)  # no IDENTIFY
    api = analyst.get(f"/api/v1/persons/{refused.id}").json()
    assert api["redacted"] and refused.secret not in str(api)
    page = analyst.get(f"/persons/{refused.id}")
    assert page.status_code == 200 and refused.secret not in page.text
    assert api["names"][0]["value"] in page.text  # the same placeholder as the API's
    assert refused.secret not in analyst.get("/persons").text
    assert refused.secret not in analyst.get(f"/persons/{refused.id}/edit").text
    admin = browser(Role.ADMIN)  # even with IDENTIFY: consent binds everyone
    assert refused.secret not in admin.get(f"/persons/{refused.id}").text


def test_person_with_two_scripts_is_created_by_form_and_found(browser: Make, db: Database) -> None:
    client = browser(Role.DOCUMENTER)
    done = client.submit("/persons/new", {
        "names[0].value": "Layla Haddad", "names[0].script": "Latn", "names[0].language": "en",
        "names[0].kind": "full",
        "names[1].value": "ليلى حداد", "names[1].script": "Arab", "names[1].language": "ar",
        "names[1].kind": "full",
        "names[2].value": "", "roles": "witness", "tlp": "AMBER", "age": "34",
    })
    assert done.status_code == 303, done.text
    page = client.get(done.headers["location"])
    assert "Person saved." in page.text
    assert '<bdi lang="ar" dir="auto">ليلى حداد</bdi>' in page.text
    assert "Arabic" in page.text and "Layla Haddad" in page.text
    for query in ("haddad", "ليلى"):
        found = client.get("/persons", params={"name": query})
        assert "Layla Haddad" in found.text, query
    assert "Layla" not in client.get("/persons", params={"name": "Hadad"}).text


def test_rejected_person_form_keeps_values_and_writes_nothing(browser: Make, db: Database) -> None:
    client = browser(Role.ANALYST)
    sent = {
        "names[0].value": "", "names[1].value": "سمير", "names[1].script": "Arab",
        "age_min": "40", "age_max": "20", "roles": "victim",
        "notes": "met at the clinic",
    }
    page = client.submit("/persons/new", sent)
    assert page.status_code == 422 and count(db, Person) == 0
    assert 'value="سمير"' in page.text and "met at the clinic" in page.text
    assert 'value="victim" checked' in page.text
    assert 'id="age_min-error"' in page.text and "greater than age_max" in page.text
    more = client.submit("/persons/new", {**sent, "more": "1"})
    assert more.status_code == 200 and 'name="names[3].value"' in more.text
    assert 'value="سمير"' in more.text and count(db, Person) == 0


def test_edit_replaces_names_and_keeps_withheld_identity(browser: Make, seed: Seeder) -> None:
    p = seed.person("AMBER")
    client = browser(Role.ANALYST)
    form = client.get(f"/persons/{p.id}/edit")
    assert f'value="{p.secret}"' in form.text
    done = client.submit(f"/persons/{p.id}/edit", {
        "names[0].value": "Omar Khalil", "names[0].script": "Latn", "tlp": "AMBER",
    })
    assert done.status_code == 303
    assert "Omar Khalil" in client.get(f"/persons/{p.id}").text


def test_consent_is_recorded_then_withdrawn(browser: Make, seed: Seeder) -> None:
    p = seed.person("AMBER", roles=["witness"])
    client = browser(Role.DOCUMENTER)
    bad = client.submit(f"/persons/{p.id}/consents/new", {"given_on": "", "recorded_how": ""})
    assert bad.status_code == 422 and count(seed.db, Consent) == 0
    assert 'id="given_on-error"' in bad.text
    done = client.submit(f"/persons/{p.id}/consents/new", {
        "use_in_case_file": "1", "share_with": "icc", "given_on": "2024-05-01",
        "recorded_how": "oral_recorded", "notes": "only the ICC", "tlp": "AMBER",
    })
    assert done.status_code == 303
    page = client.get(f"/persons/{p.id}")
    assert "Consent given" in page.text and "only the ICC" in page.text
    with seed.db.session() as s:
        consent_id = s.scalars(select(Consent.id)).one()
    empty = client.submit(f"/consents/{consent_id}/withdraw", {"reason": " "})
    assert empty.status_code == 422 and 'id="reason-' in empty.text and "field-error" in empty.text
    gone = client.submit(f"/consents/{consent_id}/withdraw", {"reason": "Phoned us on 3 June"})
    assert gone.status_code == 303
    page = client.get(f"/persons/{p.id}")
    assert "Consent withdrawn" in page.text and "Phoned us on 3 June" in page.text
    assert p.secret not in page.text  # withdrawn: the identity is withheld from now on
    again = client.submit(f"/consents/{consent_id}/withdraw", {"reason": "twice"})
    assert again.status_code == 422 and "already withdrawn" in again.text


def test_reads_of_persons_are_audited_like_the_api(browser: Make, seed: Seeder) -> None:
    p = seed.person("AMBER")
    client = browser(Role.ANALYST, email="reader@pages.example.org")
    client.get(f"/api/v1/persons/{p.id}")
    by_api = reads(seed.db, "reader@pages.example.org", p.id)
    client.get(f"/persons/{p.id}")
    assert by_api == 1 and reads(seed.db, "reader@pages.example.org", p.id) == 2
    client.get("/persons")
    assert reads(seed.db, "reader@pages.example.org", p.id) == 3


def _retire(db: Database, vocabulary: str, code: str) -> None:
    with db.session() as s:
        vocabulary_service.update_term(s, vocabulary, code, active=False)


def _stored(db: Database, person_id: str) -> Person:
    with db.session() as s:
        person = s.get(Person, person_id)
        assert person is not None
        s.expunge(person)
        return person


def test_editing_keeps_an_identity_of_a_retired_kind_and_every_contact(
    browser: Make, seed: Seeder, db: Database
) -> None:
    p = seed.person("AMBER", identities={"ethnicity": "Yazidi", "religion": "Ezidi"},
                    contact={"phone": "+963 11 555", "signal": "@ali"})
    _retire(db, "identity_kind", "ethnicity")
    client = browser(Role.ANALYST)
    form = client.get(f"/persons/{p.id}/edit").text
    assert 'name="identities.ethnicity"' in form and 'value="Yazidi"' in form
    assert "Ethnicity (no longer offered)" in form
    assert 'name="contact.signal"' in form and 'value="@ali"' in form
    shown = {k: re.search(rf'name="{k}" value="([0-9a-f]+)"', form)
             for k in ("identities_shown", "contact_shown")}
    sent = {
        "names[0].value": p.secret, "names[0].script": "Latn", "names[0].kind": "full",
        "tlp": "AMBER", "notes": "only the notes changed",
        "identities.ethnicity": "Yazidi", "identities.religion": "Ezidi",
        "contact.phone": "+963 11 555", "contact.signal": "@ali",
        **{k: m.group(1) for k, m in shown.items() if m},
    }
    assert len(sent) == 11
    done = client.submit(f"/persons/{p.id}/edit", sent)
    assert done.status_code == 303, done.text
    stored = _stored(db, p.id)
    assert stored.notes == "only the notes changed"
    assert stored.identities == {"ethnicity": "Yazidi", "religion": "Ezidi"}
    assert stored.contact == {"phone": "+963 11 555", "signal": "@ali"}

    # A changed contact is saved with every key; the retired kind is still kept.
    done = client.submit(f"/persons/{p.id}/edit", {**sent, "contact.signal": "@ali2"})
    assert done.status_code == 303, done.text
    stored = _stored(db, p.id)
    assert stored.contact == {"phone": "+963 11 555", "signal": "@ali2"}
    assert stored.identities == {"ethnicity": "Yazidi", "religion": "Ezidi"}


def test_identity_kinds_the_form_does_not_offer_are_refused_by_their_field(
    browser: Make, db: Database
) -> None:
    client = browser(Role.DOCUMENTER)
    sent = {"names[0].value": "Rania Saleh", "tlp": "AMBER", "identities.caste": "x",
            "identities.religion": "Ezidi"}
    refused = client.submit("/persons/new", sent)
    assert refused.status_code == 422 and count(db, Person) == 0
    assert 'id="identities.caste-error"' in refused.text and "unknown identity kind" in refused.text
    assert 'value="x"' in refused.text  # shown again, to correct or empty
    done = client.submit("/persons/new", {**sent, "identities.caste": ""})
    assert done.status_code == 303
    with db.session() as s:
        assert s.scalars(select(Person.identities)).one() == {"religion": "Ezidi"}


def test_name_rows_past_the_form_are_saved_or_refused_never_dropped(
    browser: Make, db: Database
) -> None:
    client = browser(Role.DOCUMENTER)
    far = client.submit("/persons/new", {"names[0].value": "Adel Nasser",
                                         "names[77].value": "عادل ناصر", "tlp": "AMBER"})
    assert far.status_code == 303
    with db.session() as s:
        person = s.scalars(select(Person)).one()
        assert sorted(n.value for n in person.names) == sorted(["Adel Nasser", "عادل ناصر"])
    many = {f"names[{i}].value": f"Name number {i}" for i in range(52)}
    refused = client.submit("/persons/new", {**many, "tlp": "AMBER"})
    assert refused.status_code == 422 and count(db, Person) == 1
    assert 'id="names-error"' in refused.text and "at most 50" in refused.text
    assert 'value="Name number 51"' in refused.text
    odd = client.submit("/persons/new", {"names[0].value": "Adel", "names[0].nick": "Abu Ali"})
    assert odd.status_code == 422 and count(db, Person) == 1
    assert "names[0].nick" in odd.text and "Extra inputs are not permitted" in odd.text


def test_withdrawing_a_consent_above_clearance_never_names_the_person(
    browser: Make, seed: Seeder
) -> None:
    hidden = seed.person("RED")
    consent_id = seed.consent("RED", person_id=hidden.id).id
    client = browser(Role.DOCUMENTER)
    empty = client.submit(f"/consents/{consent_id}/withdraw", {"reason": ""})
    assert empty.status_code == 303 and empty.headers["location"] == "/persons"
    assert hidden.id not in empty.text
    page = client.get("/persons")
    assert "withdrawal was not recorded" in page.text and hidden.id not in page.text
    done = client.submit(f"/consents/{consent_id}/withdraw", {"reason": "Asked by phone"})
    assert done.status_code == 303 and done.headers["location"] == "/persons"
    assert "Consent withdrawn." in client.get("/persons").text
    again = client.submit(f"/consents/{consent_id}/withdraw", {"reason": "twice"})
    assert again.headers["location"] == "/persons" and hidden.id not in again.text
    assert "already withdrawn" in client.get("/persons").text
    with seed.db.session() as s:
        stored = s.get(Consent, consent_id)
        assert stored is not None and stored.withdrawn_reason == "Asked by phone"
