"""Analysts' atrocity risk assessments on the UN Framework of Analysis: ratings with confidence,
narrative, affected groups and supporting records; factor and overall levels derived by a
documented rule (``levels``); review and approval; history, comparison and PDF export.

Every function takes a SQLAlchemy ``Session`` and the acting ``Actor``, checks permissions and
sharing levels itself, and returns API shapes (``schemas``), never storage rows.
"""

from tocsin.risk.assessments.compare import compare
from tocsin.risk.assessments.levels import Derivation, FactorResult, derive
from tocsin.risk.assessments.report import export_pdf, render_html
from tocsin.risk.assessments.scale import DIMENSIONS, Confidence, Level, Rating, Status
from tocsin.risk.assessments.store import create_assessment, revise, update_assessment
from tocsin.risk.assessments.views import get_assessment, history, list_assessments
from tocsin.risk.assessments.workflow import approve, return_to_draft, submit_for_review

__all__ = [
    "DIMENSIONS",
    "Confidence",
    "Derivation",
    "FactorResult",
    "Level",
    "Rating",
    "Status",
    "approve",
    "compare",
    "create_assessment",
    "derive",
    "export_pdf",
    "get_assessment",
    "history",
    "list_assessments",
    "render_html",
    "return_to_draft",
    "revise",
    "submit_for_review",
    "update_assessment",
]
