"""The demo's response plan: the top proposals for the demo country, kept once."""

from __future__ import annotations

import pytest
from tests.conftest import MakeActor
from tests.response.plans_kit import approved_assessment, labelled_library, ref
from tests.seeding import cheap_hashing

from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.response.plans import get_plan, list_plans
from tocsin.response.plans.demo import TITLE, load_demo_plans


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


def test_the_demo_plan_keeps_the_proposals_once(db: Database, make_actor: MakeActor) -> None:
    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    labelled_library(db, analyst)
    with db.session() as s:
        assert load_demo_plans(s, analyst) == 0  # no approved assessment of the demo country
    approved_assessment(db, analyst, coordinator, country="XQ")
    with db.session() as s:
        assert load_demo_plans(s, analyst) == 1
    with db.session() as s:
        assert load_demo_plans(s, analyst) == 0  # once
        (summary,) = list_plans(s, analyst).items
        plan = get_plan(s, analyst, summary.id)
    assert plan.title == TITLE and plan.status == "active" and plan.actor == "state"
    # The ranking itself is the engine's (its own tests check it); here, what the plan kept:
    # the best proposal first, and nothing that addresses none of the situation's factors.
    kept = [i.reference for i in plan.items]
    assert kept[0] == ref(1) and ref(5) not in kept  # item 5 addresses nothing of the situation
    assert {i.status for i in plan.items} >= {"in_progress", "planned"}
