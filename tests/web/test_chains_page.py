"""The escalation chain pages: only coordinators and administrators reach them; a chain made
with the people ticked step by step; a refused form keeps what was typed and ticked, each message
beside its step; a chain in use is not deleted, and says why."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from page_client import Browser
from seeding import Seeder, add_user
from tocsin.alerts import lifecycle
from tocsin.alerts.models import EscalationChain
from tocsin.alerts.schemas import IssueIn
from tocsin.core.db import Database
from tocsin.core.roles import Role

Make = Callable[..., Browser]


def stored(db: Database) -> list[EscalationChain]:
    with db.session() as s:
        found = list(s.scalars(select(EscalationChain).order_by(EscalationChain.name)))
        s.expunge_all()
        return found


def test_only_those_who_manage_alerting_reach_the_chains(browser: Make, seed: Seeder) -> None:
    chain = seed.escalation_chain()
    name = chain_name(seed.db, chain.id)
    for role in (Role.ANALYST, Role.DOCUMENTER, Role.PARTNER_VIEWER):
        client = browser(role)
        for url in ("/alerts/chains", "/alerts/chains/new", f"/alerts/chains/{chain.id}"):
            page = client.get(url)
            assert page.status_code == 403 and "You may not do this" in page.text, (role, url)
        forged = client.submit("/alerts/chains/new", {
            "name": "Mine", "steps[0].after_minutes": "5", "steps[0].user_ids": seed.actor.user_id,
        })
        assert forged.status_code == 403
        assert client.submit(f"/alerts/chains/{chain.id}/delete", {}).status_code == 403
        assert client.submit(f"/alerts/chains/{chain.id}", {"name": "Taken"}).status_code == 403
    assert [(c.id, c.name) for c in stored(seed.db)] == [(chain.id, name)]  # nothing changed
    assert browser(Role.COORDINATOR).get("/alerts/chains").status_code == 200


def chain_name(db: Database, chain_id: str) -> str:
    with db.session() as s:
        return s.get_one(EscalationChain, chain_id).name


def test_a_coordinator_makes_a_chain_step_by_step(browser: Make, db: Database) -> None:
    analyst = add_user(db, Role.ANALYST, "ana@pages.example.org")
    add_user(db, Role.DOCUMENTER, "doc@pages.example.org")
    coordinator = browser(Role.COORDINATOR, "coord@pages.example.org")
    form = coordinator.get("/alerts/chains/new")
    assert form.status_code == 200
    assert "ana@pages.example.org" in form.text and "doc@pages.example.org" not in form.text
    assert 'name="steps[2].after_minutes"' in form.text  # three rows to fill for a new chain
    assert 'name="steps[3].after_minutes"' not in form.text
    me = next(c for c in stored_users(db) if c[1] == "coord@pages.example.org")[0]
    done = coordinator.submit("/alerts/chains/new", {
        "name": "Darfur field team",
        "steps[0].after_minutes": "15", "steps[0].user_ids": [analyst.user_id, me],
        "steps[1].after_minutes": "", "steps[2].after_minutes": "45",
        "steps[2].user_ids": me,
    })
    assert done.status_code == 303 and done.headers["location"] == "/alerts/chains", done.text
    (chain,) = stored(db)
    assert chain.steps == [{"after_minutes": 15, "user_ids": [analyst.user_id, me]},
                           {"after_minutes": 45, "user_ids": [me]}]  # the empty row is dropped
    listing = coordinator.get("/alerts/chains").text
    assert "Darfur field team" in listing and "15 minutes" in listing
    assert "ana@pages.example.org" in listing
    edit = coordinator.get(f"/alerts/chains/{chain.id}").text
    assert f'value="{analyst.user_id}" checked' in edit and 'value="45"' in edit
    assert 'name="steps[3].after_minutes"' in edit  # two steps, and two rows to add more
    assert 'name="steps[4].after_minutes"' not in edit
    saved = coordinator.submit(f"/alerts/chains/{chain.id}", {
        "name": "Darfur desk", "steps[0].after_minutes": "5", "steps[0].user_ids": me,
        "steps[1].after_minutes": "", "steps[2].after_minutes": "", "steps[3].after_minutes": "",
    })
    assert saved.status_code == 303, saved.text
    (chain,) = stored(db)
    assert (chain.name, chain.steps) == ("Darfur desk", [{"after_minutes": 5, "user_ids": [me]}])


def stored_users(db: Database) -> list[tuple[str, str]]:
    from tocsin.core.models import User

    with db.session() as s:
        return [(u.id, u.email) for u in s.scalars(select(User))]


def test_a_refused_chain_keeps_what_was_typed_with_each_message_by_its_step(
    browser: Make, seed: Seeder, db: Database
) -> None:
    taken = seed.escalation_chain()
    with db.session() as s:
        taken_name = s.get_one(EscalationChain, taken.id).name
    analyst = add_user(db, Role.ANALYST, "ana@pages.example.org")
    coordinator = browser(Role.COORDINATOR)
    refused = coordinator.submit("/alerts/chains/new", {
        "name": taken_name,
        "steps[0].after_minutes": "10", "steps[0].user_ids": analyst.user_id,
        "steps[1].after_minutes": "", "steps[1].user_ids": "",
        "steps[2].after_minutes": "", "steps[2].user_ids": analyst.user_id,
    })
    assert refused.status_code == 422
    assert 'id="step-2-minutes-error"' in refused.text  # the row with people and no minutes
    assert "Give the minutes this step" in refused.text
    assert 'id="step-0-minutes-error"' not in refused.text
    assert f'value="{analyst.user_id}" checked' in refused.text
    assert 'value="10"' in refused.text
    assert len(stored(db)) == 1
    again = coordinator.submit("/alerts/chains/new", {
        "name": taken_name, "steps[0].after_minutes": "10", "steps[0].user_ids": analyst.user_id,
    })
    assert again.status_code == 422 and 'id="name-error"' in again.text
    assert "another escalation chain is already called" in again.text
    empty = coordinator.submit("/alerts/chains/new",
                               {"name": "Nobody", "steps[0].after_minutes": ""})  # fmt: skip
    assert empty.status_code == 422 and 'id="steps-error"' in empty.text
    assert len(stored(db)) == 1


def test_a_chain_in_use_is_not_deleted_and_says_why(
    browser: Make, seed: Seeder, db: Database
) -> None:
    chain = seed.escalation_chain()
    alert = seed.alert("GREEN")
    with db.session() as s:
        lifecycle.issue(s, seed.actor, alert.id, IssueIn(escalation_chain_id=chain.id))
    admin = browser(Role.ADMIN)
    refused = admin.submit(f"/alerts/chains/{chain.id}/delete", {})
    assert refused.status_code == 409 and "in use by 1 live alert" in refused.text
    assert [c.id for c in stored(db)] == [chain.id]
    with db.session() as s:
        lifecycle.close(s, seed.actor, alert.id, "over")
    done = admin.submit(f"/alerts/chains/{chain.id}/delete", {})
    assert done.status_code == 303 and stored(db) == []
