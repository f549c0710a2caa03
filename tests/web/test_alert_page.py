"""The alert page: the whole response round through its forms (issue, acknowledge, act, cancel)
seen in the timeline and the clock, what each role is offered and refused, what a partner may
not see, and the delivery summary."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from html import unescape

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from page_client import Browser
from seeding import Seeder
from tocsin.alerts import service as alerts
from tocsin.alerts.delivery_models import AlertDelivery, AlertSubscription
from tocsin.alerts.models import Alert, EscalationChain
from tocsin.alerts.schemas import AlertPublic
from tocsin.core.clock import utcnow
from tocsin.core.models import User
from tocsin.core.roles import Role

Make = Callable[..., Browser]
STEPS = ("/issue", "/cancel", "/close", "/acknowledge", "/actions", "/edit", "/update")


def stored(seed: Seeder, alert_id: str) -> AlertPublic:
    with seed.db.session() as s:
        return alerts.get_alert(s, seed.actor, alert_id)


def timeline(page: str) -> list[str]:
    """The step words of the timeline, in order."""
    part = page[page.index('id="timeline-title"') : page.index('id="behind-title"')]
    return re.findall(r"</time>\s*<strong>([^<]+)</strong>", part)


def test_issue_acknowledge_act_and_cancel_through_the_page(browser: Make, seed: Seeder) -> None:
    event = seed.event("GREEN", start="2025-03-01")
    rec = seed.alert("GREEN", links={"event_ids": [event.id]})
    analyst, coordinator = browser(Role.ANALYST), browser(Role.COORDINATOR)
    with seed.db.session() as s:
        chain = EscalationChain(name="Duty officers", steps=[{"after_minutes": 15,
                                "user_ids": [_id(s, "coordinator.")]}])  # fmt: skip
        s.add(chain)
        s.flush()
        chain_id = chain.id

    page = analyst.get(f"/alerts/{rec.id}").text
    assert f'action="/alerts/{rec.id}/issue"' in page and "Duty officers" in page
    assert timeline(page) == ["Drafted"]
    refused = analyst.submit(f"/alerts/{rec.id}/issue",
                             {"escalation_chain_id": chain_id, "ack_minutes": "0"})  # fmt: skip
    assert refused.status_code == 422 and 'id="issue-ack_minutes-error"' in refused.text
    assert 'value="0"' in refused.text  # kept as typed
    done = analyst.submit(f"/alerts/{rec.id}/issue",
                          {"escalation_chain_id": chain_id, "ack_minutes": "20",
                           "act_minutes": "120"})  # fmt: skip
    assert done.status_code == 303
    issued = stored(seed, rec.id)
    assert issued.state == "issued" and issued.escalation_chain_id == chain_id
    assert issued.act_deadline and issued.ack_deadline
    assert (issued.act_deadline - issued.ack_deadline).total_seconds() == 100 * 60

    # The analyst owns it; the coordinator is on its chain: both may acknowledge, once.
    page = unescape(coordinator.get(f"/alerts/{rec.id}").text)
    assert f'action="/alerts/{rec.id}/acknowledge"' in page
    assert "Acknowledge by" in page and "Act by" in page and "Overdue" not in page
    assert coordinator.submit(f"/alerts/{rec.id}/acknowledge", {}).status_code == 303
    again = analyst.submit(f"/alerts/{rec.id}/acknowledge", {})
    assert again.status_code == 409 and "already acknowledged" in again.text

    late = analyst.submit(f"/alerts/{rec.id}/actions",
                          {"kind": "urgent_appeal", "taken_at": "2099-01-01T10:00"})  # fmt: skip
    assert late.status_code == 422 and 'id="action-taken_at-error"' in late.text
    action = {"kind": "authorities_contacted", "note": "Called the governor"}
    acted = analyst.submit(f"/alerts/{rec.id}/actions", action)
    assert acted.status_code == 303
    assert analyst.submit(f"/alerts/{rec.id}/cancel", {"reason": " "}).status_code == 422
    assert analyst.submit(f"/alerts/{rec.id}/cancel",
                          {"reason": "Armed men left"}).status_code == 303  # fmt: skip

    final = stored(seed, rec.id)
    assert final.state == "cancelled" and final.acknowledged_at is not None
    assert [a.kind for a in final.actions] == ["authorities_contacted"]
    page = unescape(analyst.get(f"/alerts/{rec.id}").text)
    assert timeline(page) == ["Drafted", "Issued", "Acknowledged", "Authorities contacted",
                              "Cancelled"]  # fmt: skip
    assert "Called the governor" in page and "Armed men left" in page
    # The clock in words: from the event's start date (2025) to the issue, and the rest.
    clock = page[page.index("Response clock") : page.index('id="timeline-title"')]
    assert "From first report to issue" in clock and "day" in clock
    assert clock.count("not yet") == 0
    assert f"/api/v1/alerts/{rec.id}/cap.xml" in page
    assert f"/api/v1/alerts/{rec.id}/cap.json" in page
    assert event.secret in page  # the event behind it, by its title


def _id(s: Session, prefix: str) -> str:
    """The id of the one user whose email starts with ``prefix``."""
    return str(s.scalars(select(User.id).where(User.email.startswith(prefix))).one())


def test_wrong_roles_get_no_buttons_and_their_forged_posts_403(
    browser: Make, seed: Seeder
) -> None:
    draft, live = seed.alert("GREEN"), seed.issued_alert("GREEN")
    documenter = browser(Role.DOCUMENTER)  # after the chain was made: not on it
    for rec in (draft, live):
        page = documenter.get(f"/alerts/{rec.id}").text
        assert rec.secret in page
        assert not [s for s in STEPS if f"/alerts/{rec.id}{s}" in page]
    assert documenter.submit(f"/alerts/{draft.id}/issue", {}).status_code == 403
    assert documenter.submit(f"/alerts/{live.id}/cancel", {"reason": "x"}).status_code == 403
    assert documenter.submit(f"/alerts/{live.id}/close", {}).status_code == 403
    assert documenter.submit(f"/alerts/{live.id}/actions", {"kind": "other"}).status_code == 403
    # An analyst may act on alerts, but acknowledges only as owner or on the chain.
    analyst = browser(Role.ANALYST)
    page = analyst.get(f"/alerts/{live.id}").text
    assert f"/alerts/{live.id}/acknowledge" not in page and f"/alerts/{live.id}/actions" in page
    assert analyst.submit(f"/alerts/{live.id}/acknowledge", {}).status_code == 403
    after = stored(seed, live.id)
    assert after.state == "issued" and after.acknowledged_at is None and after.actions == []
    # A post without the form's token is refused whoever sends it.
    forged = analyst.post(f"/alerts/{live.id}/cancel", data={"reason": "x", "csrf": "nope"})
    assert forged.status_code == 403 and stored(seed, live.id).state == "issued"


def test_a_partner_sees_neither_an_amber_alert_nor_what_lies_behind_one_unless_named(
    browser: Make, seed: Seeder
) -> None:
    amber = seed.issued_alert("AMBER")
    hidden_event, open_event = seed.event("AMBER"), seed.event("GREEN")
    green = seed.issued_alert("GREEN", links={"event_ids": [hidden_event.id, open_event.id]})
    partner = browser(Role.PARTNER_VIEWER)
    refused = partner.get(f"/alerts/{amber.id}")
    assert refused.status_code == 404 and amber.secret not in refused.text
    page = unescape(partner.get(f"/alerts/{green.id}").text)
    assert open_event.secret in page and hidden_event.secret not in page
    assert hidden_event.id not in page
    assert "1 more record behind it is above your clearance." in page
    assert "owner@pages.example.org" not in page  # team members' names stay in the team
    assert not [s for s in STEPS if f"/alerts/{green.id}{s}" in page]
    # A RED alert: its author and the people it names, whatever their role; nobody else.
    reader = browser(Role.PARTNER_VIEWER, "named@pages.example.org")
    with seed.db.session() as s:
        red = seed.alert("RED", recipients=[_id(s, "named@")])
    assert browser(Role.ANALYST).get(f"/alerts/{red.id}").status_code == 404
    page = reader.get(f"/alerts/{red.id}").text
    assert red.secret in page and "named@pages.example.org" in page and "raised by hand" in page


def test_the_delivery_summary_names_subscriptions_only_for_their_managers(
    browser: Make, seed: Seeder
) -> None:
    rec = seed.issued_alert("GREEN")
    sub = seed.subscription("GREEN")
    with seed.db.session() as s:
        version = stored(seed, rec.id).version
        s.add_all([
            AlertDelivery(alert_id=rec.id, alert_version=version, subscription_id=sub.id,
                          channel="webhook", idempotency_key=f"k1{rec.id}", status="delivered",
                          attempts=1),
            AlertDelivery(alert_id=rec.id, alert_version=version, subscription_id=sub.id,
                          channel="webhook", idempotency_key=f"k2{rec.id}", status="dead",
                          attempts=8),
        ])  # fmt: skip
        assert s.get(AlertSubscription, sub.id) is not None
    analyst, coordinator = browser(Role.ANALYST), browser(Role.COORDINATOR)
    counts = analyst.get(f"/alerts/{rec.id}").text
    part = counts[counts.index('id="delivery-title"') :]
    assert re.search(r"<th scope=\"col\">delivered</th>", part)
    assert re.findall(r'<td class="num">(\d+)</td>', part)[:5] == ["0", "0", "1", "0", "1"]
    assert sub.secret not in counts
    named = coordinator.get(f"/alerts/{rec.id}").text
    assert sub.secret in named and "given up" in named


def test_escalations_appear_in_the_timeline_until_the_chain_runs_out(
    browser: Make, seed: Seeder
) -> None:
    from tocsin.alerts.escalation import escalate_due

    coordinator = browser(Role.COORDINATOR)  # on the chain: issued_alert names everyone
    partner = browser(Role.PARTNER_VIEWER)  # on it too, but may not act on alerts
    rec = seed.issued_alert("GREEN")
    now = utcnow()
    with seed.db.session() as s:
        s.execute(update(Alert).where(Alert.id == rec.id)
                  .values(ack_deadline=now - timedelta(minutes=5)))  # fmt: skip
    with seed.db.session() as s:
        assert escalate_due(s, now, "https://tocsin.example.org") == 1
    with seed.db.session() as s:  # its one step has 30 minutes; then the chain has run out
        assert escalate_due(s, now + timedelta(minutes=31), "https://tocsin.example.org") == 1
    page = unescape(coordinator.get(f"/alerts/{rec.id}").text)
    assert timeline(page) == ["Drafted", "Issued", "Escalated", "Escalation chain ran out"]
    part = page[page.index('id="timeline-title"') : page.index('id="behind-title"')]
    assert "level 1" in part and "People called:" in part and "coordinator." in part
    assert "Not told:" in part and "may no longer act on alerts" in part  # the partner
    assert "Nobody further to call" in part
    # The partner reads that team members were called, not who.
    seen = unescape(partner.get(f"/alerts/{rec.id}").text)
    assert "Escalated" in seen and "coordinator." not in seen
