"""Exports: pseudonymised by default, identities only with consent, clearance and TLP respected."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tocsin.cases import consent
from tocsin.cases.events import EventFilters
from tocsin.cases.exporter import export_cases
from tocsin.cases.importer import import_cases
from tocsin.cases.models import Act, ActPerpetrator, Consent, Event, Person
from tocsin.cases.schemas import ConsentWithdrawIn
from tocsin.core.access import Actor
from tocsin.core.auth import actor_for, create_user
from tocsin.core.crypto import KeyRing
from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, ValidationFailed
from tocsin.core.models import AuditEntry
from tocsin.core.roles import ROLE_RULES, Permission, Role, RoleRule
from tocsin.core.tlp import TLP

# Distinctive enough that an id, a hash or a timestamp never contains one by chance.
SECRETS = ("Layla", "Haddad", "ليلى", "Tariq", "Mansour", "+000 5551", "bakery", "1985-02", "Varuk")

ORG = {"type": "organisation", "ref": "O-3", "name": "Northern Brigade", "kind": "armed_group",
       "tlp": "GREEN"}  # fmt: skip
LAYLA = {
    "type": "person", "ref": "P-17", "tlp": "RED", "sex": "female", "age": 34,
    "names": [{"value": "Layla Haddad"}, {"value": "ليلى حداد", "script": "Arab"}],
    "birth_date": "1985-02", "identities": {"ethnicity": "Varuk"},
    "contact": {"phone": "+000 5551 0101"}, "notes": "Lives above the bakery", "roles": ["victim"],
    "consent": {"share_with": ["un_mechanism"], "given_on": "2020-01-15",
                "recorded_how": "written_signed", "notes": "Signed form in the safe"},
}  # fmt: skip
TARIQ = {"type": "person", "ref": "P-90", "names": [{"value": "Tariq Mansour"}],
         "roles": ["perpetrator"], "tlp": "AMBER"}  # fmt: skip
INTERVIEW = {"type": "source", "ref": "S-4", "title": "Interview with a shopkeeper",
             "source_type": "interview", "person": "P-17", "tlp": "RED"}  # fmt: skip
MARKET = {
    "ref": "EV-1", "title": "Shelling of the market", "start": "2019-03-14", "tlp": "AMBER",
    "place": {"name": "Tal Sera", "country": "XK", "lat": 36.12, "lon": 43.98},
    "acts": [
        {"act_type": "killing", "victim": {"person": "P-17"}, "sources": ["S-4"],
         "perpetrators": [{"organisation": "O-3"}, {"person": "P-90", "involvement": "ordered"}]},
        {"act_type": "forced_displacement", "tlp": "GREEN",
         "victim": {"group": "Residents of Tal Sera", "count": 340}},
    ],
    "source_refs": ["S-4"],
    "interventions": [{"type": "urgent_appeal", "on": "2019-03-20", "status": "done"}],
}  # fmt: skip
LEAFLETS = {
    "ref": "EV-2",
    "title": "Leaflets threaten returnees",
    "start": "~2020-05",
    "tlp": "CLEAR",
    "place": {"name": "Ostrel", "lat": 36.83, "lon": 43.38},
    "acts": [
        {
            "act_type": "incitement_to_violence",
            "perpetrators": [{"organisation": "O-3", "involvement": "incited"}],
        }
    ],
}
CHECKPOINT = {"ref": "EV-3", "title": "Arrests at the checkpoint", "start": "2021", "tlp": "GREEN",
              "acts": [{"act_type": "arbitrary_detention",
                        "victim": {"group": "Drivers", "count": 6}}]}  # fmt: skip
SAFE_HOUSE = {"ref": "EV-4", "title": "Raid on the safe house", "start": "2021-02-02",
              "tlp": "RED", "place": {"lat": 35.0, "lon": 44.0},
              "acts": [{"act_type": "torture", "victim": {"person": "P-17"}}]}  # fmt: skip
RECORDS = [ORG, LAYLA, TARIQ, INTERVIEW, MARKET, LEAFLETS, CHECKPOINT, SAFE_HOUSE]


@pytest.fixture
def admin(db: Database, make_actor: Any, tmp_path: Path) -> Actor:
    actor: Actor = make_actor(Role.ADMIN)
    path = tmp_path / "seed.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS), "utf-8")
    import_cases(db, actor, path)
    return actor


def export(db: Database, actor: Actor, fmt: str = "jsonl", **kw: Any) -> str:
    out = io.StringIO()
    export_cases(db, actor, out, fmt, **kw)  # type: ignore[arg-type]
    return out.getvalue()


def lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def person_id(db: Database, ref: str) -> str:
    with db.session() as s:
        return s.scalars(select(Person.id).where(Person.external_id == ref)).one()


def audit_actions(db: Database, actor: Actor) -> list[tuple[str, str]]:
    with db.session() as s:
        rows = s.execute(select(AuditEntry.action, AuditEntry.entity_type)
                         .where(AuditEntry.user_id == actor.user_id,
                                AuditEntry.action.in_(["export", "identify"]))
                         .order_by(AuditEntry.id))  # fmt: skip
        return [(a, t) for a, t in rows]


def test_export_is_pseudonymised_by_default(db: Database, admin: Actor, keyring: KeyRing) -> None:
    text = export(db, admin)
    assert not [word for word in SECRETS if word in text]
    records = lines(text)
    assert [r["type"] for r in records] == ["organisation", *["person"] * 2, "source",
                                            *["event"] * 4]  # fmt: skip
    layla = keyring.pseudonym("person", person_id(db, "P-17"))
    people = {r["ref"]: r for r in records if r["type"] == "person"}
    assert people[layla]["names"] == [{"value": layla, "script": "Latn", "kind": "alias"}]
    assert "consent" not in people[layla] and "contact" not in people[layla]
    market = next(r for r in records if r.get("ref") == "EV-1")
    assert market["acts"][0]["victim"] == {"person": layla}
    tariq = keyring.pseudonym("person", person_id(db, "P-90"))
    assert {"person": tariq, "involvement": "ordered"} in market["acts"][0]["perpetrators"]
    assert export(db, admin) == text  # pseudonyms are stable
    assert audit_actions(db, admin)[-1] == ("export", "export")


def test_identify_names_only_those_whose_consent_allows_it(db: Database, admin: Actor) -> None:
    records = lines(export(db, admin, identify=True, recipient="un_mechanism"))
    people = {r["ref"]: r for r in records if r["type"] == "person"}
    layla = people["P-17"]
    assert [n["value"] for n in layla["names"]] == ["Layla Haddad", "ليلى حداد"]
    assert layla["contact"] == {"phone": "+000 5551 0101"} and layla["birth_date"] == "1985-02"
    assert "notes" not in layla and "notes" not in layla["consent"]  # case notes stay inside
    assert "P-90" not in people  # no consent on file: pseudonymised
    assert not any("Tariq" in json.dumps(r, ensure_ascii=False) for r in records)
    internal = {r["ref"]: r for r in lines(export(db, admin, identify=True)) if "names" in r}
    assert internal["P-17"]["notes"] == "Lives above the bakery"
    assert "Layla" not in export(db, admin, identify=True, recipient="icc")
    actions = audit_actions(db, admin)
    assert ("identify", "export") in actions and ("identify", "person") in actions
    with db.session() as s:
        named = s.scalars(
            select(AuditEntry.entity_id).where(
                AuditEntry.action == "identify", AuditEntry.entity_type == "person"
            )
        ).all()
    assert set(named) == {person_id(db, "P-17")}


def test_withdrawn_consent_blocks_identification(db: Database, admin: Actor) -> None:
    assert "Layla" in export(db, admin, identify=True)
    with db.session() as s:
        given = s.scalars(select(Consent).where(Consent.person_id == person_id(db, "P-17"))).one()
        consent.withdraw(s, admin, given.id, ConsentWithdrawIn(reason="Fears reprisals"))
    text = export(db, admin, identify=True)
    assert not [word for word in SECRETS if word in text]


def test_identify_needs_its_own_permission(db: Database, admin: Actor, make_actor: Any) -> None:
    with pytest.raises(Forbidden):
        export(db, make_actor(Role.DOCUMENTER), identify=True)
    analyst = make_actor(Role.ANALYST)
    with pytest.raises(Forbidden):
        export(db, analyst, identify=True)
    text = export(db, analyst)  # analysts may export, pseudonymised and within clearance
    assert "EV-4" not in text and "Layla" not in text


def test_partner_viewer_export_holds_only_clear_and_green(
    db: Database, admin: Actor, make_actor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = make_actor(Role.PARTNER_VIEWER)
    with pytest.raises(Forbidden):
        export(db, viewer)
    # Partner viewers may not export today; granting it must not widen what they see.
    monkeypatch.setitem(
        ROLE_RULES,
        Role.PARTNER_VIEWER,
        RoleRule(TLP.GREEN, frozenset({Permission.READ, Permission.EXPORT})),
    )
    records = lines(export(db, viewer))
    assert {r["tlp"] for r in records} <= {"CLEAR", "GREEN"}
    assert {r["ref"] for r in records if r["type"] == "event"} == {"EV-2", "EV-3"}
    assert not [r for r in records if r["type"] in ("person", "source")]
    tlps = {a["tlp"] for r in records for a in r.get("acts", [])}
    assert tlps <= {"CLEAR", "GREEN"}


def test_publication_never_carries_red(db: Database, admin: Actor) -> None:
    records = lines(export(db, admin, identify=True, recipient="publication"))
    assert "RED" not in {r["tlp"] for r in records}
    assert "EV-4" not in {r.get("ref") for r in records}
    market = next(r for r in records if r.get("ref") == "EV-1")
    # The RED victim is withheld, but the act and its count remain.
    assert market["acts"][0]["victim"] == {"group": "[withheld]", "count": 1}
    assert "sources" not in market["acts"][0] and "source_refs" not in market


def test_unknown_recipient_or_format_is_refused(db: Database, admin: Actor) -> None:
    with pytest.raises(ValidationFailed, match="recipient"):
        export(db, admin, identify=True, recipient="the_press")
    with pytest.raises(ValidationFailed, match="format"):
        export(db, admin, fmt="xlsx")


def test_geojson_is_a_feature_collection(db: Database, admin: Actor, tmp_path: Path) -> None:
    path = tmp_path / "events.geojson"
    export_cases(db, admin, path, "geojson")
    doc = json.loads(path.read_text("utf-8"))
    assert doc["type"] == "FeatureCollection"
    by_id = {f["properties"]["id"]: f for f in doc["features"]}
    assert set(by_id) == {"EV-1", "EV-2", "EV-4"}  # EV-3 has no coordinates
    market = by_id["EV-1"]
    assert market["type"] == "Feature"
    assert market["geometry"] == {"type": "Point", "coordinates": [43.98, 36.12]}
    assert market["properties"] == {
        "id": "EV-1", "title": "Shelling of the market", "start": "2019-03-14",
        "end": "2019-03-14", "status": "reported",
        "act_types": ["forced_displacement", "killing"], "victim_count": 341, "tlp": "AMBER",
    }  # fmt: skip
    assert not list(tmp_path.glob("*.part"))


def fresh_db(tmp_path: Path, template: Path) -> tuple[Database, Actor]:
    path = tmp_path / "fresh.sqlite3"
    shutil.copy(template, path)
    other = Database(f"sqlite:///{path}")
    with other.session() as s:
        actor = actor_for(create_user(s, "fresh@example.org", "correct horse battery", Role.ADMIN))
    return other, actor


def test_identified_jsonl_export_reimports(
    db: Database, admin: Actor, tmp_path: Path, sqlite_template: Path, keyring: KeyRing
) -> None:
    path = tmp_path / "export.jsonl"
    export_cases(db, admin, path, "jsonl", identify=True)
    other, actor = fresh_db(tmp_path, sqlite_template)
    try:
        report = import_cases(other, actor, path)
        assert report.inserted["events"] == 4 and report.inserted["acts"] == 5
        assert report.inserted["persons"] == 2 and report.inserted["consents"] == 1
        with other.session() as s:
            layla = s.scalars(select(Person).where(Person.external_id == "P-17")).one()
            assert [n.value for n in layla.names] == ["Layla Haddad", "ليلى حداد"]
            assert (layla.tlp, layla.notes) == (4, "Lives above the bakery")
            killing = s.scalars(select(Act).where(Act.act_type == "killing")).one()
            assert killing.victim_person_id == layla.id
            assert s.scalar(select(func.count()).select_from(ActPerpetrator)) == 3
            leaflets = s.scalars(select(Event).where(Event.external_id == "EV-2")).one()
            assert (leaflets.start_precision, str(leaflets.start_date)) == (
                "approx_month",
                "2020-05-01",
            )
            # The pseudonymised person is a new record here, so it has a pseudonym of its own.
            tariq = next(
                r["ref"]
                for r in lines(path.read_text("utf-8"))
                if r["type"] == "person" and r["ref"] != "P-17"
            )
            copy = s.scalars(select(Person.id).where(Person.external_id == tariq)).one()
        # Exporting the copy gives the same records: nothing was lost on the way.
        again = tmp_path / "again.jsonl"
        export_cases(other, actor, again, "jsonl", identify=True)
        renamed = again.read_text("utf-8").replace(keyring.pseudonym("person", copy), tariq)
        assert sorted(renamed.splitlines()) == sorted(path.read_text("utf-8").splitlines())
    finally:
        other.dispose()


def test_csv_export_is_one_row_per_act_and_reimports(
    db: Database, admin: Actor, tmp_path: Path, sqlite_template: Path
) -> None:
    path = tmp_path / "export.csv"
    export_cases(db, admin, path, "csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [r["act_type"] for r in rows if r["event_ref"] == "EV-1"] == [
        "killing",
        "forced_displacement",
    ]
    assert len(rows) == 5 and not [w for w in SECRETS if w in path.read_text("utf-8")]
    killing = next(r for r in rows if r["act_type"] == "killing")
    assert killing["victim_name"] == killing["victim_ref"] != "P-17"  # a pseudonym
    assert (killing["perpetrator_ref"], killing["source_tlp"]) == ("O-3", "RED")
    other, actor = fresh_db(tmp_path, sqlite_template)
    try:
        report = import_cases(other, actor, path)
        assert report.inserted["events"] == 4 and report.inserted["acts"] == 5
        with other.session() as s:
            kept = s.scalars(select(Act).where(Act.act_type == "killing")).one()
            assert kept.victim_person_id is not None and kept.tlp == 2
    finally:
        other.dispose()


def test_csv_export_defuses_formulas(
    db: Database, admin: Actor, tmp_path: Path, sqlite_template: Path
) -> None:
    seed = tmp_path / "formula.jsonl"
    formula = {
        "ref": "=EV-9",
        "title": '=HYPERLINK("http://x.example")',
        "start": "2022",
        "tlp": "GREEN",
        "place": {"lon": -3.5, "lat": 40},
    }
    seed.write_text(json.dumps(formula))
    import_cases(db, admin, seed)
    path = tmp_path / "export.csv"
    export_cases(db, admin, path, "csv")
    row = next(r for r in csv.DictReader(path.open(encoding="utf-8")) if "EV-9" in r["event_ref"])
    assert row["event_title"] == '\'=HYPERLINK("http://x.example")' and row["longitude"] == "-3.5"
    other, actor = fresh_db(tmp_path, sqlite_template)
    try:
        import_cases(other, actor, path)
        with other.session() as s:
            event = s.scalars(select(Event).where(Event.external_id == "=EV-9")).one()
            assert (event.title, event.longitude) == ('=HYPERLINK("http://x.example")', -3.5)
    finally:
        other.dispose()


def test_filters_choose_events_and_what_they_cite(db: Database, admin: Actor) -> None:
    records = lines(export(db, admin, filters=EventFilters(act_type="incitement_to_violence")))
    assert [(r["type"], r["ref"]) for r in records] == [("organisation", "O-3"), ("event", "EV-2")]
    records = lines(export(db, admin, filters=EventFilters(act_type="killing")))
    assert [r["type"] for r in records] == ["organisation", "person", "person", "source", "event"]
