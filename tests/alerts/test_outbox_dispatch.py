"""The dispatcher: the right subscribers, once each, RED only to the named, nothing protected."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta

from outbox_seed import cancel, issue, subscription, update
from sqlalchemy import func, select

from tocsin.alerts.delivery_models import AlertDelivery, AlertSubscription
from tocsin.alerts.dispatch import dispatch, idempotency_key
from tocsin.alerts.models import Alert
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.tlp import TLP

BASE = "https://tocsin.example.org"
MakeActor = Callable[..., Actor]


def deliveries(db: Database) -> list[AlertDelivery]:
    with db.session() as s:
        return list(s.scalars(select(AlertDelivery).order_by(AlertDelivery.idempotency_key)))


def run(db: Database) -> int:
    with db.session() as s:
        return dispatch(s, utcnow(), base_url=BASE)


def test_each_filter_decides_who_receives(db: Database) -> None:
    with db.session() as s:
        everyone = subscription(s)
        sudan = subscription(s, countries=["SD"])
        chad = subscription(s, countries=["TD"])
        schools = subscription(s, categories=["school_or_hospital_attack"])
        extreme_only = subscription(s, min_severity="extreme")
        moderate_up = subscription(s, min_severity="moderate")
        french = subscription(s, languages=["fr"])
        english = subscription(s, languages=["en-GB"])  # matched on the language, not region
        clear_only = subscription(s, max_tlp=0)
        paused = subscription(s, active=False)
        issue(s, tlp=1)
    assert run(db) == 4
    got = {d.subscription_id for d in deliveries(db)}
    assert got == {everyone.id, sudan.id, moderate_up.id, english.id}
    assert not got & {chad.id, schools.id, extreme_only.id, french.id, clear_only.id, paused.id}


def test_running_twice_or_racing_adds_nothing(db: Database) -> None:
    with db.session() as s:
        subs = [subscription(s) for _ in range(5)]
        issue(s)
    results: list[int] = []

    def one() -> None:
        with db.session() as s:
            results.append(dispatch(s, utcnow(), base_url=BASE))

    threads = [threading.Thread(target=one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == len(subs)  # whoever won, each row was written once
    assert run(db) == 0
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(AlertDelivery)) == len(subs)


def test_red_goes_only_to_named_recipients(db: Database, make_actor: MakeActor) -> None:
    named = make_actor(Role.COORDINATOR)
    other = make_actor(Role.COORDINATOR)
    analyst = make_actor(Role.ANALYST)  # named: a RED alert naming them is theirs to see
    cautious = make_actor(Role.COORDINATOR)  # named, but their address is a shared mailbox
    with db.session() as s:
        mine = subscription(s, user_id=named.user_id, max_tlp=4)
        theirs = subscription(s, user_id=other.user_id, max_tlp=4)
        analysts = subscription(s, user_id=analyst.user_id, max_tlp=4)
        shared = subscription(s, user_id=cautious.user_id, max_tlp=3)  # did not opt in to RED
        desk = subscription(s, max_tlp=4)  # an organisation: never RED
        red_alert = issue(s, tlp=int(TLP.RED), recipients=[named.user_id, analyst.user_id,
                                                            cautious.user_id])  # fmt: skip
        issue(s, tlp=int(TLP.AMBER_STRICT))
    assert run(db) == 2 + 5  # the two named and opted in; everyone for AMBER+STRICT
    red = {d.subscription_id for d in deliveries(db) if d.alert_id == red_alert.id}
    assert red == {mine.id, analysts.id}
    assert {theirs.id, shared.id, desk.id}.isdisjoint(red)


def test_a_person_never_receives_above_their_clearance(db: Database,
                                                       make_actor: MakeActor) -> None:  # fmt: skip
    viewer = make_actor(Role.PARTNER_VIEWER)  # cleared for GREEN
    with db.session() as s:
        subscription(s, user_id=viewer.user_id, max_tlp=3)  # as if their role was lowered later
        issue(s, tlp=int(TLP.AMBER))
        green = issue(s, tlp=int(TLP.GREEN))
    run(db)
    assert [d.alert_id for d in deliveries(db)] == [green.id]


def test_updates_and_cancellations_are_messages_of_their_own(db: Database) -> None:
    with db.session() as s:
        sub = subscription(s, channel="webhook")
        alert = issue(s)
        first_id = alert.identifier
    assert run(db) == 1
    with db.session() as s:
        update(s, s.get_one(Alert, alert.id), title="Gathering has grown")
    assert run(db) == 1
    with db.session() as s:
        cancel(s, s.get_one(Alert, alert.id))  # same version
    assert run(db) == 1
    assert run(db) == 0
    rows = deliveries(db)
    assert {d.idempotency_key for d in rows} == {
        idempotency_key(first_id, 1, sub.id, False), idempotency_key(first_id, 2, sub.id, False),
        idempotency_key(first_id, 2, sub.id, True)}  # fmt: skip
    kinds = sorted((d.alert_version, d.payload["msg_type"]) for d in rows)
    assert kinds == [(1, "Alert"), (2, "Cancel"), (2, "Update")]
    update_doc = next(d.payload["document"] for d in rows if d.payload["msg_type"] == "Update")
    assert update_doc["headline"] == "Gathering has grown"
    assert update_doc["references"] == [f"{first_id},1"]


def test_a_cancellation_with_its_own_version_is_sent_too(db: Database) -> None:
    with db.session() as s:
        subscription(s)
        alert = issue(s)
    run(db)
    with db.session() as s:
        cancel(s, s.get_one(Alert, alert.id), bump=True)
    assert run(db) == 1
    assert sorted(d.payload["msg_type"] for d in deliveries(db)) == ["Alert", "Cancel"]


def test_a_new_subscriber_gets_new_alerts_not_the_backlog(db: Database) -> None:
    with db.session() as s:
        old = issue(s)
    with db.session() as s:
        late = subscription(s, created_at=utcnow() + timedelta(seconds=1))
    assert run(db) == 0
    with db.session() as s:
        update(s, s.get_one(Alert, old.id))
    # The update was made before the subscription's (future) creation time: still nothing.
    assert run(db) == 0
    with db.session() as s:
        s.get_one(AlertSubscription, late.id).created_at = utcnow() - timedelta(minutes=5)
    assert run(db) == 1


def test_what_leaves_is_the_alert_s_own_public_text(db: Database,
                                                     make_actor: MakeActor) -> None:  # fmt: skip
    owner = make_actor(Role.COORDINATOR)
    with db.session() as s:
        subscription(s, channel="webhook")
        subscription(s, channel="email", languages=["fr", "en"])  # reads both, French first
        alert = issue(s, owner_id=owner.user_id, created_by=owner.user_id,
                      description="Shelling reported near the market.")  # fmt: skip
    run(db)
    hook, mail = sorted(deliveries(db), key=lambda d: d.channel, reverse=True)
    doc = hook.payload["document"]
    assert doc["identifier"] == alert.identifier and doc["msgType"] == "Alert"
    assert doc["idempotency_key"] == hook.idempotency_key
    assert (doc["severity"], doc["tlp"], doc["area"]["country"]) == ("severe", "GREEN", "SD")
    assert doc["cap"] == f"{BASE}/api/v1/alerts/{alert.id}/cap.xml"
    text = json.dumps(hook.payload) + json.dumps(mail.payload)
    assert owner.user_id not in text and "recipients" not in text and "created_by" not in text
    assert mail.payload["language"] == "fr"
    assert mail.payload["subject"].startswith("[TLP:GREEN] Alerte (grave): Armed group")
    assert "Shelling reported near the market." in mail.payload["text"]
    assert "Gravité: grave" in mail.payload["text"]


def test_an_alert_in_another_language_keeps_its_text_and_frames_it_in_english(
    db: Database,
) -> None:
    with db.session() as s:
        subscription(s, languages=["sw"])  # Swahili readers; we have no frame in Swahili
        issue(s, language="sw", title="Tahadhari ya kijiji")
    run(db)
    (mail,) = deliveries(db)
    assert mail.payload["language"] == "en"
    assert "Tahadhari ya kijiji" in mail.payload["subject"]


def test_drafts_and_closed_alerts_are_never_sent(db: Database) -> None:
    with db.session() as s:
        subscription(s)
        issue(s, state="draft")
        issue(s, state="closed")
    assert run(db) == 0


def test_a_long_imported_identifier_still_makes_a_key_that_fits(db: Database) -> None:
    long_id = "urn:oid:2.49.0.1.840.0." + "9" * 96
    key = idempotency_key(long_id, 12, "0" * 36, True)
    assert len(key) <= 120 and key.endswith(":12:cancel:" + "0" * 36)
    assert key != idempotency_key(long_id + "x", 12, "0" * 36, True)
    with db.session() as s:
        subscription(s)
        issue(s, identifier=long_id)
    assert run(db) == 1
