"""The forms of the event page: what they store, what they refuse, and that a refusal keeps
every typed value and writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import func, select

from page_client import Browser
from seeding import Seeder
from tocsin.cases import events
from tocsin.cases.models import Act, Event, EventStatusChange, Intervention, Source, SourceLink
from tocsin.cases.schemas import EventUpdate, PerpetratorIn
from tocsin.core.db import Database
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role

pytestmark = pytest.mark.both_databases  # full-text search, concurrent edits, counts

Make = Callable[..., Browser]


def _count(db: Database, model: Any) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _message(body: str, name: str) -> str:
    """The message the page shows beside field ``name`` (empty if none)."""
    found = re.search(rf'<p class="field-error" id="{re.escape(name)}-error">([^<]*)</p>', body)
    return found.group(1) if found else ""


def _value(body: str, name: str) -> str:
    """The value an input of the page holds."""
    found = re.search(rf'name="{re.escape(name)}"[^>]* value="([^"]*)"', body)
    assert found, name
    return found.group(1)


def test_a_new_event_is_stored_and_the_browser_sent_to_its_page(
    browser: Make, db: Database
) -> None:
    client = browser(Role.DOCUMENTER)
    assert 'name="place.lat"' in client.get("/events/new").text
    r = client.submit("/events/new", {
        "title": "Shelling of the market", "start": "~2019-03", "end": "", "tlp": "AMBER",
        "description": "Three shells at noon.", "place.name": "Souk", "place.country": "sy",
        "place.admin_area": "", "place.lat": "35.5", "place.lon": "36.1",
    })
    assert r.status_code == 303
    event_id = r.headers["location"].removeprefix("/events/")
    with db.session() as s:
        stored = s.get(Event, event_id)
        assert stored is not None
        assert (stored.title, stored.country, stored.latitude) == ("Shelling of the market", "SY",
                                                                   35.5)
        assert stored.start_precision == "approx_month"
    page = client.get(r.headers["location"])
    assert "Event recorded." in page.text and "~Mar 2019" in page.text


def test_a_refused_event_form_keeps_every_value_and_writes_nothing(
    browser: Make, db: Database
) -> None:
    client = browser(Role.DOCUMENTER)
    before = (_count(db, Event), _count(db, AuditEntry))
    typed = {
        "title": "", "start": "2019-13-45", "end": "", "tlp": "AMBER+STRICT",
        "description": "Witness said <b>noon</b>", "place.name": "Ain Warda",
        "place.country": "", "place.admin_area": "North", "place.lat": "200", "place.lon": "36",
    }
    r = client.submit("/events/new", typed)
    assert r.status_code == 422
    assert "at least 1 character" in _message(r.text, "title")
    assert "not a real date" in _message(r.text, "start")
    assert "less than or equal to 90" in _message(r.text, "place.lat")
    for value in ("2019-13-45", "Ain Warda", "North", "200"):
        assert f'value="{value}"' in r.text
    assert "Witness said &lt;b&gt;noon&lt;/b&gt;</textarea>" in r.text
    assert '<option value="AMBER+STRICT" selected>' in r.text
    assert (_count(db, Event), _count(db, AuditEntry)) == before


def test_editing_changes_only_the_changed_fields_and_catches_a_concurrent_edit(
    browser: Make, seed: Seeder, db: Database
) -> None:
    event = seed.event("AMBER", description="First account", place={"name": "Tessar"})
    client = browser(Role.ANALYST)
    form = client.get(f"/events/{event.id}/edit").text
    values = {name: _value(form, name) for name in ("title", "start", "end", "place.name",
                                                     "place.country", "updated_at")}
    values |= {"description": "First account", "tlp": "AMBER", "place.admin_area": "",
               "place.lat": "", "place.lon": ""}

    r = client.submit(f"/events/{event.id}/edit", {**values, "title": "Raid on Tessar"})
    assert r.status_code == 303
    with db.session() as s:
        stored = s.get(Event, event.id)
        assert stored and (stored.title, stored.description, stored.place_name) == (
            "Raid on Tessar", "First account", "Tessar")
        update = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == event.id,
                                                    AuditEntry.action == "update")).one()
        assert update.detail == {"fields": ["title"]}

    # The form above was drawn before that save: sending it again is a conflict, not a win.
    stale = client.submit(f"/events/{event.id}/edit", {**values, "description": "Overwritten"})
    assert stale.status_code == 409
    assert "Someone else changed this event" in stale.text
    assert "Overwritten</textarea>" in stale.text
    with db.session() as s:
        assert s.get(Event, event.id).description == "First account"  # type: ignore[union-attr]
    # The refused form carries the new stamp: saving it again is a deliberate overwrite.
    again = client.submit(f"/events/{event.id}/edit",
                          {**values, "description": "Overwritten",
                           "updated_at": _value(stale.text, "updated_at")})
    assert again.status_code == 303


def test_an_act_with_a_group_victim_and_an_organisation(
    browser: Make, seed: Seeder, db: Database
) -> None:
    event = seed.event("AMBER")
    army = seed.organisation("GREEN")
    client = browser(Role.DOCUMENTER)
    form = client.get(f"/events/{event.id}/acts/new").text
    assert army.secret in form and 'hx-get="/persons/suggest"' in form
    blank = {f"perpetrators[{i}].{p}": "" for i in range(2)
             for p in ("organisation_id", "person_id", "involvement")}
    r = client.submit(f"/events/{event.id}/acts/new", {
        **blank, "act_type": "killing", "description": "", "start": "", "end": "",
        "victim_person_id": "", "victim_group": "Villagers", "victim_count": "12", "tlp": "",
        "perpetrators[1].organisation_id": army.id, "perpetrators[1].involvement": "ordered",
    })
    assert r.status_code == 303 and r.headers["location"] == f"/events/{event.id}"
    with db.session() as s:
        act = s.scalars(select(Act).where(Act.event_id == event.id)).one()
        assert (act.victim_group, act.victim_count, act.tlp) == ("Villagers", 12, 2)
        assert [(p.organisation_id, p.involvement) for p in act.perpetrators] == [
            (army.id, "ordered")]


def test_a_refused_act_puts_each_message_by_its_field_and_row(
    browser: Make, seed: Seeder, db: Database
) -> None:
    event = seed.event("AMBER")
    army = seed.organisation("GREEN")
    person = seed.person("AMBER")
    client = browser(Role.DOCUMENTER)
    before = _count(db, Act)
    r = client.submit(f"/events/{event.id}/acts/new", {
        "act_type": "killing", "victim_group": "Villagers", "victim_person_id": person.id,
        "victim_count": "0",
        "perpetrators[0].organisation_id": "", "perpetrators[0].person_id": "",
        "perpetrators[1].organisation_id": army.id, "perpetrators[1].person_id": person.id,
    })
    assert r.status_code == 422
    assert "greater than or equal to 1" in _message(r.text, "victim_count")
    second_row = r.text.split("Perpetrator 2</legend>")[1].split("Perpetrator 3")[0]
    assert "exactly one of organisation_id or person_id" in second_row
    assert f'value="{person.id}"' in r.text and 'value="Villagers"' in r.text
    assert _count(db, Act) == before

    both = client.submit(f"/events/{event.id}/acts/new", {
        "act_type": "killing", "victim_group": "Villagers", "victim_person_id": person.id,
        "victim_count": "3"})
    assert both.status_code == 422
    assert "either a person" in _message(both.text, "victim_group")
    assert _count(db, Act) == before

    unknown = client.submit(f"/events/{event.id}/acts/new", {
        "act_type": "no_such_act", "victim_count": "1"})
    assert unknown.status_code == 422
    assert "unknown act type" in _message(unknown.text, "act_type")


def test_editing_an_act_switches_the_victim_to_a_group(
    browser: Make, seed: Seeder, db: Database
) -> None:
    person = seed.person("AMBER")
    act = seed.act("AMBER", victim_person_id=person.id)
    client = browser(Role.ANALYST)
    form = client.get(f"/acts/{act.id}/edit").text
    assert f'value="{person.id}"' in form and person.secret in form
    r = client.submit(f"/acts/{act.id}/edit", {
        "act_type": "killing", "description": act.secret, "start": "2020-01-01",
        "end": "2020-01-01", "victim_person_id": "", "victim_group": "Passengers",
        "victim_count": "4", "tlp": "AMBER",
        "place.name": "", "place.country": "", "place.admin_area": "", "place.lat": "",
        "place.lon": "",
    })
    assert r.status_code == 303, r.text
    with db.session() as s:
        stored = s.get(Act, act.id)
        assert stored and (stored.victim_person_id, stored.victim_group, stored.victim_count) == (
            None, "Passengers", 4)


def test_linking_a_new_source_with_grades_and_an_existing_one_to_an_act(
    browser: Make, seed: Seeder, db: Database
) -> None:
    event = seed.event("AMBER")
    act = seed.act("AMBER", event_id=event.id)
    known = seed.source("AMBER")
    client = browser(Role.DOCUMENTER)
    assert f'value="act:{act.id}"' in client.get(f"/events/{event.id}/sources/new").text

    new = {"mode": "new", "target": "event", "note": "p. 4", "title": "Hospital register",
           "source_type": "medical_record", "reliability": "B", "credibility": "2",
           "description": "", "url": "", "obtained_on": "2024-05-01", "tlp": "AMBER"}
    assert client.submit(f"/events/{event.id}/sources/new", new).status_code == 303
    with db.session() as s:
        source = s.scalars(select(Source).where(Source.title == "Hospital register")).one()
        assert (source.reliability, source.credibility) == ("B", 2)
        link = s.scalars(select(SourceLink).where(SourceLink.source_id == source.id)).one()
        assert (link.target_type, link.target_id, link.note) == ("event", event.id, "p. 4")

    r = client.submit(f"/events/{event.id}/sources/new",
                      {"mode": "existing", "source_id": known.id, "target": f"act:{act.id}"})
    assert r.status_code == 303
    page = client.get(f"/events/{event.id}").text
    assert "Source linked." in page and known.secret in page and "B2" in page

    before = (_count(db, Source), _count(db, SourceLink))
    refused = client.submit(f"/events/{event.id}/sources/new", {**new, "title": "",
                                                                 "credibility": "9"})
    assert refused.status_code == 422
    assert _message(refused.text, "title") and _message(refused.text, "credibility")
    assert 'value="p. 4"' in refused.text
    assert (_count(db, Source), _count(db, SourceLink)) == before


def test_a_new_intervention_is_recorded_on_the_event(
    browser: Make, seed: Seeder, db: Database
) -> None:
    event = seed.event("AMBER")
    client = browser(Role.DOCUMENTER)
    r = client.submit(f"/events/{event.id}/interventions/new", {
        "intervention_type": "urgent_appeal", "status": "planned", "on_date": "2024-06-01",
        "actor": "Legal team", "description": "Appeal to the rapporteur", "outcome": "",
        "person_id": "", "tlp": "AMBER"})
    assert r.status_code == 303
    with db.session() as s:
        item = s.scalars(select(Intervention).where(Intervention.event_id == event.id)).one()
        assert (item.intervention_type, item.actor) == ("urgent_appeal", "Legal team")
    bad = client.submit(f"/events/{event.id}/interventions/new", {
        "intervention_type": "", "status": "planned", "on_date": "yesterday", "tlp": "AMBER"})
    assert bad.status_code == 422
    assert _message(bad.text, "on_date") and _message(bad.text, "intervention_type")


def test_a_status_change_is_recorded_and_a_disallowed_one_refused(
    browser: Make, seed: Seeder, db: Database
) -> None:
    event = seed.event("AMBER")
    client = browser(Role.ANALYST)
    refused = client.submit(f"/events/{event.id}/status",
                            {"status": "verified", "reason": "Looks right"})
    assert refused.status_code == 422
    assert "cannot go from reported to verified" in _message(refused.text, "status")
    assert "Looks right</textarea>" in refused.text

    done = client.submit(f"/events/{event.id}/status",
                         {"status": "under_verification", "reason": "Cross-checking"})
    assert done.status_code == 303
    with db.session() as s:
        history = s.scalars(select(EventStatusChange).where(EventStatusChange.event_id == event.id)
                            .order_by(EventStatusChange.changed_at)).all()
        assert [(h.to_status, h.reason) for h in history][-1] == ("under_verification",
                                                                  "Cross-checking")
    assert "Cross-checking" in client.get(f"/events/{event.id}").text

    documenter = browser(Role.DOCUMENTER)
    assert 'action="/events/' not in documenter.get(f"/events/{event.id}").text.split(
        "Verification")[1].split("History")[0]
    assert documenter.submit(f"/events/{event.id}/status",
                             {"status": "rejected", "reason": "No"}).status_code == 403


def test_forms_refuse_a_post_without_the_csrf_token(
    browser: Make, seed: Seeder, db: Database
) -> None:
    event = seed.event("AMBER")
    client = browser(Role.COORDINATOR)
    before = (_count(db, Event), _count(db, EventStatusChange))
    for url, data in ((("/events/new"), {"title": "Forged", "start": "2020"}),
                      (f"/events/{event.id}/status", {"status": "rejected", "reason": "Forged"})):
        r = client.post(url, data=data, follow_redirects=False)
        assert r.status_code == 403
    assert (_count(db, Event), _count(db, EventStatusChange)) == before


def test_a_partner_viewer_gets_403_on_every_form(browser: Make, seed: Seeder) -> None:
    event = seed.event("GREEN")
    act = seed.act("GREEN", event_id=event.id)
    partner = browser(Role.PARTNER_VIEWER)
    forms = ["/events/new", f"/events/{event.id}/edit", f"/events/{event.id}/acts/new",
             f"/acts/{act.id}/edit", f"/events/{event.id}/sources/new",
             f"/events/{event.id}/interventions/new"]
    for url in forms:
        assert partner.get(url).status_code == 403, url
        assert partner.submit(url, {"title": "x"}).status_code == 403, url
    assert partner.submit(f"/events/{event.id}/status",
                          {"status": "rejected", "reason": "xyz"}).status_code == 403
    page = partner.get(f"/events/{event.id}").text
    assert "/edit" not in page and "/new" not in page


def test_a_form_on_an_event_above_clearance_is_the_404_page(browser: Make, seed: Seeder) -> None:
    red = seed.event("RED")
    analyst = browser(Role.ANALYST)
    for url in (f"/events/{red.id}/edit", f"/events/{red.id}/acts/new",
                f"/events/{red.id}/sources/new"):
        r = analyst.get(url)
        assert r.status_code == 404 and red.secret not in r.text


def test_person_suggestions_name_only_the_persons_the_reader_may_see(
    browser: Make, seed: Seeder
) -> None:
    seen = seed.person("AMBER")
    hidden = seed.person("RED")
    client = browser(Role.DOCUMENTER)
    found = client.get("/persons/suggest", params={"q": seen.secret, "field": "victim_person_id"})
    assert found.status_code == 200 and seen.secret in found.text
    assert 'name="victim_person_id"' in found.text and "<html" not in found.text
    none = client.get("/persons/suggest", params={"q": hidden.secret,
                                                  "field": "victim_person_id"})
    assert hidden.secret not in none.text and hidden.id not in none.text
    assert client.get("/persons/suggest", params={"field": "bad field"}).status_code == 422


def test_an_unchanged_event_form_changes_nothing(
    browser: Make, seed: Seeder, db: Database
) -> None:
    event = seed.event("AMBER", end="2020-02")
    with seed.db.session() as s:
        events.update(s, seed.actor, event.id, EventUpdate(description="kept"))
    client = browser(Role.ANALYST)
    form = client.get(f"/events/{event.id}/edit").text
    assert 'value="2020-02"' in form
    values = {n: _value(form, n) for n in ("title", "start", "end", "updated_at")}
    values |= {"description": "kept", "tlp": "AMBER", **{f"place.{k}": "" for k in
               ("name", "country", "admin_area", "lat", "lon")}}
    before = _count(db, AuditEntry)
    assert client.submit(f"/events/{event.id}/edit", values).status_code == 303
    with db.session() as s:
        updates = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "update", AuditEntry.id > before))
        assert updates == 0


class _Fields(HTMLParser):
    """What a browser would post back from a page's form: inputs, chosen options, textareas."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "search"):
            self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in self.values:  # else the first is chosen
                self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values[a.get("name", "")] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def _fields(page: str, action: str) -> dict[str, str]:
    """The fields of the page's form that posts to ``action``."""
    form = page[page.index(f'action="{action}"'):]
    parser = _Fields()
    parser.feed(form[: form.index("</form>")])
    parser.values.pop("csrf", None)
    return parser.values


def _act_with_a_hidden_perpetrator(seed: Seeder) -> tuple[Any, Any, Any]:
    hidden = seed.organisation("RED")
    seen = seed.organisation("GREEN")
    act = seed.act("GREEN", perpetrators=[
        PerpetratorIn(organisation_id=seen.id, involvement="ordered"),
        PerpetratorIn(organisation_id=hidden.id, involvement="direct"),
    ])
    return act, hidden, seen


def _perpetrators(db: Database, act_id: str) -> list[tuple[str | None, str]]:
    with db.session() as s:
        stored = s.get(Act, act_id)
        assert stored is not None
        return sorted((p.organisation_id, p.involvement) for p in stored.perpetrators)


def test_editing_an_act_keeps_a_perpetrator_the_editor_may_not_see(
    browser: Make, seed: Seeder, db: Database
) -> None:
    act, hidden, seen = _act_with_a_hidden_perpetrator(seed)
    client = browser(Role.DOCUMENTER)
    form = client.get(f"/acts/{act.id}/edit").text
    assert hidden.id not in form and hidden.secret not in form
    assert "a perpetrator you are not cleared to see (kept)" in form.lower()
    values = _fields(form, f"/acts/{act.id}/edit")
    kept = [k for k, v in values.items() if v == "keep"]
    assert len(kept) == 1 and kept[0].startswith("perpetrators[")
    values["description"] = "Only the description changed"
    r = client.submit(f"/acts/{act.id}/edit", values)
    assert r.status_code == 303, r.text
    both = sorted([(seen.id, "ordered"), (hidden.id, "direct")])
    assert _perpetrators(db, act.id) == both
    with db.session() as s:
        stored = s.get(Act, act.id)
        assert stored and stored.description == "Only the description changed"

    # A form that lost the kept row (an older page, a crafted post) still loses nothing.
    del values[kept[0]]
    values["description"] = "Again"
    assert client.submit(f"/acts/{act.id}/edit", values).status_code == 303
    assert _perpetrators(db, act.id) == both


def test_changing_perpetrators_beside_a_hidden_one_keeps_the_hidden_one(
    browser: Make, seed: Seeder, db: Database
) -> None:
    act, hidden, seen = _act_with_a_hidden_perpetrator(seed)
    client = browser(Role.DOCUMENTER)
    values = _fields(client.get(f"/acts/{act.id}/edit").text, f"/acts/{act.id}/edit")
    assert hidden.id not in values.values()
    row = next(k for k, v in values.items() if v == seen.id).removesuffix("organisation_id")
    values[row + "involvement"] = "direct"
    r = client.submit(f"/acts/{act.id}/edit", values)
    assert r.status_code == 303
    assert hidden.id not in client.get(r.headers["location"]).text
    assert _perpetrators(db, act.id) == sorted([(seen.id, "direct"), (hidden.id, "direct")])
    # Whoever may see it can change them all.
    admin = browser(Role.ADMIN)
    values = _fields(admin.get(f"/acts/{act.id}/edit").text, f"/acts/{act.id}/edit")
    assert hidden.id in values.values() and "keep" not in values.values()
    values[row + "organisation_id"] = ""
    assert admin.submit(f"/acts/{act.id}/edit", values).status_code == 303
    assert _perpetrators(db, act.id) == [(hidden.id, "direct")]


def test_editing_an_act_keeps_a_victim_the_editor_may_not_see(
    browser: Make, seed: Seeder, db: Database
) -> None:
    victim = seed.person("RED")
    act = seed.act("GREEN", victim_person_id=victim.id)
    client = browser(Role.DOCUMENTER)
    form = client.get(f"/acts/{act.id}/edit").text
    assert victim.id not in form and victim.secret not in form
    values = _fields(form, f"/acts/{act.id}/edit")
    assert values["victim_person_id"] == "keep"
    values["victim_count"] = "2"
    assert client.submit(f"/acts/{act.id}/edit", values).status_code == 303
    values["victim_person_id"] = ""
    r = client.submit(f"/acts/{act.id}/edit", values)
    assert r.status_code == 422 and "not cleared to see" in _message(r.text, "victim_person_id")
    assert victim.id not in r.text
    with db.session() as s:
        stored = s.get(Act, act.id)
        assert stored and (stored.victim_person_id, stored.victim_count) == (victim.id, 2)


def test_perpetrator_rows_past_the_form_are_saved_or_refused_never_dropped(
    browser: Make, seed: Seeder, db: Database
) -> None:
    event = seed.event("GREEN")
    army = seed.organisation("GREEN")
    client = browser(Role.DOCUMENTER)
    base = {"act_type": "killing", "victim_count": "1"}
    far = client.submit(f"/events/{event.id}/acts/new", {
        **base, "perpetrators[5].organisation_id": army.id})
    assert far.status_code == 303
    too_far = client.submit(f"/events/{event.id}/acts/new", {
        **base, "description": "too far", "perpetrators[99].organisation_id": army.id})
    assert too_far.status_code == 422
    assert "nothing was saved" in _message(too_far.text, "perpetrators")
    with db.session() as s:
        stored = s.scalars(select(Act).where(Act.event_id == event.id)).all()
        assert [[p.organisation_id for p in a.perpetrators] for a in stored] == [[army.id]]


def test_a_refusal_quoting_a_percent_sign_is_shown_as_typed(browser: Make) -> None:
    """Messages that quote what was typed pass through gettext; "%" must not break the page."""
    client = browser(Role.DOCUMENTER)
    r = client.submit("/events/new", {"title": "Raid", "start": "50%(x)s%", "tlp": "AMBER"})
    assert r.status_code == 422
    assert "50%(x)s%" in _message(r.text, "start")
