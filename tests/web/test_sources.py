"""Source pages: list and grade filters, grades in words, visible links only, forms."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from page_client import Browser
from seeding import Seeder
from tocsin.cases import sources
from tocsin.cases.models import Source
from tocsin.cases.schemas import SourceLinkIn
from tocsin.core.roles import Role

Make = Callable[..., Browser]


def count(seed: Seeder) -> int:
    with seed.db.session() as s:
        return s.scalar(select(func.count()).select_from(Source)) or 0


def link(seed: Seeder, source_id: str, kind: str, target_id: str) -> None:
    with seed.db.session() as s:
        sources.link(s, seed.actor, source_id, SourceLinkIn(target_type=kind, target_id=target_id))


def test_list_filters_by_type_and_grades_and_paginates(browser: Make, seed: Seeder) -> None:
    weak = [seed.source(source_type="media", reliability="E", credibility=5) for _ in range(26)]
    good = seed.source(source_type="interview", reliability="B", credibility=2)
    client = browser(Role.ANALYST)
    media = client.get("/sources?source_type=media")
    assert "26 results" in media.text and good.secret not in media.text
    more = client.get("/sources?source_type=media&page=2")
    assert sum(w.secret in media.text + more.text for w in weak) == 26
    graded = client.get("/sources?reliability=B&max_credibility=3&source_type=")
    assert good.secret in graded.text and weak[0].secret not in graded.text
    assert good.secret in client.get("/sources", params={"q": good.secret[-6:]}).text


def test_partner_viewer_gets_404_for_a_red_source(browser: Make, seed: Seeder) -> None:
    red = seed.source("RED")
    partner = browser(Role.PARTNER_VIEWER)
    page = partner.get(f"/sources/{red.id}")
    assert page.status_code == 404 and red.secret not in page.text
    assert red.secret not in partner.get("/sources").text
    assert partner.get("/sources/new").status_code == 403
    assert partner.submit("/sources/new", {"title": "x", "source_type": "media"}).status_code == 403
    assert count(seed) == 1


def test_page_explains_grades_and_shows_only_visible_links(browser: Make, seed: Seeder) -> None:
    src = seed.source("GREEN", reliability="B", credibility=3)
    seen, hidden = seed.event("GREEN"), seed.event("RED")
    link(seed, src.id, "event", seen.id)
    link(seed, src.id, "event", hidden.id)
    page = browser(Role.PARTNER_VIEWER).get(f"/sources/{src.id}").text
    assert "B3" in page and "Usually reliable" in page and "Possibly true" in page
    assert seen.secret in page and f'href="/events/{seen.id}"' in page
    assert hidden.secret not in page and hidden.id not in page


def test_create_rejected_then_saved_and_edited(browser: Make, seed: Seeder) -> None:
    client = browser(Role.DOCUMENTER)
    bad = client.submit("/sources/new", {
        "title": "Interview with a nurse", "source_type": "", "reliability": "C",
        "credibility": "2", "obtained_on": "not a date",
    })
    assert bad.status_code == 422 and count(seed) == 0
    assert 'id="source_type-error"' in bad.text and 'id="obtained_on-error"' in bad.text
    assert 'value="Interview with a nurse"' in bad.text
    assert '<option value="C" selected>' in bad.text
    done = client.submit("/sources/new", {
        "title": "Interview with a nurse", "source_type": "interview", "reliability": "C",
        "credibility": "2", "obtained_on": "2024-02-03", "tlp": "AMBER",
    })
    assert done.status_code == 303
    url = done.headers["location"]
    assert "C2" in client.get(url).text
    edited = client.submit(f"{url}/edit", {
        "title": "Interview with a nurse", "source_type": "interview", "reliability": "A",
        "credibility": "1", "tlp": "AMBER",
    })
    assert edited.status_code == 303
    page = client.get(url).text
    assert "A1" in page and "Completely reliable" in page and "Confirmed by other sources" in page
