"""The response-plan pages: a situation's proposals with explanations and boxes, a plan kept
from the ticked ones, an action updated through its form, a refused form that keeps what was
ticked, the links from the horizon scan and the alert page, and who may not see or do what."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest
from sqlalchemy import select
from tests.response.plans_kit import PLAN, approved_assessment, labelled_library, ref

from page_client import Browser
from seeding import Seeder, add_user
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.library import parse_text
from tocsin.library.store import import_document
from tocsin.library.store.models import LibraryNode
from tocsin.response.plans import FactorIn, PlanCreate, PlanItemIn, SituationIn, create_plan
from tocsin.response.plans.models import ResponsePlan, ResponsePlanItem

Make = Callable[..., Browser]


@pytest.fixture(autouse=True)
def _no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


@pytest.fixture
def situation(db: Database, owner: Actor) -> str:
    """The labelled library and an approved AMBER assessment of XQ; its id."""
    analyst = add_user(db, Role.ANALYST, "author@pages.example.org")
    labelled_library(db, analyst)
    return approved_assessment(db, analyst, owner, tlp="AMBER")


def node_id(db: Database, n: int) -> str:
    with db.session() as s:
        found = s.scalar(select(LibraryNode.id).where(LibraryNode.reference == ref(n)))
        assert found is not None
        return found


def test_proposals_become_a_plan_and_its_actions_are_updated(
    browser: Make, db: Database, situation: str
) -> None:
    analyst = browser(Role.ANALYST)
    page = analyst.get(f"/response/plans/new?assessment={situation}&actor=state&sphere=domestic")
    assert page.status_code == 200, page.text
    text = unescape(page.text)
    assert "RF7</abbr> Enabling circumstances or preparatory action: <strong>high" in text
    shown = re.findall(r'href="/library/nodes/[^"]+">(plan/-/-/\d)</a>', page.text)
    assert shown == [ref(1), ref(2)]  # ranked; items 3-5 address nothing of the situation
    assert (
        'Addresses <abbr title="Enabling circumstances or preparatory action">RF7</abbr> '
        "(high); for State; Domestic; Prevention" in text
    )
    first, second = node_id(db, 1), node_id(db, 2)
    form = {
        "assessment": situation,
        "actor": "state",
        "sphere": "domestic",
        "title": "Answer the hateful messages",
        "tlp": "AMBER",
        f"pick.{first}": "1",
    }
    refused = analyst.submit("/response/plans/new", {**form, "tlp": "GREEN"})
    assert refused.status_code == 422
    assert "share the plan as TLP:AMBER or narrower" in unescape(refused.text)
    assert f'name="pick.{first}" value="1" checked' in refused.text  # the ticks are kept
    assert f'name="pick.{second}" value="1" checked' not in refused.text
    made = analyst.submit("/response/plans/new", form)
    assert made.status_code == 303, made.text
    plan_url = made.headers["location"]
    with db.session() as s:
        plan = s.scalar(select(ResponsePlan))
        assert plan is not None and plan_url == f"/response/plans/{plan.id}"
        item = s.scalar(select(ResponsePlanItem))
        assert item is not None
        assert (plan.title, plan.assessment_id, item.reference) == (
            "Answer the hateful messages",
            situation,
            ref(1),
        )
    shown_plan = unescape(analyst.get(plan_url).text)
    assert "Answer the hateful messages" in shown_plan and "RF7</abbr> (high)" in shown_plan
    saved = analyst.submit(f"{plan_url}/items/{item.id}", {
        "status": "in_progress", "responsible": "Ministry of the Interior",
        "due_date": "2026-13-01", "rationale": "", "position": "1"})  # fmt: skip
    assert saved.status_code == 422 and 'id="due-' in saved.text  # a bad date, by its field
    saved = analyst.submit(f"{plan_url}/items/{item.id}", {
        "status": "in_progress", "responsible": "Ministry of the Interior",
        "due_date": "2026-12-01", "rationale": "", "position": "1"})  # fmt: skip
    assert saved.status_code == 303
    with db.session() as s:
        kept = s.get(ResponsePlanItem, item.id)
        assert kept is not None and (kept.status, kept.responsible, str(kept.due_date)) == (
            "in_progress",
            "Ministry of the Interior",
            "2026-12-01",
        )
    added = analyst.submit(f"{plan_url}/items", {"node": ref(5), "rationale": "report on it"})
    assert added.status_code == 303
    history = unescape(analyst.get(plan_url).text)
    assert "added by hand" in history and "action changed" in history


def test_who_may_not(browser: Make, db: Database, situation: str, owner: Actor) -> None:
    documenter, partner = browser(Role.DOCUMENTER), browser(Role.PARTNER_VIEWER)
    assert documenter.get("/response/plans/new?country=XQ").status_code == 403
    assert documenter.submit("/response/plans/new", {"country": "XQ"}).status_code == 403
    coordinator = browser(Role.COORDINATOR)
    form = {
        "assessment": situation,
        "actor": "state",
        "title": "Amber plan",
        "tlp": "AMBER",
        f"pick.{node_id(db, 1)}": "1",
    }
    plan_url = coordinator.submit("/response/plans/new", form).headers["location"]
    assert documenter.get(plan_url).status_code == 200  # reading needs READ only
    assert "Edit the plan" not in documenter.get(plan_url).text
    hidden = partner.get(plan_url)
    assert hidden.status_code == 404 and "Amber plan" not in hidden.text
    assert "Amber plan" not in partner.get("/response/plans").text
    assert documenter.submit(f"{plan_url}/edit", {"title": "Mine", "status": "draft",
                                                  "tlp": "AMBER"}).status_code == 403  # fmt: skip


def test_an_alert_above_clearance_is_refused_as_a_situation(
    browser: Make, db: Database, owner: Actor
) -> None:
    red = Seeder(db, owner).alert("RED", country="XQ", category="incitement")
    page = browser(Role.ANALYST).get(f"/response/plans/new?alert={red.id}&actor=state")
    assert page.status_code == 422
    assert "no alert with id" in unescape(page.text) and red.secret not in page.text
    assert "proposal-1" not in page.text


def test_links_from_the_horizon_scan_and_the_alert_page(
    browser: Make, db: Database, situation: str, owner: Actor
) -> None:
    analyst, documenter = browser(Role.ANALYST), browser(Role.DOCUMENTER)
    link = 'href="/response/plans/new?country=XQ"'
    assert link in analyst.get("/risk/horizon").text
    assert link not in documenter.get("/risk/horizon").text
    alert = Seeder(db, owner).alert("GREEN", country="XQ", category="incitement")
    assert f'href="/response/plans/new?alert={alert.id}"' in analyst.get(f"/alerts/{alert.id}").text
    assert "/response/plans/new" not in documenter.get(f"/alerts/{alert.id}").text
    # From the alert: its category's theme is part of the situation, the phase follows it.
    page = unescape(analyst.get(f"/response/plans/new?alert={alert.id}&actor=state").text)
    assert "Hate speech and incitement" in page and "alert severity severe" in page


def test_partners_see_neither_team_names_nor_withheld_paragraphs(
    browser: Make, db: Database, owner: Actor
) -> None:
    analyst = add_user(db, Role.ANALYST, "named.analyst@pages.example.org")
    labelled_library(db, owner, tlp="GREEN")
    with db.session() as s:
        plan = create_plan(s, analyst, PlanCreate(
            title="Green plan", actor="state", tlp="GREEN",
            situation=SituationIn(factors=[FactorIn(code="RF7")]),
            items=[PlanItemIn(node=ref(1)), PlanItemIn(node=ref(2))]))  # fmt: skip
    url = f"/response/plans/{plan.id}"
    page = browser(Role.PARTNER_VIEWER).get(url)
    assert page.status_code == 200 and "Green plan" in page.text and ref(1) in page.text
    assert "named.analyst" not in page.text and "a team member" in page.text
    with db.session() as s:  # the curator narrows the document after the plan was kept
        import_document(s, owner, parse_text(PLAN, "plan.txt"), tlp="AMBER", embed=False)
    page = browser(Role.PARTNER_VIEWER).get(url)
    assert page.status_code == 200 and page.text.count("Withheld action") == 2
    assert "plan/-/-/" not in page.text and "/library/nodes/" not in page.text
    assert plan.items[0].node_id not in page.text and "Addresses" not in page.text
    team = browser(Role.ANALYST).get(url).text
    assert "named.analyst@pages.example.org" in team and f'">{ref(1)}</a>' in team
    assert "Addresses" in team


def test_a_new_plan_refuses_bad_picks_by_their_field(
    browser: Make, db: Database, situation: str
) -> None:
    analyst = browser(Role.ANALYST)
    form = {"assessment": situation, "actor": "state", "title": "x", "tlp": "AMBER"}
    empty = analyst.submit("/response/plans/new", {**form, "pick.": "on"})
    assert empty.status_code == 422
    assert "Tick at least one proposed action" in unescape(empty.text)
    for pick in ("pick." + "x" * 600, "pick.plan/-/-/99"):
        refused = analyst.submit("/response/plans/new", {**form, pick: "1"})
        assert refused.status_code == 422 and 'id="items-error"' in refused.text
    untitled = analyst.submit("/response/plans/new", {**form, "title": "",
                                                     f"pick.{node_id(db, 1)}": "1"})  # fmt: skip
    assert untitled.status_code == 422 and 'id="title-error"' in untitled.text
    with db.session() as s:
        assert s.scalar(select(ResponsePlan)) is None
