"""The library's pages: search with filters (and its htmx partial), what a partner may not see,
a document's tree and history, and importing a document through the form."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest

from page_client import Browser
from seeding import Seeder
from tocsin.core.roles import Role
from tocsin.library import parse_text
from tocsin.library.store import correct_labels, get_node, import_document, list_documents

Make = Callable[..., Browser]
PLAN = """Plan of action

1. States should establish national early warning systems for atrocity crimes.
2. Regional organisations should fund community mediation between herders and farmers.
3. Courts should prosecute hate speech that incites violence against minorities.
"""
COMMITMENTS = """Commitments

1. We will establish a national early warning system for atrocity crimes by 2026.
2. We will protect heritage sites and museums from looting.
"""
SECRET = """Internal notes

1. Quietly brief the mediators on early warning signals from the valley.
"""


@pytest.fixture(autouse=True)
def _no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")  # the rule layer: fast and deterministic


@pytest.fixture
def library(seed: Seeder) -> dict[str, str]:
    """Three small documents (one AMBER); reference -> node id of their first paragraphs. The
    themes of the three early-warning paragraphs are set by hand, so filters have a known answer."""
    with seed.db.session() as s:
        for text, name, tlp in ((PLAN, "plan-a", "CLEAR"), (COMMITMENTS, "commit-b", "CLEAR"),
                                (SECRET, "secret-c", "AMBER")):  # fmt: skip
            import_document(s, seed.actor, parse_text(text, f"{name}.txt"), name, tlp=tlp)
        correct_labels(s, seed.actor, "plan-a/-/-/1", "theme", ["early_warning"])
        correct_labels(s, seed.actor, "commit-b/-/-/1", "theme", ["governance_rule_of_law"])
        correct_labels(s, seed.actor, "secret-c/-/-/1", "theme", ["peace_operations"])
        refs = ("plan-a/-/-/1", "plan-a/-/-/2", "commit-b/-/-/1", "secret-c/-/-/1")
        return {r: get_node(s, seed.actor, r).id for r in refs}


def shown_refs(html: str) -> list[str]:
    return re.findall(r'class="lib-ref"><code>([^<]+)</code>', html)


@pytest.mark.both_databases  # full-text search is each database's own
def test_search_finds_the_paragraph_and_filters_narrow_it(
    browser: Make, library: dict[str, str]
) -> None:
    analyst = browser(Role.ANALYST)
    page = analyst.get("/library", params={"q": "early warning"})
    assert page.status_code == 200
    found = shown_refs(page.text)
    assert {"plan-a/-/-/1", "commit-b/-/-/1", "secret-c/-/-/1"} <= set(found)
    assert "plan-a/-/-/2" not in found
    assert "<mark>early</mark>" in page.text.lower()  # the words found are marked in the snippet
    assert f'href="/library/nodes/{library["plan-a/-/-/1"]}"' in page.text
    # A filter by document, then by theme (labels in words, never codes).
    by_doc = shown_refs(analyst.get("/library", params={"q": "early warning",
                                                        "document": "commit-b"}).text)  # fmt: skip
    assert by_doc == ["commit-b/-/-/1"]
    by_theme = analyst.get("/library", params={"q": "early warning", "theme": "early_warning"})
    assert shown_refs(by_theme.text) == ["plan-a/-/-/1"]
    assert "Early warning" in by_theme.text and ">early_warning<" not in by_theme.text
    # htmx asks for the results alone; the form stays where it is.
    partial = analyst.get("/library", params={"q": "mediation"},
                          headers={"HX-Request": "true", "HX-Target": "results"})  # fmt: skip
    assert shown_refs(partial.text) == ["plan-a/-/-/2"] and "<form" not in partial.text
    # A code the taxonomy does not know is named next to its field, not a failure.
    bad = analyst.get("/library", params={"q": "early", "actor": "bogus"})
    assert bad.status_code == 422 and 'id="actor-error"' in bad.text
    assert shown_refs(bad.text) == []


@pytest.mark.both_databases  # the sharing-level filter inside the search
def test_a_partner_sees_public_documents_only(browser: Make, library: dict[str, str]) -> None:
    partner, analyst = browser(Role.PARTNER_VIEWER), browser(Role.ANALYST)
    home = partner.get("/library").text
    assert "/library/documents/plan-a" in home and "secret-c" not in home
    assert "/library/import" not in home  # importing is for curators
    assert "secret-c/-/-/1" not in partner.get("/library", params={"q": "quietly"}).text
    assert partner.get("/library/documents/secret-c").status_code == 404
    assert partner.get(f"/library/nodes/{library['secret-c/-/-/1']}").status_code == 404
    assert "Quietly brief" not in partner.get(f"/library/nodes/{library['secret-c/-/-/1']}").text
    assert analyst.get("/library/documents/secret-c").status_code == 200
    assert "/library/documents/secret-c" in analyst.get("/library").text


def test_a_document_shows_its_tree_labels_and_history(
    browser: Make, library: dict[str, str]
) -> None:
    page = browser(Role.PARTNER_VIEWER).get("/library/documents/plan-a")
    assert page.status_code == 200
    text = unescape(page.text)
    assert shown_refs(page.text) == ["plan-a/-/-/1", "plan-a/-/-/2", "plan-a/-/-/3"]
    assert "Courts should prosecute hate speech" in text
    assert "Early warning" in text  # the analyst's theme, as a badge in words
    assert 'class="lib-label lib-theme lib-analyst"' in page.text
    history = text[text.index('id="history-title"') :]
    assert "plan-a.txt" in history and "a team member" in history  # no names for partners


def test_importing_through_the_form_shows_the_report(browser: Make, seed: Seeder) -> None:
    analyst = browser(Role.ANALYST)
    assert "Import a document" in analyst.get("/library/import").text
    first = post_import(analyst, PLAN.encode(), "plan.txt", slug="new-plan", title="New plan")
    assert first.status_code == 200, first.text
    assert "Import report" in first.text and "new-plan/-/-/3" in first.text
    with seed.db.session() as s:
        assert [(d.slug, d.title, d.items) for d in list_documents(s, seed.actor)] == [
            ("new-plan", "New plan", 3)
        ]
    # A new edition: one paragraph reworded, one dropped; the report says which.
    edition = PLAN.replace("herders and farmers", "farmers and herders").replace(
        "3. Courts should prosecute hate speech that incites violence against minorities.\n", ""
    )
    again = post_import(analyst, edition.encode(), "plan.txt", slug="new-plan")
    assert again.status_code == 200
    report = unescape(again.text)
    changed = report[report.index('id="updated-title"') : report.index('id="retired-title"')]
    dropped = report[report.index('id="retired-title"') : report.index('id="remarks-title"')]
    assert "new-plan/-/-/2" in changed and "new-plan/-/-/3" in dropped


def test_a_refused_import_keeps_the_values_and_names_the_field(browser: Make, seed: Seeder) -> None:
    analyst = browser(Role.ANALYST)
    binary = post_import(analyst, bytes(range(256)) * 4, "plan.txt", slug="kept-slug",
                         title="Kept title")  # fmt: skip
    assert binary.status_code == 422
    assert 'id="file-error"' in binary.text and 'value="kept-slug"' in binary.text
    assert 'value="Kept title"' in binary.text
    bad_slug = post_import(analyst, PLAN.encode(), "plan.txt", slug="Not a slug!")
    assert bad_slug.status_code == 422 and 'id="slug-error"' in bad_slug.text
    assert 'value="Not a slug!"' in bad_slug.text
    none = post_import(analyst, None, "", slug="x")
    assert none.status_code == 422 and 'id="file-error"' in none.text
    with seed.db.session() as s:
        assert list_documents(s, seed.actor) == []


def test_only_curators_import(browser: Make, seed: Seeder) -> None:
    documenter, partner = browser(Role.DOCUMENTER), browser(Role.PARTNER_VIEWER)
    assert partner.get("/library/import").status_code == 403
    assert post_import(documenter, PLAN.encode(), "plan.txt", slug="forged").status_code == 403
    with seed.db.session() as s:
        assert list_documents(s, seed.actor) == []


def post_import(client: Browser, data: bytes | None, name: str, **fields: str) -> object:
    files = {"file": (name, data or b"", "text/plain")}
    return client.post("/library/import", data={"csrf": client.csrf, **fields}, files=files,
                       follow_redirects=False)  # fmt: skip


def test_the_labels_read_in_the_readers_language(browser: Make) -> None:
    reader = browser(Role.ANALYST)
    reader.cookies.set("tocsin_lang", "fr")
    page = reader.get("/library").text
    assert "Protection des civils" in page and "Protection of civilians" not in page
    reader.cookies.set("tocsin_lang", "ar")
    assert "حماية المدنيين" in reader.get("/library").text
