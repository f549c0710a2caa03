"""The taxonomy and the rule layer: what answers even without torch (TOCSIN_EMBEDDINGS=off)."""

from __future__ import annotations

import pytest

from tocsin.core.errors import ValidationFailed
from tocsin.library.classify import (
    ACTOR,
    DIMENSIONS,
    RISK_FACTOR,
    SITUATION,
    SPHERE,
    THEME,
    Classifier,
    LabelledExample,
    classify,
    load_taxonomy,
)
from tocsin.library.classify.rules import rules_for
from tocsin.risk.framework import load_spec


def words() -> Classifier:
    return Classifier(use_embeddings=False)


def test_the_taxonomy_has_every_dimension_and_closed_lists_of_described_labels() -> None:
    taxonomy = load_taxonomy()
    assert tuple(d.code for d in taxonomy.dimensions) == DIMENSIONS
    for dimension in taxonomy.dimensions:
        assert len(set(dimension.codes)) == len(dimension.codes)
        for label in dimension.labels:
            assert label.name and label.description, label.code
            assert label.keywords, f"{dimension.code}.{label.code} has no keywords"
    assert set(taxonomy.dimension(SPHERE).codes) == {"domestic", "bilateral", "regional",
                                                     "multilateral"}  # fmt: skip
    assert set(taxonomy.dimension(SITUATION).codes) == {"prevention", "imminent_risk", "ongoing",
                                                        "aftermath"}  # fmt: skip
    assert {"state", "un_body", "regional_organisation", "civil_society", "business",
            "armed_forces"} <= set(taxonomy.dimension(ACTOR).codes)  # fmt: skip
    assert {"protection_of_civilians", "justice_accountability", "children", "defenders",
            "cultural_heritage", "hate_speech", "displacement",
            "early_warning"} <= set(taxonomy.dimension(THEME).codes)  # fmt: skip


def test_risk_factors_are_the_frameworks_own_not_a_copy() -> None:
    factors = {f.code: f for f in load_spec().factors}
    dimension = load_taxonomy().dimension(RISK_FACTOR)
    assert set(dimension.codes) == set(factors) and len(factors) == 14
    for label in dimension.labels:
        assert label.name == factors[label.code].names["en"]
        assert label.description == factors[label.code].descriptions["en"]


def test_keywords_match_whole_words_stems_and_acronyms_as_written() -> None:
    rules = rules_for(load_taxonomy())
    found = rules.apply(THEME, "They prosecuted the officers; the ICC opened a case.").text
    assert "prosecut*" in found["justice_accountability"].words
    assert "ICC" in found["justice_accountability"].words
    assert "justice_accountability" not in rules.apply(THEME, "icc and unprosecuted").text
    assert "un_body" not in rules.apply(ACTOR, "an un-named group").text
    context = rules.apply(ACTOR, "Adopt a code of ethics.", "With regard to companies").context
    assert set(context) == {"business"}


@pytest.mark.parametrize(
    ("text", "actor", "sphere", "theme"),
    [
        ("The Security Council should impose an arms embargo on the parties.", "un_body",
         "multilateral", "diplomacy_sanctions"),
        ("Train police and security forces on the lawful use of force.", "armed_forces",
         "domestic", "security_sector"),
        ("Draw up an inventory of threatened museums, monuments and archives.", "state",
         "domestic", "cultural_heritage"),
        ("Support civil society organisations that counter hate speech online.",
         "civil_society", "domestic", "hate_speech"),
    ],
)  # fmt: skip
def test_the_rule_layer_gives_sensible_labels(text: str, actor: str, sphere: str,
                                              theme: str) -> None:  # fmt: skip
    [result] = words().classify([text])
    assert result.method == "rules+lexical"
    assert actor in result.codes(ACTOR)
    assert result.sphere.code == sphere
    assert theme in result.codes(THEME)
    assert all(0.0 <= s.confidence <= 1.0 for s in (*result.actors, *result.themes))
    assert set(result.scores) == set(DIMENSIONS)


def test_switched_off_embeddings_fall_back_to_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")
    [result] = classify(["States must investigate and prosecute the perpetrators."])
    assert result.method == "rules+lexical"
    assert "state" in result.codes(ACTOR)
    assert "justice_accountability" in result.codes(THEME)


def test_headings_name_the_addressee_the_paragraph_leaves_implicit() -> None:
    text = "Guarantee not to hire security personnel who took part in abuses."
    [bare, placed] = words().classify([text, text], ["", "Demands to transnational companies"])
    assert "business" not in bare.codes(ACTOR)
    assert "business" in placed.codes(ACTOR)


def test_every_paragraph_gets_an_actor_and_a_theme_and_one_sphere_and_situation() -> None:
    for result in words().classify(["Act now.", "", "Lorem ipsum dolor sit amet."]):
        assert result.actors and result.themes
        assert result.sphere.code in load_taxonomy().dimension(SPHERE).codes
        assert result.situation.code in load_taxonomy().dimension(SITUATION).codes


def test_classification_is_deterministic_and_keeps_the_order_of_texts() -> None:
    texts = ["Protect journalists from surveillance.", "Fund the return of displaced families."]
    first, second = words().classify(texts), words().classify(list(reversed(texts)))
    assert first == list(reversed(second))
    assert words().classify([]) == []
    with pytest.raises(ValueError, match="one context per text"):
        words().classify(texts, ["only one"])


def test_a_correction_with_an_unknown_code_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="unknown code"):
        Classifier([LabelledExample("Protect heritage.", themes=("heritage",))],
                   use_embeddings=False)  # fmt: skip
