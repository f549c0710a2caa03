"""The rule pages: the list, the editor with each message by its field, the dry run (whole page,
or the editor alone for htmx), read-only for those who may not edit, refused for the rest."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import unescape

import pytest
from fastapi import FastAPI
from rules_kit import acts_in, day, make_rule
from tests.conftest import MakeActor

from page_client import Browser
from seeding import add_user, cheap_hashing
from tocsin.alerts.rules import service
from tocsin.api.app import create_app
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings

Make = Callable[[Role], Browser]
# The pages are one code path over the rule service, which runs on both databases in
# test_rules*.py; here SQLite alone keeps the page tests quick.
pytestmark = pytest.mark.parametrize("db", ["sqlite"], indirect=True)
FORM = {"name": "Killings in a province", "kind": "act_threshold", "params.country": "XQ",
        "params.act_types": ["killing", "extrajudicial_execution"], "params.group_by":
        "admin_area", "params.window_days": "7", "params.threshold": "3",
        "params.measure": "acts", "params.baseline_windows": "8", "category": "community_threat",
        "severity": "severe", "urgency": "immediate", "certainty": "likely", "tlp": "AMBER",
        "enabled": "true", "from": "2024-02-01", "to": "2024-03-31"}  # fmt: skip


@pytest.fixture
def browser(settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Make]:
    cheap_hashing(monkeypatch)
    app: FastAPI = create_app(settings, db)
    opened: list[Browser] = []

    def make(role: Role) -> Browser:
        client = Browser(app)
        client.__enter__()
        opened.append(client)
        email = f"{role.value}.{len(opened)}@rules.example.org"
        add_user(db, role, email)
        client.sign_in(email)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def test_who_sees_the_list_and_who_may_add(browser: Make, db: Database,
                                           make_actor: MakeActor) -> None:  # fmt: skip
    rule = make_rule(db, make_actor(Role.COORDINATOR), "act_threshold",
                     {"country": "XQ", "threshold": 3}, name="Weekly killings")  # fmt: skip
    coordinator, analyst = browser(Role.COORDINATOR), browser(Role.ANALYST)
    page = coordinator.get("/alerts/rules")
    assert page.status_code == 200 and "Weekly killings" in page.text
    assert 'href="/alerts/rules/new"' in page.text
    seen = analyst.get("/alerts/rules")
    assert seen.status_code == 200 and f"/alerts/rules/{rule.id}" in seen.text
    assert 'href="/alerts/rules/new"' not in seen.text and "/enabled" not in seen.text
    for role in (Role.DOCUMENTER, Role.PARTNER_VIEWER):
        other = browser(role)
        assert other.get("/alerts/rules").status_code == 403
        assert other.get(f"/alerts/rules/{rule.id}").status_code == 403
    assert analyst.get("/alerts/rules/new").status_code == 403
    assert analyst.submit("/alerts/rules/new", FORM).status_code == 403


def test_new_rule_saved_from_the_form_and_a_refusal_shown_by_its_field(
    browser: Make, db: Database, make_actor: MakeActor
) -> None:
    coordinator = browser(Role.COORDINATOR)
    form = coordinator.get("/alerts/rules/new").text
    for kind in ("act_threshold", "act_spike", "event_spike", "risk_level"):
        assert f'data-kinds="{kind}' in form or f' {kind}"' in form
    wrong = {**FORM, "params.threshold": "0", "params.act_types": ["killing", "x"]}
    refused = coordinator.submit("/alerts/rules/new", wrong)
    assert refused.status_code == 422
    assert 'id="params.threshold-error"' in refused.text
    assert 'value="Killings in a province"' in refused.text  # what was typed stays
    done = coordinator.submit("/alerts/rules/new", FORM)
    assert done.status_code == 303, done.text
    rule_id = done.headers["location"].rsplit("/", 1)[1]
    with db.session() as s:
        rule = service.get_rule(s, make_actor(Role.ADMIN), rule_id)
    assert rule.kind == "act_threshold" and rule.params["threshold"] == 3
    assert rule.params["act_types"] == ["killing", "extrajudicial_execution"]
    assert "baseline_windows" not in rule.params  # another kind's field is not read
    assert rule.params["issue"] is False and rule.enabled is True
    page = coordinator.get(f"/alerts/rules/{rule_id}").text
    assert "Save the rule" in page and 'selected>' in page


def test_dry_run_from_the_editor_whole_or_for_htmx(
    browser: Make, db: Database, make_actor: MakeActor
) -> None:
    acts_in(db, make_actor(Role.ADMIN), day(1), "North", 3)
    coordinator = browser(Role.COORDINATOR)
    whole = coordinator.submit("/alerts/rules/dry-run", FORM)
    assert whole.status_code == 200 and "<html" in whole.text
    assert "1 alert would have been raised" in unescape(whole.text)
    words = "3 documented acts of killing or extrajudicial, summary or arbitrary execution"
    assert f"{words} in North, XQ" in whole.text
    part = coordinator.post("/alerts/rules/dry-run", data={"csrf": coordinator.csrf, **FORM},
                            headers={"HX-Request": "true"})  # fmt: skip
    assert part.status_code == 200 and "<html" not in part.text
    assert 'id="dry-run-progress"' in part.text and "North" in part.text
    backwards = {"csrf": coordinator.csrf, **FORM, "to": "2023-01-01"}
    wrong = coordinator.post("/alerts/rules/dry-run", headers={"HX-Request": "true"},
                             data=backwards)
    assert wrong.status_code == 200 and 'id="to-error"' in wrong.text


def test_read_only_for_analysts_who_may_still_dry_run_and_switching_a_rule(
    browser: Make, db: Database, make_actor: MakeActor
) -> None:
    admin = make_actor(Role.ADMIN)
    acts_in(db, admin, day(1), "North", 3)
    rule = make_rule(db, make_actor(Role.COORDINATOR), "act_threshold",
                     {"country": "XQ", "threshold": 3}, name="Weekly acts")  # fmt: skip
    analyst = browser(Role.ANALYST)
    page = analyst.get(f"/alerts/rules/{rule.id}").text
    assert re.search(r'<fieldset class="rule-fields" disabled>', page)
    assert "Save the rule" not in page and f"/alerts/rules/{rule.id}/dry-run" in page
    assert analyst.submit(f"/alerts/rules/{rule.id}", FORM).status_code == 403
    assert analyst.submit(f"/alerts/rules/{rule.id}/enabled", {"enabled": "0"}).status_code == 403
    tried = analyst.submit(f"/alerts/rules/{rule.id}/dry-run",
                           {"from": "2024-03-01", "to": "2024-03-31"})  # fmt: skip
    assert tried.status_code == 200 and "3 documented acts in North, XQ" in tried.text
    coordinator = browser(Role.COORDINATOR)
    off = coordinator.submit(f"/alerts/rules/{rule.id}/enabled", {"enabled": "0", "back": "list"})
    assert off.status_code == 303 and off.headers["location"] == "/alerts/rules"
    with db.session() as s:
        assert service.get_rule(s, admin, rule.id).enabled is False
    on = coordinator.submit(f"/alerts/rules/{rule.id}/enabled", {"enabled": "1"})
    assert on.status_code == 303 and on.headers["location"] == f"/alerts/rules/{rule.id}"
    with db.session() as s:
        assert service.get_rule(s, admin, rule.id).enabled is True
