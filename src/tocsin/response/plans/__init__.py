"""Response plans: from a situation (a country or area with its assessed risk factors, an
alert, or factors named by hand), the library's recommended actions for an actor and a sphere,
ranked and explained (``rules`` documents the score); an analyst keeps the chosen ones in a
plan with who is responsible, due dates and status, and every change in its history.

Every function takes a SQLAlchemy ``Session`` and the acting ``Actor``, checks permissions
(READ to read, RESPOND to write) and sharing levels itself, audits, and returns API shapes
(``schemas``), never storage rows. The caller commits.
"""

from tocsin.response.plans.items import add_item, remove_item, update_item
from tocsin.response.plans.proposals import proposals_for, propose
from tocsin.response.plans.schemas import (
    Explanation,
    FactorIn,
    PlanCreate,
    PlanItemIn,
    PlanItemPublic,
    PlanItemUpdate,
    PlanPublic,
    PlanSummary,
    PlanUpdate,
    ProposalPublic,
    ProposalRequest,
    ProposalsPublic,
    SituationIn,
    SituationPublic,
)
from tocsin.response.plans.situation import resolve
from tocsin.response.plans.store import create_plan, update_plan
from tocsin.response.plans.views import get_plan, list_plans
from tocsin.response.plans.vocab import ItemStatus, PlanStatus

__all__ = [
    "Explanation",
    "FactorIn",
    "ItemStatus",
    "PlanCreate",
    "PlanItemIn",
    "PlanItemPublic",
    "PlanItemUpdate",
    "PlanPublic",
    "PlanStatus",
    "PlanSummary",
    "PlanUpdate",
    "ProposalPublic",
    "ProposalRequest",
    "ProposalsPublic",
    "SituationIn",
    "SituationPublic",
    "add_item",
    "create_plan",
    "get_plan",
    "list_plans",
    "proposals_for",
    "propose",
    "remove_item",
    "resolve",
    "update_item",
    "update_plan",
]
