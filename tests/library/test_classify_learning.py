"""Analysts' corrections teach the classifier: a later, similar paragraph follows them."""

from __future__ import annotations

import numpy as np

from tocsin.library.classify import ACTOR, THEME, Classifier, LabelledExample
from tocsin.library.classify.combine import HAND_SET_COMBINER, MIN_EXAMPLES
from tocsin.library.classify.similarity import LexicalEncoder, neighbour_votes

NEW = "Repair the wells and the water pumps of the northern villages before the dry season."
CORRECTED = [
    LabelledExample("Repair wells and water pumps in the villages of the north.",
                    actors=("donors",), themes=("humanitarian_assistance",), source="a"),
    LabelledExample("Rebuild the water pumps and wells of villages in the north before summer.",
                    actors=("donors",), themes=("humanitarian_assistance",), source="b"),
]  # fmt: skip


def test_corrections_change_the_labels_of_a_similar_later_paragraph() -> None:
    [before] = Classifier(use_embeddings=False).classify([NEW])
    assert "donors" not in before.codes(ACTOR)
    assert "humanitarian_assistance" not in before.codes(THEME)

    classifier = Classifier(use_embeddings=False)
    classifier.learn(CORRECTED)
    [after] = classifier.classify([NEW])
    assert "donors" in after.codes(ACTOR)
    assert "humanitarian_assistance" in after.codes(THEME)
    [donors] = [s for s in after.actors if s.code == "donors"]
    assert donors.examples > 0.5  # the reason is shown: the corrected neighbours


def test_corrections_leave_unrelated_paragraphs_alone() -> None:
    text = "The Security Council should impose an arms embargo on the parties."
    [before] = Classifier(use_embeddings=False).classify([text])
    [after] = Classifier(CORRECTED, use_embeddings=False).classify([text])
    assert after.codes(ACTOR) == before.codes(ACTOR)
    assert after.codes(THEME) == before.codes(THEME)


def test_a_correction_of_one_dimension_says_nothing_about_the_others() -> None:
    only_actors = [LabelledExample(e.text, actors=e.actors, source=e.source) for e in CORRECTED]
    classifier = Classifier(only_actors, use_embeddings=False)
    [result] = classifier.classify([NEW])
    assert "donors" in result.codes(ACTOR)
    assert "humanitarian_assistance" not in result.codes(THEME)


def test_enough_examples_refit_the_weights_and_few_keep_the_hand_set_ones() -> None:
    assert Classifier(CORRECTED, use_embeddings=False).combiner(ACTOR) is HAND_SET_COMBINER
    many = [
        LabelledExample(f"The Security Council should meet on crisis {n}.", actors=("un_body",),
                        themes=("diplomacy_sanctions",), source=f"un{n % 3}")
        for n in range(MIN_EXAMPLES)
    ] + [
        LabelledExample(f"Journalists in region {n} need protection from surveillance.",
                        actors=("media",), themes=("defenders",), source=f"press{n % 3}")
        for n in range(MIN_EXAMPLES)
    ]  # fmt: skip
    fitted = Classifier(many, use_embeddings=False).combiner(ACTOR)
    assert fitted.fitted and fitted is not HAND_SET_COMBINER
    again = Classifier(many, use_embeddings=False).combiner(ACTOR)
    assert np.array_equal(fitted.weights, again.weights)  # no randomness in fitting


def test_neighbour_votes_match_a_plain_computation() -> None:
    encode = LexicalEncoder()
    bank = encode(["water pumps and wells", "arms embargo", "wells in villages", "press freedom"])
    labels = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    query = encode(["repair the wells and water pumps"])
    votes, strength = neighbour_votes(query, bank, labels, k=2)
    sims = (query @ bank.T)[0]
    nearest = np.argsort(-sims, kind="stable")[:2]
    weights = np.clip(sims[nearest], 0, 1)
    expected = weights @ labels[nearest] / (weights.sum() + 0.25)
    assert np.allclose(votes[0], expected)
    assert np.isclose(strength[0, 0], weights.sum() / (weights.sum() + 0.25))
    excluded = np.array([[True, False, True, False]])  # its own document may not vote
    votes, _ = neighbour_votes(query, bank, labels, excluded, k=2)
    assert votes[0, 0] == 0.0
