"""A small labelled library and an approved assessment, for the response-plan tests.

Every label is set by an analyst's correction (confidence 1), so the expected scores can be
worked out by hand from ``tocsin.response.plans.rules``:

    item  factors     themes      actor          sphere        situation
    1     RF7         hate_speech state          domestic      prevention
    2     RF7, RF9    -           un_body        multilateral  imminent_risk
    3     RF1         -           state          domestic      prevention
    4     -           hate_speech state          domestic      prevention
    5     -           -           state          domestic      prevention

The assessment rates RF7 serious with high confidence (RF7 high), RF9 present with high
confidence (RF9 moderate) and RF1 absent (RF1 low): overall moderate, phase prevention.
"""

from __future__ import annotations

from datetime import date

from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.library import parse_text
from tocsin.library.store import correct_labels, import_document
from tocsin.risk.assessments import approve, create_assessment, submit_for_review
from tocsin.risk.assessments.schemas import AssessmentCreate, RatingIn
from tocsin.risk.framework import ensure_framework

PLAN = (
    "Plan of action\n\n"
    "1. Adopt a national strategy against the spread of hateful messages.\n"
    "2. Ask the Council to send a mission where killings are feared.\n"
    "3. Reform the courts so that conflicts are settled in peace.\n"
    "4. Support local radio programmes that answer rumours.\n"
    "5. Publish an annual report on the plan.\n"
)
LABELS: dict[str, dict[str, list[str]]] = {
    "1": {"risk_factor": ["RF7"], "theme": ["hate_speech"], "actor": ["state"],
          "sphere": ["domestic"], "situation": ["prevention"]},
    "2": {"risk_factor": ["RF7", "RF9"], "theme": [], "actor": ["un_body"],
          "sphere": ["multilateral"], "situation": ["imminent_risk"]},
    "3": {"risk_factor": ["RF1"], "theme": [], "actor": ["state"], "sphere": ["domestic"],
          "situation": ["prevention"]},
    "4": {"risk_factor": [], "theme": ["hate_speech"], "actor": ["state"],
          "sphere": ["domestic"], "situation": ["prevention"]},
    "5": {"risk_factor": [], "theme": [], "actor": ["state"], "sphere": ["domestic"],
          "situation": ["prevention"]},
}  # fmt: skip


def ref(n: int) -> str:
    return f"plan/-/-/{n}"


def labelled_library(db: Database, curator: Actor, tlp: str = "CLEAR") -> None:
    with db.session() as s:
        import_document(s, curator, parse_text(PLAN, "plan.txt"), tlp=tlp, embed=False)
        for key, dimensions in LABELS.items():
            for dimension, codes in dimensions.items():
                correct_labels(s, curator, f"plan/-/-/{key}", dimension, codes)


def approved_assessment(
    db: Database, author: Actor, approver: Actor, country: str = "XQ", tlp: str = "GREEN",
    area: str | None = None,
) -> str:  # fmt: skip
    ratings = [
        RatingIn(indicator="RF7.1", rating="serious", confidence="high"),
        RatingIn(indicator="RF9.1", rating="present", confidence="high"),
        RatingIn(indicator="RF1.1", rating="absent", confidence="high"),
    ]
    with db.session() as s:
        ensure_framework(s)
        made = create_assessment(s, author, AssessmentCreate(
            country=country, admin_area=area, as_of=date(2026, 1, 31), title="Outlook",
            tlp=tlp, ratings=ratings))  # fmt: skip
        submit_for_review(s, author, made.id)
        approve(s, approver, made.id)
        return made.id
