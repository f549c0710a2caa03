"""Who must act: the subject of a paragraph's first clause, else the party its nearest heading
addresses, else nobody named (the plan's default addressee, the State)."""

from __future__ import annotations

import pytest

from tocsin.library.classify import ACTOR, Classifier, load_taxonomy
from tocsin.library.classify.addressee import HEADING, IMPLICIT, TEXT, find_addressee
from tocsin.library.classify.rules import rules_for


def addressee(text: str, context: str = "") -> tuple[set[str], str]:
    found = find_addressee(rules_for(load_taxonomy()), text, context)
    return set(found.codes), found.found_in


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("States should ratify the convention without reservations.", {"state"}),
        ("That embassies follow closely the trials of defenders.", {"state"}),
        ("Civil society organisations are encouraged to document abuses.", {"civil_society"}),
        ("The Security Council must refer the situation to the prosecutor.", {"un_body"}),
    ],
)  # fmt: skip
def test_the_subject_of_the_first_clause_is_the_party_that_acts(text: str, codes: set[str]) -> None:
    assert addressee(text) == (codes, TEXT)


@pytest.mark.parametrize(
    "text",
    [
        "Support civil society organisations that counter hate speech online.",
        "Support community leaders to resolve local disputes peacefully.",
        "Train the police on the lawful use of force.",
        "To protect journalists who report on the conflict.",
        "They should adopt a law on defenders.",  # a pronoun names nobody
    ],
)
def test_an_actor_in_the_object_of_an_imperative_is_not_its_subject(text: str) -> None:
    assert addressee(text) == (set(), IMPLICIT)


@pytest.mark.parametrize(
    ("context", "codes"),
    [
        ("Demands to transnational companies concerning defenders", {"business"}),
        ("Actions of defenders with and toward their networks", {"civil_society"}),
        ("Recommended actions for members of the Security Council", {"state", "un_body"}),
        ("Part 2 / With regard to the States, and their armed forces", {"state"}),
        ("Campaign / We will put pressure on regional organisations", {"regional_organisation"}),
    ],
)  # fmt: skip
def test_a_heading_names_the_addressee_of_the_items_below(context: str, codes: set[str]) -> None:
    assert addressee("Adopt a code of conduct.", context) == (codes, HEADING)


def test_the_nearest_heading_that_names_a_party_wins_and_the_text_beats_both() -> None:
    context = "Demands to the State / For prevention"
    assert addressee("Publish the budget.", context) == ({"state"}, HEADING)
    nearest = addressee("Publish the budget.", "Demands to companies / Demands to the State")
    assert nearest == ({"state"}, HEADING)
    assert addressee("NGOs should publish the budget.", context) == ({"civil_society"}, TEXT)
    # "we" names nobody: who "we" are is the plan's business
    assert addressee("Publish it.", "We commit ourselves / For prevention") == (set(), IMPLICIT)


def test_a_named_addressee_displaces_the_default_actor() -> None:
    text = "Adopt and publish a code of ethics on human rights."
    [bare, addressed] = Classifier(use_embeddings=False).classify(
        [text, text], ["", "With regard to transnational companies"]
    )
    assert bare.codes(ACTOR) == ("state",)
    assert "business" in addressed.codes(ACTOR) and "state" not in addressed.codes(ACTOR)


def test_general_words_do_not_pass_for_donors() -> None:
    rules = rules_for(load_taxonomy())
    assert "donors" not in rules.keyword_labels(ACTOR, "Protect fundamental freedoms.")
    assert "donors" not in rules.keyword_labels(ACTOR, "Give the courts the resources they need.")
    assert "donors" in rules.keyword_labels(ACTOR, "Increase humanitarian aid to the region.")
