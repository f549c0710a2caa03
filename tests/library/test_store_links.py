"""Links between paragraphs of different documents: made by hand, suggested by similarity,
confirmed or rejected; a rejected pair is never suggested again, in either direction."""

from __future__ import annotations

import pytest
from tests.conftest import MakeActor
from tests.seeding import cheap_hashing

from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, NotFound, ValidationFailed
from tocsin.core.roles import Role
from tocsin.library import parse_text
from tocsin.library.store import get_node, import_document, link, suggest_links, unlink

RECOMMENDATIONS = """Recommendations

1. States should establish national early warning systems for atrocity crimes.
2. States should protect cultural heritage sites from looting during armed conflict.
3. Regional organisations should fund community mediation.
"""
COMMITMENTS = """Commitments

1. We will establish a national early warning system for atrocity crimes by 2026.
2. We will protect heritage sites and museums from looting in armed conflict.
"""


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


@pytest.fixture
def analyst(db: Database, make_actor: MakeActor) -> Actor:
    who = make_actor(Role.ANALYST)
    with db.session() as s:
        import_document(s, who, parse_text(RECOMMENDATIONS, "recommendations.txt"))
        import_document(s, who, parse_text(COMMITMENTS, "commitments.txt"))
    return who


def test_a_link_made_by_hand_shows_on_both_ends(db: Database, analyst: Actor) -> None:
    with db.session() as s:
        made = link(s, analyst, "commitments/-/-/1", "recommendations/-/-/1", "implements",
                    "commitment 1 answers recommendation 1")  # fmt: skip
        target = get_node(s, analyst, "recommendations/-/-/1")
        source = get_node(s, analyst, made.from_node.id)
    assert (made.kind, made.status, made.from_node.document_slug) == (
        "implements", "confirmed", "commitments")
    assert [x.id for x in target.links] == [x.id for x in source.links] == [made.id]


def test_suggestions_find_the_matching_paragraph_and_rejections_stick(
    db: Database, analyst: Actor
) -> None:
    who = analyst
    with db.session() as s:
        first = suggest_links(s, who, "commitments/-/-/1", k=1)
    assert [(x.to_node.reference, x.status, x.kind) for x in first] == [
        ("recommendations/-/-/1", "suggested", "related")
    ]
    assert first[0].score is not None and first[0].score > 0
    with db.session() as s:
        rejected = unlink(s, who, first[0].id, "same words, different obligation")
        assert rejected.status == "rejected"
        # neither from this side nor from the other does the pair come back
        again = suggest_links(s, who, "commitments/-/-/1", k=3)
        reverse = suggest_links(s, who, "recommendations/-/-/1", k=3)
    assert "recommendations/-/-/1" not in [x.to_node.reference for x in again]
    assert "commitments/-/-/1" not in [x.to_node.reference for x in reverse]
    assert all(x.to_node.document_slug != x.from_node.document_slug for x in again + reverse)

    with db.session() as s:  # an analyst may still link the pair by hand: their decision
        confirmed = link(s, who, "commitments/-/-/1", "recommendations/-/-/1", "implements")
    assert confirmed.id == first[0].id and confirmed.status == "confirmed"


@pytest.mark.parametrize(
    ("source", "target", "kind", "field"),
    [
        ("commitments/-/-/1", "commitments/-/-/1", "refers_to", "to_node"),
        ("commitments/-/-/1", "recommendations/-/-/9", "refers_to", "to_node"),
        ("nowhere/-/-/1", "recommendations/-/-/1", "refers_to", "from_node"),
        ("commitments/-/-/1", "recommendations/-/-/1", "contradicts", "kind"),
    ],
)
def test_bad_links_are_named(
    db: Database, analyst: Actor, source: str, target: str, kind: str, field: str
) -> None:
    with db.session() as s, pytest.raises(ValidationFailed) as refused:
        link(s, analyst, source, target, kind)
    assert refused.value.errors[0].field == field


def test_only_curators_link(db: Database, analyst: Actor, make_actor: MakeActor) -> None:
    partner = make_actor(Role.PARTNER_VIEWER)
    with db.session() as s:
        with pytest.raises(Forbidden):
            link(s, partner, "commitments/-/-/1", "recommendations/-/-/1")
        with pytest.raises(Forbidden):
            suggest_links(s, partner, "commitments/-/-/1")
        with pytest.raises(NotFound):
            unlink(s, analyst, "no-such-link")
