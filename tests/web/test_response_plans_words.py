"""The phase's reason, which the plans service gives in English, read in French on the pages."""

from __future__ import annotations

import pytest

from tocsin.response.plans.rules import phase_of_alert, phase_of_level
from tocsin.risk.assessments.scale import Level
from tocsin.web.pages.response_plans_words import phase_reason


@pytest.mark.parametrize(
    ("reason", "french"),
    [
        (phase_of_level(Level.HIGH, {})[1], "niveau de risque élevé"),
        (phase_of_level(None, {})[1], "niveau de risque non évalué"),
        (
            phase_of_level(Level.VERY_HIGH, {"RF9": Level.VERY_HIGH})[1],
            "niveau de risque très élevé, avec RF9 très élevé",
        ),
        (phase_of_alert("extreme")[1], "gravité de l'alerte : extrême"),
        ("no risk level known", "aucun niveau de risque connu"),
    ],
)
def test_every_reason_the_rules_give_reads_in_french(reason: str, french: str) -> None:
    assert phase_reason(reason, "fr") == french
    assert phase_reason(reason, "en") != french


def test_a_reason_of_another_shape_is_shown_as_it_is() -> None:
    assert phase_reason("an older reason", "fr") == "an older reason"
