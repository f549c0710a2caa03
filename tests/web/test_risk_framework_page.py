"""The risk framework page: factors by category with their indicators, in the reader's language
with English where a text is not translated; an organisation's own indicator added by those
who manage vocabularies, and by no one else."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest

from page_client import Browser
from seeding import Seeder
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.risk.framework import ensure_framework, get_framework

Make = Callable[..., Browser]


@pytest.fixture(autouse=True)
def _framework(db: Database) -> None:
    with db.session() as s:
        ensure_framework(s)


def test_factors_by_category_with_their_indicators(browser: Make, seed: Seeder) -> None:
    with seed.db.session() as s:
        framework = get_framework(s, seed.actor)
    page = unescape(browser(Role.PARTNER_VIEWER).get("/risk/framework").text)
    headings = re.findall(r'<h2 id="category-([a-z_]+)">', page)
    assert headings == ["common", "genocide", "crimes_against_humanity", "war_crimes"]
    for factor in framework.factors:
        section = page[page.index(f'id="{factor.code}-title"') :]
        assert section.index(factor.name) < 200
        for indicator in factor.indicators:
            assert f'<li id="{indicator.code}">' in page and indicator.text in page
    # RF9 (genocide) comes under its category, after every common factor.
    assert page.index('id="category-genocide"') < page.index('id="RF9-title"')
    assert page.index('id="RF8-title"') < page.index('id="category-genocide"')
    assert 'action="/risk/framework/indicators' not in page


def test_in_french_with_english_where_untranslated(browser: Make, seed: Seeder) -> None:
    english_only = "Checkpoints ask travellers for their tribe before letting them pass."
    coordinator = browser(Role.COORDINATOR)
    coordinator.submit("/risk/framework/indicators", {"factor": "RF9", "text": english_only})
    client = browser(Role.ANALYST)
    client.cookies.set("tocsin_lang", "fr")
    page = unescape(client.get("/risk/framework").text)
    assert "Conflit armé ou autre forme d'instabilité grave" in page
    assert "Armed conflict or other serious instability" not in page
    assert english_only in page


def test_a_coordinator_adds_a_local_indicator(browser: Make, seed: Seeder) -> None:
    coordinator = browser(Role.COORDINATOR)
    assert 'action="/risk/framework/indicators' in coordinator.get("/risk/framework").text
    refused = coordinator.submit("/risk/framework/indicators", {
        "factor": "RF3", "text": "Short", "translations.fr": "Trop court"})
    assert refused.status_code == 422 and 'id="text-error"' in refused.text
    assert "Trop court</textarea>" in refused.text
    assert '<option value="RF3" selected>' in refused.text
    done = coordinator.submit("/risk/framework/indicators", {
        "factor": "RF3", "text": "Local courts stop sitting in the district for a month or more.",
        "translations.fr": "Les tribunaux locaux cessent de siéger.", "translations.ar": ""})
    assert done.status_code == 303 and done.headers["location"] == "/risk/framework#RF3.L1"
    page = unescape(coordinator.get("/risk/framework").text)
    assert '<li id="RF3.L1">' in page and "Local courts stop sitting" in page
    french = browser(Role.ANALYST)
    french.cookies.set("tocsin_lang", "fr")
    assert "Les tribunaux locaux cessent de siéger." in unescape(french.get("/risk/framework").text)


def test_analysts_may_not_add_indicators(browser: Make, seed: Seeder) -> None:
    analyst = browser(Role.ANALYST)
    assert 'action="/risk/framework/indicators' not in analyst.get("/risk/framework").text
    refused = analyst.submit("/risk/framework/indicators", {
        "factor": "RF3", "text": "Local courts stop sitting in the district."})
    assert refused.status_code == 403
    assert "RF3.L1" not in analyst.get("/risk/framework").text
