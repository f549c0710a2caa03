"""Review queue and cluster pages: deciding pairs, who may, what each clearance sees."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from page_client import Browser
from seeding import Rec, Seeder
from tocsin.cases import sources
from tocsin.cases.schemas import SourceLinkIn
from tocsin.core.roles import Role
from tocsin.crosscheck import review
from tocsin.crosscheck.models import MatchCandidate

Make = Callable[..., Browser]
FEATURES = [{"field": "name", "level": "close", "bayes_factor": 12.5, "engine_note": "xyzzy"}]


def propose(seed: Seeder, kind: str, a: Rec, b: Rec, score: float = 0.87) -> str:
    with seed.db.session() as s:
        review.propose(s, kind, [review.Proposal(a.id, b.id, score, FEATURES)], "test")
        return s.scalars(select(MatchCandidate.id).where(
            MatchCandidate.left_id == min(a.id, b.id),
            MatchCandidate.right_id == max(a.id, b.id))).one()  # fmt: skip


def status_of(seed: Seeder, pair_id: str) -> str:
    with seed.db.session() as s:
        row = s.get(MatchCandidate, pair_id)
        assert row is not None
        return row.status


def test_analyst_sees_the_pair_and_accepts_it(browser: Make, seed: Seeder) -> None:
    a, b = seed.person("AMBER", birth_date="1980-02"), seed.person("AMBER")
    pair = propose(seed, "person", a, b)
    analyst = browser(Role.ANALYST)
    page = analyst.get("/matches?kind=person")
    assert page.status_code == 200
    assert a.secret in page.text and b.secret in page.text and "87%" in page.text
    assert "Bayes factor" in page.text and "xyzzy" in page.text and "1980-02" in page.text
    assert f'action="/matches/{pair}/accept"' in page.text
    done = analyst.submit(f"/matches/{pair}/accept", {"reason": "same passport", "page": "1"})
    assert done.status_code == 303 and done.headers["location"].startswith("/matches?kind=person")
    assert status_of(seed, pair) == "accepted"
    assert "Merged" in analyst.get(done.headers["location"]).text  # the flash
    group = analyst.get(f"/clusters/person/{a.id}")
    assert a.secret in group.text and b.secret in group.text and "same passport" in group.text
    person = analyst.get(f"/persons/{a.id}")
    assert "Same person as" in person.text and b.secret in person.text
    assert f'action="/clusters/person/{a.id}/split"' in person.text
    assert b.secret in analyst.get("/matches?kind=person&status=accepted").text


def test_reject_is_remembered_and_a_second_decision_is_a_flash(browser: Make, seed: Seeder) -> None:
    a, b = seed.organisation("GREEN"), seed.organisation("GREEN")
    pair = propose(seed, "organisation", a, b)
    analyst = browser(Role.ANALYST)
    assert a.secret in analyst.get("/matches?kind=organisation").text
    too_long = analyst.submit(f"/matches/{pair}/reject", {"reason": "x" * 2001})
    assert too_long.status_code == 422 and "2000" in too_long.text
    assert 'aria-invalid="true"' in too_long.text and status_of(seed, pair) == "proposed"
    done = analyst.submit(f"/matches/{pair}/reject", {"reason": ""})
    assert done.status_code == 303 and status_of(seed, pair) == "rejected"
    assert a.secret not in analyst.get("/matches?kind=organisation").text
    again = analyst.submit(f"/matches/{pair}/accept", {})
    assert again.status_code == 303 and status_of(seed, pair) == "rejected"
    assert "already decided" in analyst.get(again.headers["location"]).text
    missing = analyst.submit("/matches/no-such-pair/accept", {})
    assert missing.status_code == 404


def test_documenter_reads_the_queue_but_may_not_decide(browser: Make, seed: Seeder) -> None:
    a, b = seed.person("AMBER"), seed.person("AMBER")
    pair = propose(seed, "person", a, b)
    documenter = browser(Role.DOCUMENTER)
    page = documenter.get("/matches")
    assert a.secret in page.text and "/accept" not in page.text and "<textarea" not in page.text
    assert documenter.submit(f"/matches/{pair}/accept", {}).status_code == 403
    assert documenter.submit(f"/matches/{pair}/reject", {}).status_code == 403
    assert status_of(seed, pair) == "proposed"


def test_pairs_above_clearance_are_absent(browser: Make, seed: Seeder) -> None:
    green, amber = seed.person("GREEN"), seed.person("AMBER")
    other_green = seed.person("GREEN")
    red = seed.person("RED")
    propose(seed, "person", green, amber, 0.9)
    propose(seed, "person", other_green, red, 0.8)
    shown = propose(seed, "person", green, other_green, 0.7)
    partner = browser(Role.PARTNER_VIEWER)
    page = partner.get("/matches?kind=person")
    assert amber.secret not in page.text and red.secret not in page.text
    assert green.secret in page.text and "/accept" not in page.text
    assert partner.get(f"/clusters/person/{amber.id}").status_code == 404
    analyst = browser(Role.ANALYST)  # AMBER+STRICT: sees AMBER, not RED
    seen = analyst.get("/matches?kind=person")
    assert amber.secret in seen.text and red.secret not in seen.text
    assert f"/matches/{shown}/accept" in seen.text
    assert analyst.get(f"/clusters/person/{red.id}").status_code == 404


def test_admin_sets_and_clears_auto_accept(browser: Make, seed: Seeder) -> None:
    admin = browser(Role.ADMIN)
    page = admin.get("/matches?kind=event")
    assert "without any person" in page.text and 'name="auto_accept"' in page.text
    assert admin.submit("/matches/settings/event", {"auto_accept": "0.95"}).status_code == 303
    with seed.db.session() as s:
        assert review.auto_accept_threshold(s, "event") == 0.95
    assert "95%" in admin.get("/matches?kind=event").text
    refused = admin.submit("/matches/settings/event", {"auto_accept": "0.2"})
    assert refused.status_code == 422 and 'value="0.2"' in refused.text
    assert admin.submit("/matches/settings/event", {"auto_accept": ""}).status_code == 303
    with seed.db.session() as s:
        assert review.auto_accept_threshold(s, "event") is None
    coordinator = browser(Role.COORDINATOR)
    assert 'name="auto_accept"' not in coordinator.get("/matches?kind=event").text
    forced = coordinator.submit("/matches/settings/event", {"auto_accept": "0.6"})
    assert forced.status_code == 403
    with seed.db.session() as s:
        assert review.auto_accept_threshold(s, "event") is None


def test_split_from_the_cluster_page(browser: Make, seed: Seeder) -> None:
    a, b, c = (seed.person("AMBER") for _ in range(3))
    analyst = browser(Role.ANALYST)
    for x, y in ((a, b), (b, c)):
        analyst.submit(f"/matches/{propose(seed, 'person', x, y)}/accept", {})
    group = analyst.get(f"/clusters/person/{a.id}")
    assert all(r.secret in group.text for r in (a, b, c))
    done = analyst.submit(f"/clusters/person/{c.id}/split",
                          {"reason": "different father", "back_to": a.id})  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == f"/clusters/person/{a.id}"
    after = analyst.get(done.headers["location"])
    assert c.secret not in after.text.split("History")[0] and b.secret in after.text
    with seed.db.session() as s:
        assert review.cluster_id_of(s, "person", c.id) is None
        assert review.cluster_id_of(s, "person", a.id) is not None
    again = analyst.submit(f"/clusters/person/{c.id}/split", {"back": "record"})
    assert again.headers["location"] == f"/persons/{c.id}"
    documenter = browser(Role.DOCUMENTER)
    assert "/split" not in documenter.get(f"/clusters/person/{a.id}").text
    assert documenter.submit(f"/clusters/person/{b.id}/split", {}).status_code == 403


def link(seed: Seeder, source_id: str, event_id: str) -> None:
    with seed.db.session() as s:
        target = SourceLinkIn(target_type="event", target_id=event_id)
        sources.link(s, seed.actor, source_id, target)


def test_event_page_counts_independent_sources(browser: Make, seed: Seeder) -> None:
    one, two = seed.event("AMBER"), seed.event("AMBER")
    original = seed.source("AMBER").id
    link(seed, original, one.id)
    link(seed, seed.source("AMBER", repeats_id=original).id, one.id)
    link(seed, seed.source("AMBER").id, two.id)
    link(seed, seed.source("RED").id, two.id)
    analyst = browser(Role.ANALYST)
    assert "Independent sources: 1" in analyst.get(f"/events/{one.id}").text
    analyst.submit(f"/matches/{propose(seed, 'event', one, two)}/accept", {})
    page = analyst.get(f"/events/{one.id}").text
    assert "Independent sources: 3" in page and "1 linked source you may not see" in page
    assert "Reported also as" in page and f'href="/events/{two.id}"' in page


def test_incident_form_proposes_nearby_events(browser: Make, seed: Seeder) -> None:
    place: dict[str, Any] = {"lat": 36.20, "lon": 37.15, "country": "SY"}
    near = {**place, "lat": 36.23}
    a = seed.event("GREEN", start="2024-03-05", place=place)
    b = seed.event("GREEN", start="2024-03-05", place=near)
    analyst = browser(Role.ANALYST)
    assert 'action="/matches/incidents"' in analyst.get("/matches?kind=event").text
    assert analyst.submit("/matches/incidents", {"max_km": "0"}).status_code == 422
    done = analyst.submit("/matches/incidents", {"max_km": "10"})
    assert done.status_code == 303
    queue = analyst.get(done.headers["location"])
    assert "1 new pair" in queue.text and a.secret in queue.text and b.secret in queue.text
    assert "km apart" in queue.text
    documenter = browser(Role.DOCUMENTER)
    assert documenter.submit("/matches/incidents", {"max_km": "10"}).status_code == 403


def test_a_withheld_identity_is_not_quoted_by_the_features(browser: Make, seed: Seeder) -> None:
    a, b = seed.person("AMBER"), seed.person("AMBER")
    seed.consent("AMBER", person_id=a.id, use_in_case_file=False)
    quoted = [{"field": "name", "left": a.secret, "right": b.secret, "level": "exact"}]
    with seed.db.session() as s:
        review.propose(s, "person", [review.Proposal(a.id, b.id, 0.8, quoted)], "test")
    page = browser(Role.ANALYST).get("/matches?kind=person").text
    assert "exact" in page and b.secret in page and a.secret not in page


def test_each_act_shows_its_independent_sources(browser: Make, seed: Seeder) -> None:
    event = seed.event("AMBER")
    act = seed.act("AMBER", event_id=event.id).id
    original = seed.source("AMBER").id
    with seed.db.session() as s:
        for source_id in (original, seed.source("AMBER", repeats_id=original).id,
                          seed.source("AMBER").id):  # fmt: skip
            sources.link(s, seed.actor, source_id, SourceLinkIn(target_type="act", target_id=act))
    page = browser(Role.ANALYST).get(f"/events/{event.id}").text
    item = page.split(f'id="act-{act}"')[1].split("</li>")[0]
    # Three sources linked, one repeating another: two independent.
    assert "<dt>Independent sources</dt><dd>2</dd>" in " ".join(item.split()).replace("> <", "><")
