"""Subscription settings: one's own and, for coordinators, everyone's; the form keeps what was
typed when refused; a webhook's secret is shown once; a test message reaches a real receiver
(or says why not); someone else's subscription is refused."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from html import unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from page_client import Browser
from seeding import Seeder
from tocsin.alerts.delivery_models import AlertSubscription
from tocsin.alerts.webhook_signing import verify_webhook
from tocsin.core.roles import Role

Make = Callable[..., Browser]
SECRET = re.compile(r'id="secret" type="text" readonly value="([^"]+)"')


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A webhook endpoint on this machine that takes every request and notes it."""
    got: list[dict[str, Any]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append({"headers": dict(self.headers), "body": body})
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", got
    server.shutdown()
    server.server_close()


def subscribe(client: Browser, **kw: Any) -> Any:
    data = {"name": "Darfur desk", "channel": "email", "address": "desk@ngo.example.org",
            "countries": "sd, SS", "categories": ["community_threat", "incitement"],
            "languages": "en fr", "min_severity": "moderate", "max_tlp": "GREEN",
            "active": "true", **kw}  # fmt: skip
    return client.post("/alerts/subscriptions/new", data={"csrf": client.csrf, **data},
                       follow_redirects=False)  # fmt: skip


def rows(seed: Seeder) -> list[AlertSubscription]:
    with seed.db.session() as s:
        found = list(s.query(AlertSubscription).order_by(AlertSubscription.created_at))
        s.expunge_all()
        return found


def test_people_subscribe_and_see_their_own_coordinators_everyones(
    browser: Make, seed: Seeder
) -> None:
    analyst, other, coordinator = (browser(Role.ANALYST), browser(Role.ANALYST),
                                   browser(Role.COORDINATOR))  # fmt: skip
    assert "No subscription yet." in analyst.get("/alerts/subscriptions").text
    form = analyst.get("/alerts/subscriptions/new").text
    assert 'name="user_id"' not in form  # only managers subscribe other people
    assert subscribe(analyst).status_code == 303
    [sub] = rows(seed)
    assert (sub.countries, sub.categories, sub.languages) == (
        ["SD", "SS"], ["community_threat", "incitement"], ["en", "fr"])  # fmt: skip
    assert (sub.min_severity, sub.active) == ("moderate", True)
    assert sub.user_id is not None and sub.secret is None
    mine = analyst.get("/alerts/subscriptions").text
    assert "Darfur desk" in mine and "desk@ngo.example.org" in mine
    assert "Darfur desk" not in other.get("/alerts/subscriptions").text
    everyone = coordinator.get("/alerts/subscriptions").text
    assert "Darfur desk" in everyone and "analyst." in everyone  # with whose it is
    # A coordinator makes a desk's subscription that is nobody's account.
    form = coordinator.get("/alerts/subscriptions/new").text
    assert 'name="user_id"' in form
    desk = subscribe(coordinator, name="UN desk", user_id="", organisation="UN field office")
    assert desk.status_code == 303
    assert [(r.name, r.user_id, r.organisation) for r in rows(seed)][1] == (
        "UN desk", None, "UN field office")  # fmt: skip


def test_a_refused_subscription_keeps_what_was_typed(browser: Make, seed: Seeder) -> None:
    partner = browser(Role.PARTNER_VIEWER)
    refused = subscribe(partner, address="not an address", countries="SD, Sudan")
    assert refused.status_code == 422
    page = unescape(refused.text)
    assert 'id="address-error"' in page and 'value="not an address"' in page
    assert 'value="SD, Sudan"' in page and 'value="Darfur desk"' in page
    assert 'value="incitement" checked' in page
    refused = subscribe(partner, countries="SD, Sudan")
    assert refused.status_code == 422 and 'id="countries-error"' in refused.text
    assert "&#39;Sudan&#39; is not an ISO 3166-1 alpha-2 country code" in refused.text
    refused = subscribe(partner, max_tlp="AMBER")  # above a partner's clearance
    assert refused.status_code == 422 and 'id="max_tlp-error"' in refused.text
    assert rows(seed) == []
    # A partner may not subscribe someone else, however the form is forged.
    forged = subscribe(partner, user_id=seed.actor.user_id)
    assert forged.status_code == 403 and rows(seed) == []


def test_a_webhook_secret_is_shown_once_and_a_test_reaches_the_receiver(
    browser: Make, seed: Seeder, receiver: tuple[str, list[dict[str, Any]]]
) -> None:
    url, got = receiver
    analyst = browser(Role.ANALYST)
    made = subscribe(analyst, channel="webhook", address=url)
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    assert "it is shown only once" in made.text
    secret = SECRET.search(made.text)
    assert secret is not None
    [sub] = rows(seed)
    assert analyst.get("/alerts/subscriptions").text.count(secret.group(1)) == 0
    edit = analyst.get(f"/alerts/subscriptions/{sub.id}/edit").text
    assert secret.group(1) not in edit and 'name="rotate_secret"' in edit

    tested = analyst.submit(f"/alerts/subscriptions/{sub.id}/test", {})
    assert tested.status_code == 303
    assert "Test message delivered" in analyst.get("/alerts/subscriptions").text
    [hit] = got
    headers = {k.lower(): v for k, v in hit["headers"].items()}
    assert verify_webhook(secret.group(1), headers["x-tocsin-timestamp"], hit["body"],
                          headers["x-tocsin-signature"], time.time())  # fmt: skip

    values = {"name": "Darfur desk", "address": url, "countries": "", "languages": "",
              "min_severity": "unknown", "max_tlp": "GREEN", "active": "true"}  # fmt: skip
    rotated = analyst.submit(f"/alerts/subscriptions/{sub.id}/edit",
                             {**values, "rotate_secret": "true"})  # fmt: skip
    fresh = SECRET.search(rotated.text)
    assert rotated.status_code == 200 and fresh is not None
    assert fresh.group(1) != secret.group(1)
    # Paused and saved without a new secret: no secret on the answer.
    paused = analyst.submit(f"/alerts/subscriptions/{sub.id}/edit",
                            {**values, "active": ""})  # fmt: skip
    assert paused.status_code == 303 and rows(seed)[0].active is False
    assert "Paused" in analyst.get("/alerts/subscriptions").text
    # A receiver that does not answer: the test says so, and why.
    gone = analyst.submit(f"/alerts/subscriptions/{sub.id}/edit",
                          {**values, "address": "http://127.0.0.1:9/nobody-listens"})  # fmt: skip
    assert gone.status_code == 303
    analyst.submit(f"/alerts/subscriptions/{sub.id}/test", {})
    assert "The test message was not delivered:" in analyst.get("/alerts/subscriptions").text
    assert len(got) == 1


def test_someone_elses_subscription_is_refused(browser: Make, seed: Seeder) -> None:
    owner, stranger = browser(Role.ANALYST), browser(Role.ANALYST)
    coordinator = browser(Role.COORDINATOR)
    subscribe(owner)
    [sub] = rows(seed)
    base = f"/alerts/subscriptions/{sub.id}"
    assert stranger.get(f"{base}/edit").status_code == 403
    assert stranger.submit(f"{base}/edit", {"name": "Taken over"}).status_code == 403
    assert stranger.submit(f"{base}/test", {}).status_code == 403
    assert stranger.submit(f"{base}/delete", {}).status_code == 403
    assert rows(seed)[0].name == "Darfur desk"
    assert coordinator.get(f"{base}/edit").status_code == 200
    assert owner.submit(f"{base}/delete", {}).status_code == 303
    assert rows(seed) == []
