"""An alert from draft to issue, update, cancel and close: versions, references, history,
deadlines, the response clock, and the refusals by role and by state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from tests.alerts.alert_kit import draft, fields, issued

from seeding import Seeder, add_user, cheap_hashing
from tocsin.alerts import lifecycle, service
from tocsin.alerts.models import Alert, AlertChange, EscalationChain
from tocsin.alerts.schemas import ActionIn, AlertCreate, AlertRevise, AlertUpdate, IssueIn
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tocsin.core.roles import Role


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


@pytest.fixture
def analyst(db: Database) -> Actor:
    return add_user(db, Role.ANALYST, "analyst@alerts.example.org")


def changes(db: Database, alert_id: str) -> list[tuple[str | None, str, int]]:
    with db.session() as s:
        rows = s.scalars(select(AlertChange).where(AlertChange.alert_id == alert_id)
                         .order_by(AlertChange.at, AlertChange.id))  # fmt: skip
        return [(c.from_state, c.to_state, c.version) for c in rows]


def test_issue_update_cancel_make_versions_that_reference_the_earlier_ones(
    db: Database, analyst: Actor
) -> None:
    seed = Seeder(db, analyst)
    event = seed.event("GREEN", start="2024-03-01")
    act = seed.act("GREEN", event_id=event.id, start="2024-02-27")
    with db.session() as s:
        made = draft(s, analyst, links={"event_ids": [event.id], "act_ids": [act.id]})
        assert (made.state, made.msg_type, made.issued_at) == ("draft", None, None)
        assert made.identifier == f"tocsin:{made.id}"
        assert made.links.event_ids == [event.id] and made.links.act_ids == [act.id]
    with db.session() as s:
        out = lifecycle.issue(s, analyst, made.id, IssueIn(ack_minutes=20, act_minutes=90))
    assert (out.state, out.version, out.msg_type, out.owner_id) == ("issued", 1, "Alert",
                                                                   analyst.user_id)  # fmt: skip
    assert out.issued_at is not None and out.sent_at == out.issued_at
    assert out.ack_deadline == out.issued_at + timedelta(minutes=20)
    assert out.act_deadline == out.issued_at + timedelta(minutes=90)
    # The act started before the event did: the earliest start counts.
    assert out.first_report_at == datetime(2024, 2, 27, tzinfo=UTC)
    gap = (out.issued_at - out.first_report_at).total_seconds()
    assert out.timings.report_to_issue_s == pytest.approx(gap, abs=0.001)
    with db.session() as s:
        v2 = lifecycle.update(s, analyst, made.id,
                              AlertRevise(severity="extreme", reason="shots heard"))  # fmt: skip
    assert (v2.state, v2.version, v2.msg_type, v2.severity) == ("updated", 2, "Update", "extreme")
    sent_v1 = out.issued_at.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert v2.references == [f"{made.identifier},1,{sent_v1}"]
    assert v2.identifier == made.identifier and v2.sent_at and v2.sent_at > out.issued_at
    with db.session() as s:
        v3 = lifecycle.cancel(s, analyst, made.id, "the gathering dispersed")
    assert (v3.state, v3.version, v3.msg_type) == ("cancelled", 3, "Cancel")
    assert [r.split(",")[1] for r in v3.references] == ["1", "2"]
    assert changes(db, made.id) == [
        (None, "draft", 1), ("draft", "issued", 1), ("issued", "updated", 2),
        ("updated", "cancelled", 3),
    ]  # fmt: skip
    assert [h.reason for h in v3.history][-2:] == ["shots heard", "the gathering dispersed"]


def test_defaults_follow_urgency_and_an_act_deadline_before_ack_is_refused(
    db: Database, analyst: Actor
) -> None:
    with db.session() as s:
        out = issued(s, analyst, urgency="future")
        assert out.ack_deadline is not None and out.issued_at is not None
        assert out.act_deadline is not None
        assert out.ack_deadline - out.issued_at == timedelta(hours=4)
        assert out.act_deadline - out.issued_at == timedelta(hours=24)
        assert out.first_report_at is None and out.timings.report_to_issue_s is None
        other = draft(s, analyst)
    with pytest.raises(ValidationFailed) as err, db.session() as s:
        lifecycle.issue(s, analyst, other.id, IssueIn(ack_minutes=60, act_minutes=30))
    assert err.value.errors[0].field == "act_minutes"


def test_acknowledge_and_actions_measure_the_response(db: Database, analyst: Actor) -> None:
    colleague = add_user(db, Role.ANALYST, "colleague@alerts.example.org")
    on_call = add_user(db, Role.PARTNER_VIEWER, "oncall@alerts.example.org")
    with db.session() as s:
        chain = EscalationChain(name="Field desk",
                                steps=[{"after_minutes": 15, "user_ids": [on_call.user_id]}])
        s.add(chain)
        s.flush()
        made = draft(s, analyst, tlp="GREEN")
        out = lifecycle.issue(s, analyst, made.id, IssueIn(escalation_chain_id=chain.id))
    with pytest.raises(Forbidden), db.session() as s:  # neither owner nor on the chain
        lifecycle.acknowledge(s, colleague, made.id)
    with db.session() as s:  # on the chain, though only a partner viewer
        acked = lifecycle.acknowledge(s, on_call, made.id)
    assert acked.acknowledged_by == on_call.user_id and acked.timings.issue_to_ack_s is not None
    with pytest.raises(Conflict), db.session() as s:
        lifecycle.acknowledge(s, analyst, made.id)
    assert out.issued_at is not None
    later = out.issued_at + timedelta(seconds=90)
    with db.session() as s:
        lifecycle.record_action(s, colleague, made.id,
                                ActionIn(kind="authorities_contacted", taken_at=later))
        acted = lifecycle.record_action(s, analyst, made.id, ActionIn(
            kind="urgent_appeal", note="sent to the rapporteur", taken_at=later + timedelta(
                seconds=30)))  # fmt: skip
    assert acted.first_action_at == later
    assert acted.timings.issue_to_action_s == 90.0
    assert [a.kind for a in acted.actions] == ["authorities_contacted", "urgent_appeal"]
    with pytest.raises(ValidationFailed) as err, db.session() as s:
        lifecycle.record_action(s, analyst, made.id,
                                ActionIn(kind="relocation", taken_at=out.issued_at
                                         - timedelta(hours=1)))  # fmt: skip
    assert err.value.errors[0].field == "taken_at"
    with pytest.raises(ValidationFailed), db.session() as s:
        future = datetime.now(UTC) + timedelta(days=1)
        lifecycle.record_action(s, analyst, made.id, ActionIn(kind="relocation", taken_at=future))
    with pytest.raises(Forbidden), db.session() as s:  # acting needs the ALERT permission
        lifecycle.record_action(s, on_call, made.id, ActionIn(kind="referral"))


@pytest.mark.parametrize("role", [Role.DOCUMENTER, Role.PARTNER_VIEWER])
def test_roles_without_the_alert_permission_cannot_draft_or_move_alerts(
    db: Database, analyst: Actor, role: Role
) -> None:
    other = add_user(db, role, f"{role.value}@alerts.example.org")
    with db.session() as s:
        made = draft(s, analyst, tlp="CLEAR")
    calls = [
        lambda s: service.create_draft(s, other, AlertCreate(**fields())),
        lambda s: service.edit_draft(s, other, made.id, AlertUpdate(title="Changed")),
        lambda s: lifecycle.issue(s, other, made.id, IssueIn()),
        lambda s: lifecycle.close(s, other, made.id, ""),
    ]
    for call in calls:
        with pytest.raises(Forbidden), db.session() as s:
            call(s)
    with db.session() as s:  # reading is allowed
        assert service.get_alert(s, other, made.id).title == made.title


def test_each_step_only_from_its_states(db: Database, analyst: Actor) -> None:
    with db.session() as s:
        made = draft(s, analyst)
    with pytest.raises(Conflict), db.session() as s:
        lifecycle.cancel(s, analyst, made.id, "never sent")
    with pytest.raises(Conflict), db.session() as s:
        lifecycle.update(s, analyst, made.id, AlertRevise(title="New"))
    with pytest.raises(Conflict), db.session() as s:
        lifecycle.acknowledge(s, analyst, made.id)
    with db.session() as s:
        lifecycle.issue(s, analyst, made.id, IssueIn())
    with pytest.raises(Conflict), db.session() as s:
        lifecycle.issue(s, analyst, made.id, IssueIn())
    with pytest.raises(Conflict), db.session() as s:
        service.edit_draft(s, analyst, made.id, AlertUpdate(title="Rewritten"))
    with pytest.raises(ValidationFailed) as err, db.session() as s:
        lifecycle.update(s, analyst, made.id, AlertRevise(title=made.title))
    assert err.value.errors[0].field == "body"
    with pytest.raises(ValidationFailed) as err, db.session() as s:
        lifecycle.cancel(s, analyst, made.id, "  ")
    assert err.value.errors[0].field == "reason"
    with db.session() as s:
        closed = lifecycle.close(s, analyst, made.id, "the family is safe")
    assert closed.state == "closed" and closed.closed_at is not None
    with pytest.raises(Conflict), db.session() as s:
        lifecycle.cancel(s, analyst, made.id, "too late")
    with db.session() as s:  # a closed alert still takes the log of what was done
        assert lifecycle.record_action(s, analyst, made.id, ActionIn(kind="referral")).actions
    with db.session() as s:  # a draft is dropped by closing it; it was never sent
        dropped = lifecycle.close(s, analyst, draft(s, analyst).id, "duplicate")
    assert (dropped.state, dropped.msg_type) == ("closed", None)
    with pytest.raises(Conflict), db.session() as s:
        lifecycle.record_action(s, analyst, dropped.id, ActionIn(kind="referral"))
    with db.session() as s:
        assert s.get(Alert, made.id).version == 1  # type: ignore[union-attr]


def test_a_refused_step_changes_nothing(db: Database, analyst: Actor) -> None:
    with db.session() as s:
        made = draft(s, analyst, tlp="RED", recipients=[])
    with pytest.raises(ValidationFailed) as err, db.session() as s:
        lifecycle.issue(s, analyst, made.id, IssueIn())
    assert err.value.errors[0].field == "recipients"
    with db.session() as s:
        row = s.get(Alert, made.id)
        assert row is not None and (row.state, row.issued_at, row.owner_id) == ("draft", None,
                                                                                None)  # fmt: skip
    assert changes(db, made.id) == [(None, "draft", 1)]


def test_links_and_recipients_are_checked(db: Database, analyst: Actor) -> None:
    admin = add_user(db, Role.ADMIN, "admin@alerts.example.org")
    secret_event = Seeder(db, admin).event("RED")
    for links in ({"event_ids": ["no-such-event"]}, {"event_ids": [secret_event.id]}):
        with pytest.raises(ValidationFailed) as err, db.session() as s:
            draft(s, analyst, links=links)
        assert err.value.errors[0].field == "links.event_ids[0]"
        assert secret_event.secret not in err.value.detail
    with pytest.raises(ValidationFailed) as err, db.session() as s:
        draft(s, analyst, tlp="RED", recipients=["no-such-user"])
    assert err.value.errors[0].field == "recipients[0]"
    with pytest.raises(ValidationFailed) as err, db.session() as s:
        draft(s, analyst, tlp="AMBER", recipients=[admin.user_id])
    assert err.value.errors[0].field == "recipients"
    with pytest.raises(NotFound), db.session() as s:
        service.get_alert(s, analyst, "no-such-alert")


def test_the_owner_must_be_able_to_see_the_alert(db: Database) -> None:
    coordinator = add_user(db, Role.COORDINATOR, "coordinator@alerts.example.org")
    documenter = add_user(db, Role.DOCUMENTER, "documenter@alerts.example.org")
    with db.session() as s:
        made = draft(s, coordinator, tlp="RED", recipients=[coordinator.user_id])
    with pytest.raises(ValidationFailed) as err, db.session() as s:
        lifecycle.issue(s, coordinator, made.id, IssueIn(owner_id=documenter.user_id))
    assert err.value.errors[0].field == "owner_id"
    with db.session() as s:
        service.edit_draft(s, coordinator, made.id,
                           AlertUpdate(recipients=[coordinator.user_id, documenter.user_id]))
        out = lifecycle.issue(s, coordinator, made.id, IssueIn(owner_id=documenter.user_id))
    assert out.owner_id == documenter.user_id
    assert {r.email for r in out.recipients} == {coordinator.email, documenter.email}
