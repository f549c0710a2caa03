"""A demo response plan: what the library proposes to the State for Qaranthia, the demo
country, from its approved assessment, kept as a plan with some of its actions under way."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import TocsinError
from tocsin.response.plans.models import ResponsePlan
from tocsin.response.plans.proposals import propose
from tocsin.response.plans.schemas import PlanCreate, PlanItemIn, ProposalRequest, SituationIn
from tocsin.response.plans.store import create_plan
from tocsin.risk.demo import COUNTRY

TITLE = "Qaranthia: what the State can do now (demo)"
ITEMS = 6
# Who would carry each kept action, in turn: fictional offices of the demo State.
OFFICES = ("Ministry of Justice", "Ministry of the Interior", "National Human Rights Commission")
STATUSES = ("in_progress", "planned", "done", "planned", "in_progress", "planned")


def load_demo_plans(session: Session, analyst: Actor) -> int:
    """Keep the top proposals for the demo country as one active plan; returns the plans made
    (0 when a plan exists already, or when the library or the assessment is missing)."""
    if session.scalar(select(exists().where(ResponsePlan.id.is_not(None)))):
        return 0
    situation = SituationIn(country=COUNTRY)
    try:
        found = propose(session, analyst, ProposalRequest(
            situation=situation, actor="state", sphere="domestic", limit=ITEMS))  # fmt: skip
    except TocsinError:  # no approved assessment for the demo country: nothing to plan from
        return 0
    if not found.proposals:
        return 0
    today = utcnow().date()
    items = [
        PlanItemIn(
            node=p.node_id,
            rationale="Kept from the library's proposals for the demo.",
            responsible=OFFICES[i % len(OFFICES)],
            due_date=today + timedelta(days=30 * (i + 1)),
            status=STATUSES[i % len(STATUSES)],
        )
        for i, p in enumerate(found.proposals)
    ]
    create_plan(session, analyst, PlanCreate(
        title=TITLE, situation=situation, actor="state", sphere="domestic", tlp="AMBER",
        status="active", items=items,
        summary="Made by the demo from Qaranthia's approved assessment.",
    ))  # fmt: skip
    return 1
