"""The worker's side of alert rules: each new finding raises one alert (a draft, or issued at
once into the outbox), never twice for one window; a failing rule stops nobody; nothing a
person's name could slip into; spikes in the event data and rises of risk level."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from rules_kit import MONDAY, NO_EVENT_DATA, acts_in, day, dry, make_rule, noon
from sqlalchemy import func, select
from tests.conftest import MakeActor

from seeding import Seeder, cheap_hashing
from tocsin.alerts import service as alerts_service
from tocsin.alerts.delivery_models import AlertDelivery
from tocsin.alerts.dispatch import dispatch
from tocsin.alerts.models import Alert, AlertLink
from tocsin.alerts.rule_models import AlertRule, AlertRuleFiring
from tocsin.alerts.rules.runner import run_rules
from tocsin.alerts.subscription_schemas import SubscriptionCreate
from tocsin.alerts.subscriptions import create as subscribe
from tocsin.core.db import Database
from tocsin.core.models import User
from tocsin.core.roles import Role
from tocsin.risk.events.own_events import sync_own_events
from tocsin.risk.forecast_tables import CountryForecast, ForecastRun, RiskModel

THRESHOLD = {"country": "XQ", "act_types": ["violence_against_life"], "threshold": 3}
SATURDAY = noon(date(2024, 3, 9))


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


def run(db: Database, now: datetime = SATURDAY, path: Path = NO_EVENT_DATA) -> int:
    with db.session() as s:
        return run_rules(s, now, path)


def alerts_of(db: Database, rule_id: str) -> list[Alert]:
    with db.session() as s:
        return list(s.scalars(select(Alert).where(Alert.rule_id == rule_id)))


def test_a_new_finding_raises_one_draft_and_the_same_window_never_again(
    db: Database, make_actor: MakeActor
) -> None:
    admin, coordinator = make_actor(Role.ADMIN), make_actor(Role.COORDINATOR)
    event = acts_in(db, admin, day(1), "North", 3)
    rule = make_rule(db, coordinator, "act_threshold", THRESHOLD)
    assert run(db) == 1
    assert run(db) == 0  # the same window, a minute later: nothing new
    acts_in(db, admin, day(2), "North", 2)  # more in the same window: still the same firing
    assert run(db) == 0
    [alert] = alerts_of(db, rule.id)
    assert (alert.state, alert.source, alert.tlp, alert.created_by) == (
        "draft", "rule", 2, coordinator.user_id)  # fmt: skip
    assert (alert.country, alert.admin_area, alert.category) == ("XQ", "North",
                                                                  "community_threat")
    assert alert.title.startswith("3 documented acts of violence against life in North, XQ")
    with db.session() as s:
        links = list(s.scalars(select(AlertLink.record_id).where(AlertLink.alert_id == alert.id)))
        assert links == [event]
        firing = s.scalars(select(AlertRuleFiring)).one()
        assert (firing.key, firing.alert_id) == ("XQ/North:2024-03-04+7d", alert.id)
        assert firing.detail["count"] == 3 and firing.detail["window_end"] == "2024-03-10"
    found = dry(db, coordinator, rule.id, MONDAY, date(2024, 3, 10))
    assert [f.already_fired for f in found] == [True]
    assert found[0].title != alert.title  # five acts now: the dry run counts what is there
    acts_in(db, admin, day(7), "North", 3)  # the next week is a window of its own
    assert run(db, noon(date(2024, 3, 12))) == 1


def test_issue_true_issues_at_once_and_the_dispatcher_enqueues_it(
    db: Database, make_actor: MakeActor
) -> None:
    admin, coordinator = make_actor(Role.ADMIN), make_actor(Role.COORDINATOR)
    analyst = make_actor(Role.ANALYST)
    with db.session() as s:
        sub, _ = subscribe(s, coordinator, SubscriptionCreate(
            name="Qaranthia desk", channel="email", address="desk@example.org",
            countries=["XQ"], max_tlp="AMBER"))  # fmt: skip
        other, _ = subscribe(s, coordinator, SubscriptionCreate(
            name="Sudan desk", channel="email", address="sd@example.org", countries=["SD"],
            max_tlp="AMBER"))  # fmt: skip
    acts_in(db, admin, day(1), "North", 3)
    rule = make_rule(db, coordinator, "act_threshold",
                     {**THRESHOLD, "issue": True, "owner_id": analyst.user_id})  # fmt: skip
    assert run(db) == 1
    [alert] = alerts_of(db, rule.id)
    assert (alert.state, alert.owner_id, alert.version) == ("issued", analyst.user_id, 1)
    assert alert.ack_deadline is not None and alert.first_report_at is not None
    with db.session() as s:
        assert dispatch(s, datetime.now(UTC), base_url="https://tocsin.example.org") == 1
        rows = list(s.scalars(select(AlertDelivery)))
    assert [(r.alert_id, r.subscription_id) for r in rows] == [(alert.id, sub.id)]
    assert other.id != sub.id and rows[0].status == "pending"


def test_no_person_name_reaches_the_alert_text(db: Database, make_actor: MakeActor) -> None:
    admin, coordinator = make_actor(Role.ADMIN), make_actor(Role.COORDINATOR)
    name = "Zainab Quarrelsome"
    victim = Seeder(db, admin).person("AMBER", names=[{"value": name}]).id
    for _ in range(3):
        acts_in(db, admin, day(1), "North", title=f"{name} shot at the market",
                victim_person_id=victim, description=f"{name} was killed by a sniper.")  # fmt: skip
    rule = make_rule(db, coordinator, "act_threshold", {**THRESHOLD, "issue": True})
    [finding] = dry(db, coordinator, rule.id, MONDAY, date(2024, 3, 10))
    assert run(db) == 1
    [alert] = alerts_of(db, rule.id)
    assert alert.state == "issued"  # the protection check at issue found nothing to refuse
    text = " ".join([alert.title, alert.description, alert.instruction, alert.admin_area or "",
                     finding.title, finding.description, finding.area])  # fmt: skip
    assert "Zainab" not in text and "Quarrelsome" not in text


def test_an_issue_refused_leaves_the_draft_for_a_person(
    db: Database, make_actor: MakeActor
) -> None:
    """An area named after a protected person (it happens: a camp, a farm) cannot go out."""
    admin, coordinator = make_actor(Role.ADMIN), make_actor(Role.COORDINATOR)
    victim = Seeder(db, admin).person("AMBER", names=[{"value": "Idris Kavari"}]).id
    acts_in(db, admin, day(1), "Idris Kavari farm", 3, victim_person_id=victim)
    rule = make_rule(db, coordinator, "act_threshold", {**THRESHOLD, "issue": True})
    assert run(db) == 1
    [alert] = alerts_of(db, rule.id)
    assert alert.state == "draft"
    with db.session() as s:
        firing = s.scalars(select(AlertRuleFiring)).one()
        assert "protected" in firing.detail["issue_refused"]
        assert "Idris" not in firing.detail["issue_refused"]


def test_one_failing_rule_does_not_stop_the_others(
    db: Database, make_actor: MakeActor, caplog: pytest.LogCaptureFixture
) -> None:
    admin, coordinator = make_actor(Role.ADMIN), make_actor(Role.COORDINATOR)
    analyst = make_actor(Role.ANALYST)
    acts_in(db, admin, day(1), "North", 3)
    gone = make_rule(db, coordinator, "act_threshold", {**THRESHOLD, "owner_id": analyst.user_id},
                     name="Owner left")  # fmt: skip
    broken = make_rule(db, coordinator, "act_threshold", THRESHOLD, name="Broken")
    working = make_rule(db, coordinator, "act_threshold", THRESHOLD, name="Working")
    with db.session() as s:
        s.get(User, analyst.user_id).active = False  # type: ignore[union-attr]
        s.get(AlertRule, broken.id).params = {"threshold": "many"}  # type: ignore[union-attr]
    with caplog.at_level(logging.WARNING, logger="tocsin.alerts.rules.runner"):
        assert run(db) == 1
    assert [a.rule_id for a in alerts_of(db, working.id)] == [working.id]
    assert alerts_of(db, gone.id) == [] and alerts_of(db, broken.id) == []
    logged = caplog.text
    assert gone.id in logged and broken.id in logged and "params.threshold" in logged
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(AlertRuleFiring)) == 1
    assert run(db) == 0


def test_a_disabled_rule_does_not_run(db: Database, make_actor: MakeActor) -> None:
    from tocsin.alerts.rules import service

    admin, coordinator = make_actor(Role.ADMIN), make_actor(Role.COORDINATOR)
    acts_in(db, admin, day(1), "North", 3)
    rule = make_rule(db, coordinator, "act_threshold", THRESHOLD)
    with db.session() as s:
        service.delete_rule(s, coordinator, rule.id)
    assert run(db) == 0


def test_event_spike_rules_ask_the_event_data(
    db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    admin, coordinator = make_actor(Role.ADMIN), make_actor(Role.COORDINATOR)
    for week in range(-4, 0):  # one event a week, then six in the week of the 4th of March
        acts_in(db, admin, day(7 * week + 1), "North")
        acts_in(db, admin, day(7 * week + 1), "South")
        acts_in(db, admin, day(7 * week + 2), "South")
    spiking = [acts_in(db, admin, day(n % 5), "North") for n in range(6)]
    for n in range(3):
        acts_in(db, admin, day(n), "South")
    path = tmp_path / "events.duckdb"
    with db.session() as s:
        sync_own_events(s, admin, path)
    params = {"country": "XQ", "level": "admin1", "window": "week", "baseline_windows": 4,
              "min_count": 3, "factor": 3.0, "max_p": 0.01}  # fmt: skip
    rule = make_rule(db, coordinator, "event_spike", params)
    found = dry(db, coordinator, rule.id, date(2024, 3, 1), date(2024, 3, 10), path)
    assert [(f.admin_area, f.window_start, f.count, f.baseline_mean) for f in found] == [
        ("North", MONDAY, 6, 1.0)
    ]
    assert sorted(found[0].event_ids) == sorted(spiking)
    assert found[0].title.startswith("Sharp rise in violence against civilians in North, XQ")
    assert run(db, SATURDAY, path) == 1 and run(db, SATURDAY, path) == 0
    assert alerts_of(db, rule.id)[0].title == found[0].title
    assert dry(db, coordinator, rule.id, date(2024, 3, 1), date(2024, 3, 10)) == []  # no file


def _forecast(db: Database, at: datetime, probabilities: dict[str, float]) -> str:
    with db.session() as s:
        model = RiskModel(trained_until=2023, data_name="t.csv", data_path="/nonexistent",
                          data_sha256="0" * 64, parameters={}, card={}, train_seconds=0.0)
        s.add(model)
        s.flush()
        made = ForecastRun(model_id=model.id, year=at.year, countries=len(probabilities), tlp=1,
                           created_at=at)  # fmt: skip
        s.add(made)
        s.flush()
        for n, (country, p) in enumerate(sorted(probabilities.items()), 1):
            s.add(CountryForecast(run_id=made.id, ccode=n, country=country, name=country,
                                  probability=p, rank=n, explanation=[]))  # fmt: skip
        return made.id


def test_risk_level_rules_fire_on_a_rise_to_the_level(db: Database, make_actor: MakeActor) -> None:
    coordinator = make_actor(Role.COORDINATOR)
    _forecast(db, datetime(2025, 1, 10, tzinfo=UTC), {"XQ": 0.02, "SD": 0.12, "TD": 0.05})
    newer = _forecast(db, datetime(2025, 2, 10, tzinfo=UTC), {"XQ": 0.12, "SD": 0.02, "TD": 0.06})
    rule = make_rule(db, coordinator, "risk_level", {"min_level": "high"})
    found = dry(db, coordinator, rule.id, date(2025, 1, 1), date(2025, 3, 1))
    assert [(f.country, f.level_before, f.level_after, f.record_id) for f in found] == [
        ("XQ", "moderate", "very_high", newer)
    ]  # SD fell, TD stayed high: neither is a rise to the level
    assert "12.0%" in found[0].description and "2.0%" in found[0].description
    later = datetime(2025, 2, 12, tzinfo=UTC)
    assert run(db, later) == 1 and run(db, later) == 0
    [alert] = alerts_of(db, rule.id)
    assert alert.title == "Risk of atrocity crimes raised to very high in XQ"
    with db.session() as s:
        got = alerts_service.get_alert(s, coordinator, alert.id)
    assert got.links.forecast_run_ids == [newer]
    assert run(db, datetime(2025, 4, 1, tzinfo=UTC)) == 0  # out of the look-back period


def test_two_workers_racing_raise_one_alert(
    db: Database, make_actor: MakeActor, request: pytest.FixtureRequest
) -> None:
    if "postgres" not in request.node.callspec.id:
        pytest.skip("SQLite lets one writer at a time: there is no race to lose")
    import threading

    admin, coordinator = make_actor(Role.ADMIN), make_actor(Role.COORDINATOR)
    acts_in(db, admin, day(1), "North", 3)
    rule = make_rule(db, coordinator, "act_threshold", THRESHOLD)
    start, results = threading.Barrier(2), []

    def worker() -> None:
        start.wait()
        results.append(run(db))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 1] and len(alerts_of(db, rule.id)) == 1
