"""A paragraph's page: labels corrected through the form (kept, shown, refused when wrong),
links made with the picker and shown at both ends, suggestions confirmed or rejected, and who
may do what."""

from __future__ import annotations

from collections.abc import Callable
from html import unescape

import pytest

from page_client import Browser
from seeding import Seeder
from tocsin.core.roles import Role
from tocsin.library import parse_text
from tocsin.library.store import get_node, import_document

Make = Callable[..., Browser]
RECOMMENDATIONS = """Recommendations

1. States should establish national early warning systems for atrocity crimes.
2. States should protect cultural heritage sites from looting during armed conflict.
"""
COMMITMENTS = """Commitments

1. We will establish a national early warning system for atrocity crimes by 2026.
2. We will train judges in the law of war crimes.
"""
SECRET = """Internal notes

1. Quietly brief the mediators on early warning signals from the valley.
"""


@pytest.fixture(autouse=True)
def _no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")  # suggestions by shared words: deterministic


@pytest.fixture
def ids(seed: Seeder) -> dict[str, str]:
    """reference -> node id"""
    with seed.db.session() as s:
        documents = ((RECOMMENDATIONS, "recs", "CLEAR"), (COMMITMENTS, "pledges", "CLEAR"),
                     (SECRET, "secret", "AMBER"))  # fmt: skip
        for text, name, tlp in documents:
            import_document(s, seed.actor, parse_text(text, f"{name}.txt"), name, tlp=tlp)
        refs = ("recs/-/-/1", "recs/-/-/2", "pledges/-/-/1", "pledges/-/-/2", "secret/-/-/1")
        return {r: get_node(s, seed.actor, r).id for r in refs}


def node(seed: Seeder, node_id: str) -> object:
    with seed.db.session() as s:
        return get_node(s, seed.actor, node_id)


def section(html: str, start: str, end: str) -> str:
    text = unescape(html)
    return text[text.index(start) : text.index(end)]


def test_a_correction_is_stored_shown_and_kept(browser: Make, seed: Seeder,
                                               ids: dict[str, str]) -> None:  # fmt: skip
    analyst = browser(Role.ANALYST)
    url = f"/library/nodes/{ids['recs/-/-/2']}"
    done = analyst.submit(
        f"{url}/labels/theme",
        {"labels.cultural_heritage": "on", "labels.children": "on", "note": "museums too"},
    )
    assert done.status_code == 303 and done.headers["location"].startswith(url)
    stored = node(seed, ids["recs/-/-/2"])
    assert [(x.label, x.source) for x in stored.labels["theme"]] == [  # type: ignore[attr-defined]
        ("children", "analyst"),
        ("cultural_heritage", "analyst"),
    ]
    page = analyst.get(url).text
    history = section(page, 'id="corrections-title"', 'id="links-title"')
    assert "museums too" in history and "Cultural heritage" in history and "analyst." in history
    # Sphere takes exactly one label: none is refused next to the form, and nothing is stored.
    refused = analyst.submit(f"{url}/labels/sphere", {"note": "unsure"})
    assert refused.status_code == 422 and 'id="sphere-labels-error"' in refused.text
    assert 'value="unsure"' in refused.text
    assert len(node(seed, ids["recs/-/-/2"]).corrections) == 1  # type: ignore[attr-defined]


def test_a_link_made_with_the_picker_shows_on_both_paragraphs(
    browser: Make, seed: Seeder, ids: dict[str, str]
) -> None:
    analyst = browser(Role.ANALYST)
    source, target = ids["pledges/-/-/1"], ids["recs/-/-/1"]
    # Without script: a page of matches, each a "link here" button of the link form.
    picker = analyst.get(f"/library/nodes/{source}/link", params={"q": "early warning"})
    assert picker.status_code == 200 and f'name="to_node" value="{target}"' in picker.text
    assert f'name="to_node" value="{source}"' not in picker.text  # not itself
    # htmx asks for the matches alone, to put inside the form on the paragraph's page.
    partial = analyst.get(
        f"/library/nodes/{source}/link",
        params={"q": "early warning"},
        headers={"HX-Request": "true", "HX-Target": "pick-results"},
    )
    assert f'value="{target}"' in partial.text and "<form" not in partial.text
    made = analyst.submit(
        f"/library/nodes/{source}/links",
        {"to_node": target, "kind": "implements", "note": "pledge 1 answers"},
    )
    assert made.status_code == 303
    here = section(analyst.get(f"/library/nodes/{source}").text, 'id="links-title"',
                   'id="suggestions"')  # fmt: skip
    there = section(analyst.get(f"/library/nodes/{target}").text, 'id="links-title"',
                    'id="suggestions"')  # fmt: skip
    assert "This paragraph implements" in here and "recs/-/-/1" in here
    assert "This paragraph is implemented by" in there and "pledges/-/-/1" in there
    assert "pledge 1 answers" in here and "pledge 1 answers" in there
    # Withdrawn, it leaves both lists and is kept as rejected.
    link_id = node(seed, source).links[0].id  # type: ignore[attr-defined]
    assert analyst.submit(f"/library/nodes/{target}/links/{link_id}/reject", {}).status_code == 303
    assert node(seed, source).links[0].status == "rejected"  # type: ignore[attr-defined]
    here = section(analyst.get(f"/library/nodes/{source}").text, 'id="links-title"',
                   'id="suggestions"')  # fmt: skip
    assert "This paragraph implements" not in here


def test_a_bad_link_is_refused_next_to_the_field(browser: Make, ids: dict[str, str]) -> None:
    analyst = browser(Role.ANALYST)
    url = f"/library/nodes/{ids['pledges/-/-/1']}/links"
    to_itself = analyst.submit(url, {"to_reference": "pledges/-/-/1", "kind": "refers_to",
                                     "note": "kept note"})  # fmt: skip
    assert to_itself.status_code == 422 and 'id="link-to_reference-error"' in to_itself.text
    assert 'value="kept note"' in to_itself.text and 'value="pledges/-/-/1"' in to_itself.text
    nothing = analyst.submit(url, {"kind": "refers_to"})
    assert nothing.status_code == 422 and 'id="link-to_reference-error"' in nothing.text
    hidden = analyst.submit(url, {"to_reference": "secret/-/-/1x"})
    assert hidden.status_code == 422


def test_suggestions_are_confirmed_or_rejected(
    browser: Make, seed: Seeder, ids: dict[str, str]
) -> None:
    analyst = browser(Role.ANALYST)
    source = ids["pledges/-/-/1"]
    url = f"/library/nodes/{source}"
    assert analyst.submit(f"{url}/suggestions", {}).status_code == 303
    waiting = node(seed, source).links  # type: ignore[attr-defined]
    assert ids["recs/-/-/1"] in [x.to_node.id for x in waiting]
    assert all(x.status == "suggested" for x in waiting)
    page = analyst.get(url).text
    suggested = section(page, 'id="suggestions"', 'id="link-title"')
    assert "recs/-/-/1" in suggested and "/confirm" in page
    first = next(x for x in waiting if x.to_node.id == ids["recs/-/-/1"])
    others = [x for x in waiting if x.id != first.id]
    assert analyst.submit(f"{url}/links/{first.id}/reject", {}).status_code == 303
    suggested = section(analyst.get(url).text, 'id="suggestions"', 'id="link-title"')
    assert "recs/-/-/1" not in suggested.split("Rejected suggestions")[0]
    assert "recs/-/-/1" in suggested.split("Rejected suggestions")[1]  # kept as rejected
    assert others, "the shared words find more than one paragraph"
    done = analyst.submit(f"{url}/links/{others[0].id}/confirm", {"kind": "follows_up"})
    assert done.status_code == 303
    kinds = {x.id: (x.status, x.kind) for x in node(seed, source).links}  # type: ignore[attr-defined]
    assert kinds[first.id][0] == "rejected"
    assert kinds[others[0].id] == ("confirmed", "follows_up")
    here = section(analyst.get(url).text, 'id="links-title"', 'id="suggestions"')
    assert "This paragraph follows up" in here


def test_the_wrong_role_is_refused_and_a_partner_sees_no_protected_paragraph(
    browser: Make, seed: Seeder, ids: dict[str, str]
) -> None:
    documenter, partner = browser(Role.DOCUMENTER), browser(Role.PARTNER_VIEWER)
    url = f"/library/nodes/{ids['recs/-/-/1']}"
    page = documenter.get(url).text
    assert "/labels/" not in page and "/suggestions" not in page and "Link here" not in page
    assert "/response/commitments/new" not in page  # recording commitments needs RESPOND
    for post, data in ((f"{url}/labels/theme", {"labels.children": "on"}),
                       (f"{url}/links", {"to_node": ids["pledges/-/-/1"]}),
                       (f"{url}/suggestions", {})):  # fmt: skip
        assert documenter.submit(post, data).status_code == 403
        assert partner.submit(post, data).status_code == 403
    assert documenter.get(f"{url}/link", params={"q": "early"}).status_code == 403
    stored = node(seed, ids["recs/-/-/1"])
    assert stored.corrections == [] and stored.links == []  # type: ignore[attr-defined]
    # A partner (GREEN) reads public paragraphs, and nothing of an AMBER one.
    assert partner.get(url).status_code == 200
    secret = f"/library/nodes/{ids['secret/-/-/1']}"
    assert partner.get(secret).status_code == 404
    assert "Quietly" not in partner.get(secret).text
    analyst = browser(Role.ANALYST)
    assert f"/response/commitments/new?node={ids['recs/-/-/1']}" in analyst.get(url).text
    assert "Quietly" in analyst.get(secret).text
