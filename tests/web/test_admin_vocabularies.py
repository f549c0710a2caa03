"""Administration of vocabularies: who may reach it, adding a term, translating and retiring."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from page_client import Browser
from tocsin.cases.models import VocabularyTerm
from tocsin.core.db import Database
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role

Make = Callable[..., Browser]
VOCAB = "act_type"


def _term(db: Database, code: str) -> VocabularyTerm | None:
    with db.session() as s:
        term = s.scalar(select(VocabularyTerm).where(
            VocabularyTerm.vocabulary == VOCAB, VocabularyTerm.code == code))
        if term is not None:
            s.expunge(term)
        return term


@pytest.mark.parametrize("role", [Role.ANALYST, Role.DOCUMENTER, Role.PARTNER_VIEWER])
def test_only_vocabulary_managers_reach_the_pages(browser: Make, db: Database, role: Role
                                                  ) -> None:
    client = browser(role)
    for url in ("/admin", "/admin/vocabularies", f"/admin/vocabularies/{VOCAB}"):
        assert client.get(url).status_code == 403, url
    refused = client.submit(f"/admin/vocabularies/{VOCAB}/terms",
                            {"code": "sneaky", "labels.en": "Sneaky"})
    assert refused.status_code == 403
    assert client.submit(f"/admin/vocabularies/{VOCAB}/terms/killing/active",
                         {"active": "false"}).status_code == 403
    assert _term(db, "sneaky") is None
    killing = _term(db, "killing")
    assert killing is not None and killing.active


def test_vocabularies_are_listed_with_their_term_counts(browser: Make, db: Database) -> None:
    with db.session() as s:
        total = len(s.scalars(select(VocabularyTerm.id).where(
            VocabularyTerm.vocabulary == VOCAB)).all())
    page = browser(Role.COORDINATOR).get("/admin/vocabularies")
    assert page.status_code == 200
    row = page.text.split(f'href="/admin/vocabularies/{VOCAB}"')[1].split("</tr>")[0]
    assert f'<td class="num">{total}</td>' in row
    assert browser(Role.COORDINATOR).get("/admin/vocabularies/no_such_list").status_code == 404


def test_a_term_is_added_then_translated_into_arabic(browser: Make, db: Database) -> None:
    client = browser(Role.COORDINATOR, "words@pages.example.org")
    added = client.submit(f"/admin/vocabularies/{VOCAB}/terms", {
        "code": "drone_strike", "parent": "killing", "labels.en": "Drone strike",
        "labels.fr": "", "labels.ar": "", "descriptions.en": "An attack by an unmanned aircraft.",
    })
    assert added.status_code == 303, added.text
    page = client.get(f"/admin/vocabularies/{VOCAB}")
    row = page.text.split('id="term-drone_strike"')[1].split("</tr>")[0]
    assert "Drone strike" in row and row.count('class="missing"') == 2  # fr and ar flagged
    assert "drone_strike" in client.get(f"/admin/vocabularies/{VOCAB}?missing=1").text

    form = client.get(f"/admin/vocabularies/{VOCAB}?edit=drone_strike")
    assert 'value="Drone strike"' in form.text
    saved = client.submit(f"/admin/vocabularies/{VOCAB}/terms/drone_strike", {
        "labels.en": "Drone strike", "labels.fr": "Frappe de drone",
        "labels.ar": "غارة بطائرة مسيّرة", "descriptions.en": "",
    })
    assert saved.status_code == 303
    row = client.get(f"/admin/vocabularies/{VOCAB}").text.split(
        'id="term-drone_strike"')[1].split("</tr>")[0]
    assert '<td lang="ar" dir="rtl">غارة بطائرة مسيّرة</td>' in row and "missing" not in row
    term = _term(db, "drone_strike")
    assert term is not None and term.parent == "killing"
    assert term.descriptions == {"en": "An attack by an unmanned aircraft."}  # blank kept it
    with db.session() as s:
        actions = s.scalars(select(AuditEntry.action).where(
            AuditEntry.entity_type == "vocabulary_term",
            AuditEntry.entity_id == f"{VOCAB}:drone_strike").order_by(AuditEntry.id)).all()
    assert actions == ["create", "update"]


def test_a_refused_term_keeps_what_was_typed(browser: Make, db: Database) -> None:
    client = browser(Role.ADMIN)
    bad = client.submit(f"/admin/vocabularies/{VOCAB}/terms", {
        "code": "9lives", "labels.en": "Nine lives", "labels.ar": "تسعة أرواح"})
    assert bad.status_code == 422 and 'id="code-error"' in bad.text
    assert 'value="9lives"' in bad.text and 'value="تسعة أرواح"' in bad.text
    no_english = client.submit(f"/admin/vocabularies/{VOCAB}/terms", {
        "code": "nameless", "labels.fr": "Sans nom"})
    assert no_english.status_code == 422 and 'id="labels.en-error"' in no_english.text
    assert 'value="Sans nom"' in no_english.text
    taken = client.submit(f"/admin/vocabularies/{VOCAB}/terms", {
        "code": "killing", "labels.en": "Again"})
    assert taken.status_code == 422 and 'id="code-error"' in taken.text
    too_long = client.submit(f"/admin/vocabularies/{VOCAB}/terms/killing",
                             {"labels.fr": "x" * 201})
    assert too_long.status_code == 422 and 'id="labels.fr-error"' in too_long.text
    assert _term(db, "9lives") is None and _term(db, "nameless") is None


def test_a_term_is_retired_and_brought_back(browser: Make, db: Database) -> None:
    client = browser(Role.ADMIN)
    assert client.submit(f"/admin/vocabularies/{VOCAB}/terms/killing/active",
                         {"active": "false"}).status_code == 303
    term = _term(db, "killing")
    assert term is not None and not term.active
    assert client.submit(f"/admin/vocabularies/{VOCAB}/terms/killing/active",
                         {"active": "true"}).status_code == 303
    term = _term(db, "killing")
    assert term is not None and term.active


def test_vocabulary_forms_without_the_csrf_token_are_refused(browser: Make, db: Database
                                                            ) -> None:
    client = browser(Role.ADMIN)
    forged = client.post(f"/admin/vocabularies/{VOCAB}/terms",
                         data={"code": "forged", "labels.en": "Forged"})
    assert forged.status_code == 403
    assert _term(db, "forged") is None
