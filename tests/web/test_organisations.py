"""Organisation pages: list and filters, hierarchy, acts attributed, forms and loops refused."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from page_client import Browser
from seeding import Seeder
from tocsin.cases.models import Organisation
from tocsin.core.roles import Role

Make = Callable[..., Browser]


def count(seed: Seeder) -> int:
    with seed.db.session() as s:
        return s.scalar(select(func.count()).select_from(Organisation)) or 0


def test_list_searches_filters_by_kind_and_paginates(browser: Make, seed: Seeder) -> None:
    groups = [seed.organisation(kind="armed_group") for _ in range(26)]
    ngo = seed.organisation(kind="ngo", description="documents detention in Idlib")
    client = browser(Role.ANALYST)
    first = client.get("/organisations?kind=armed_group")
    assert "26 results" in first.text and ngo.secret not in first.text
    second = client.get("/organisations?kind=armed_group&page=2")
    assert sum(g.secret in first.text + second.text for g in groups) == 26
    found = client.get("/organisations", params={"q": "idlib"})
    assert ngo.secret in found.text and groups[0].secret not in found.text


def test_partner_viewer_gets_404_for_a_red_organisation(browser: Make, seed: Seeder) -> None:
    top = seed.organisation("GREEN")
    red = seed.organisation("RED", parent_id=top.id)
    partner = browser(Role.PARTNER_VIEWER)
    page = partner.get(f"/organisations/{red.id}")
    assert page.status_code == 404 and red.secret not in page.text
    assert red.secret not in partner.get("/organisations").text
    shown = partner.get(f"/organisations/{top.id}")  # nor among the units of its parent
    assert top.secret in shown.text and red.secret not in shown.text and "/edit" not in shown.text
    assert partner.get(f"/organisations/{top.id}/edit").status_code == 403
    refused = partner.submit("/organisations/new", {"name": "X", "kind": "ngo"})
    assert refused.status_code == 403 and count(seed) == 2


def test_page_shows_chain_units_and_acts_of_units(browser: Make, seed: Seeder) -> None:
    army = seed.organisation(kind="armed_force")
    division = seed.organisation(kind="unit", parent_id=army.id)
    brigade = seed.organisation(kind="unit", parent_id=division.id)
    event = seed.event("GREEN")
    seed.act("GREEN", event_id=event.id, perpetrators=[{"organisation_id": brigade.id}])
    hidden = seed.event("RED")
    seed.act("RED", event_id=hidden.id, perpetrators=[{"organisation_id": brigade.id}])
    client = browser(Role.PARTNER_VIEWER)
    page = client.get(f"/organisations/{division.id}").text
    assert f'href="/organisations/{army.id}"' in page  # the chain up
    assert f'href="/organisations/{brigade.id}"' in page  # the units below
    assert f'href="/events/{event.id}"' in page and event.secret in page  # acts of its units
    assert hidden.secret not in page and hidden.id not in page
    top = client.get(f"/organisations/{army.id}").text
    assert brigade.secret in top and event.secret in top  # nested two levels down


def test_create_edit_and_a_loop_refused_with_a_message(browser: Make, seed: Seeder) -> None:
    client = browser(Role.DOCUMENTER)
    made = client.submit("/organisations/new", {
        "name": "الفرقة الرابعة", "kind": "armed_force", "aliases": "4th Division\nFourth",
        "tlp": "GREEN",
    })
    assert made.status_code == 303
    parent_id = made.headers["location"].rsplit("/", 1)[1]
    unit = client.submit("/organisations/new", {
        "name": "Unit 7", "kind": "unit", "parent_id": parent_id, "tlp": "GREEN",
    })
    unit_id = unit.headers["location"].rsplit("/", 1)[1]
    page = client.get(f"/organisations/{parent_id}")
    assert "Organisation saved." in page.text and "Fourth" in page.text and "Unit 7" in page.text
    loop = client.submit(f"/organisations/{parent_id}/edit", {
        "name": "الفرقة الرابعة renamed", "kind": "armed_force", "parent_id": unit_id,
        "tlp": "GREEN",
    })
    assert loop.status_code == 422 and 'id="parent_id-error"' in loop.text
    assert "would make the hierarchy a loop" in loop.text
    assert 'value="الفرقة الرابعة renamed"' in loop.text  # nothing typed is lost
    with seed.db.session() as s:
        stored = s.get(Organisation, parent_id)
        assert stored is not None and stored.parent_id is None and stored.name == "الفرقة الرابعة"
    blank = client.submit("/organisations/new", {"name": "", "kind": "", "description": "kept"})
    assert blank.status_code == 422 and 'id="name-error"' in blank.text and "kept" in blank.text
    assert count(seed) == 2
