"""Importing case files: round trips, all-or-nothing on bad input, resumable, audited, permitted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from tocsin.cases.import_write import Writer
from tocsin.cases.importer import ImportFailed, ImportReport, import_cases
from tocsin.cases.models import (
    Act,
    ActPerpetrator,
    Consent,
    Event,
    EventStatusChange,
    Intervention,
    Organisation,
    Person,
    PersonName,
    Source,
    SourceLink,
)
from tocsin.cases.persons import search_tokens
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, ValidationFailed
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role

TABLES = (Organisation, Person, PersonName, Consent, Source, Event, EventStatusChange, Act,
          ActPerpetrator, SourceLink, Intervention, AuditEntry)  # fmt: skip

ARMY = {"type": "organisation", "ref": "O-1", "name": "Northern Army", "kind": "armed_force"}
BRIGADE = {"type": "organisation", "ref": "O-3", "name": "Northern Brigade", "kind": "armed_group",
           "parent": "O-1", "country": "xk", "aliases": ["The Brigade"]}  # fmt: skip
LAYLA = {
    "type": "person", "ref": "P-17",
    "names": [{"value": "Layla Haddad", "script": "Latn", "kind": "full"},
              {"value": "ليلى حداد", "script": "Arab", "kind": "full"}],
    "sex": "female", "age": 34, "birth_date": "1985-02", "nationality": "XK",
    "identities": {"ethnicity": "Varuk"}, "contact": {"phone": "+000 5551 0101"},
    "roles": ["victim", "witness"], "tlp": "RED", "notes": "Lives above the bakery",
    "consent": {"use_in_case_file": True, "share_with": ["un_mechanism", "partner_ngo"],
                "given_on": "2020-01-15", "recorded_how": "written_signed"},
}  # fmt: skip
COMMANDER = {"type": "person", "ref": "P-90", "names": [{"value": "Tariq Mansour"}],
             "roles": ["perpetrator"], "tlp": "AMBER"}  # fmt: skip
INTERVIEW = {"type": "source", "ref": "S-4", "title": "Interview with a shopkeeper",
             "source_type": "interview", "reliability": "b", "credibility": 2,
             "obtained_on": "2019-03-21", "person": "P-17", "tlp": "RED"}  # fmt: skip
MARKET = {
    "type": "event", "ref": "EV-0001", "title": "Shelling of the market in Tal Sera",
    "description": "Shells hit the market at noon.", "start": "2019-03-14", "end": "2019-03-15",
    "place": {"name": "Tal Sera", "country": "XK", "admin_area": "North Province",
              "lat": 36.12, "lon": 43.98},
    "tlp": "AMBER",
    "acts": [
        {"act_type": "killing", "place": {"name": "Tal Sera market"},
         "victim": {"person": "P-17"},
         "perpetrators": [{"organisation": "O-3", "involvement": "direct"},
                          {"person": "P-90", "involvement": "ordered"}],
         "description": "Killed at her stall.", "sources": ["S-4"]},
        {"act_type": "forced_displacement", "start": "2019-03", "tlp": "GREEN",
         "victim": {"group": "Residents of Tal Sera", "count": 340},
         "perpetrators": [{"organisation": "O-3"}]},
    ],
    "source_refs": ["S-4", "S-4"],
    "interventions": [{"type": "urgent_appeal", "on": "2019-03-20", "status": "done",
                       "actor": "Field office", "description": "Appeal to the rapporteur."}],
}  # fmt: skip
GOOD = [ARMY, BRIGADE, LAYLA, COMMANDER, INTERVIEW, MARKET]


def jsonl(path: Path, records: list[Any]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0
                for m in TABLES}  # fmt: skip


def event_line(n: int, **extra: Any) -> dict[str, Any]:
    return {"ref": f"EV-{n}", "title": f"Incident {n}", "start": "2020-05",
            "acts": [{"act_type": "arbitrary_detention",
                      "victim": {"group": "Students", "count": 3}}], **extra}  # fmt: skip


# ---- good files ---------------------------------------------------------------------------------


def test_jsonl_import_writes_every_record(db: Database, make_actor: Any, tmp_path: Path) -> None:
    actor = make_actor(Role.COORDINATOR)
    report = import_cases(db, actor, jsonl(tmp_path / "cases.jsonl", GOOD))
    assert report.inserted == {"acts": 2, "consents": 1, "events": 1, "interventions": 1,
                               "names": 3, "organisations": 2, "perpetrators": 3, "persons": 2,
                               "source_links": 2, "sources": 1}  # fmt: skip
    assert report.skipped == {} and report.records == 6 and report.lines == 6
    with db.session() as s:
        event = s.scalars(select(Event).where(Event.external_id == "EV-0001")).one()
        assert (event.title, event.status, event.tlp, event.country) == (
            "Shelling of the market in Tal Sera",
            "reported",
            2,
            "XK",
        )
        assert (str(event.start_date), str(event.end_date)) == ("2019-03-14", "2019-03-15")
        assert event.created_by == actor.user_id
        killing, displacement = event.acts
        assert killing.act_type == "killing" and killing.place_name == "Tal Sera market"
        assert killing.country == "XK" and killing.latitude == 36.12  # the rest is the event's
        assert killing.tlp == 2 and displacement.tlp == 1
        assert (str(displacement.start_date), str(displacement.end_date)) == (
            "2019-03-01",
            "2019-03-31",
        )
        assert displacement.victim_group == "Residents of Tal Sera"
        assert displacement.victim_count == 340
        layla = s.scalars(select(Person).where(Person.external_id == "P-17")).one()
        assert killing.victim_person_id == layla.id
        assert [n.value for n in layla.names] == ["Layla Haddad", "ليلى حداد"]
        assert layla.names[0].search_tokens == search_tokens("Layla Haddad")
        assert (layla.birth_date, layla.contact, layla.notes) == (
            "1985-02",
            {"phone": "+000 5551 0101"},
            "Lives above the bakery",
        )
        perps = {(p.organisation_id, p.person_id, p.involvement) for p in killing.perpetrators}
        brigade = s.scalars(select(Organisation).where(Organisation.external_id == "O-3")).one()
        commander = s.scalars(select(Person).where(Person.external_id == "P-90")).one()
        assert perps == {(brigade.id, None, "direct"), (None, commander.id, "ordered")}
        army = s.scalars(select(Organisation).where(Organisation.external_id == "O-1")).one()
        assert brigade.parent_id == army.id and brigade.country == "XK"
        consent = s.scalars(select(Consent).where(Consent.person_id == layla.id)).one()
        assert consent.share_with == ["partner_ngo", "un_mechanism"]
        assert consent.recorded_by == actor.user_id and consent.withdrawn_at is None
        source = s.scalars(select(Source)).one()
        assert (source.reliability, source.person_id) == ("B", layla.id)
        links = {(lk.target_type, lk.target_id) for lk in s.scalars(select(SourceLink))}
        assert links == {("event", event.id), ("act", killing.id)}  # S-4 twice is linked once
        history = s.scalars(select(EventStatusChange)).one()
        assert (history.from_status, history.to_status, history.reason) == (
            None,
            "reported",
            "imported",
        )
        assert s.scalars(select(Intervention)).one().intervention_type == "urgent_appeal"
        # Identifying fields never reach the database in clear.
        raw = " ".join(str(v) for v in s.execute(text(
            "SELECT value FROM person_names UNION ALL SELECT contact FROM persons "
            "UNION ALL SELECT notes FROM persons")).scalars())  # fmt: skip
        # Whole secrets, not fragments: a random key id in the ciphertext may contain "555".
        assert not [w for w in ("Layla", "ليلى", "bakery", "5551 0101") if w in raw]
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "import")))
    assert len(entries) == 1 and entries[0].detail["file"] == "cases.jsonl"
    assert entries[0].detail["inserted"]["events"] == 1 and entries[0].user_id == actor.user_id


CSV_GOOD = """\
event_ref,event_title,event_start,country,latitude,longitude,act_type,victim_ref,victim_name,\
victim_name_arabic,victim_sex,victim_age,victim_roles,victim_group,victim_count,perpetrator_ref,\
perpetrator_name,perpetrator_kind,involvement,source_ref,source_title,source_type,reliability,\
credibility,source_tlp
EV-1,Raid on Kefr Samir,2021-06-02,XK,36.27,42.71,abduction,P-1,Omar Saleh,عمر صالح,male,19,\
victim;witness,,,O-1,Northern Brigade,armed_group,direct,S-1,Interview,interview,B,2,RED
EV-1,,,,,,torture,P-1,,,,,,,,O-1,,,ordered,,,,,,
EV-2,Shelling of Ostrel,~2021-07,,,,attack_on_civilians,,,,,,,Residents of Ostrel,25,O-1,,,,S-1,,,,,
EV-1,,,,,,pillage,,,,,,,Shopkeepers,4,,,,,,,,,,
EV-2,,,,,,killing,,Samir Nasser,,male,,,,,O-1,,,,,,,,,
"""


def test_csv_import_groups_rows_by_event(db: Database, make_actor: Any, tmp_path: Path) -> None:
    path = tmp_path / "acts.csv"
    path.write_text(CSV_GOOD, encoding="utf-8")
    report = import_cases(db, make_actor(Role.ADMIN), path)
    assert report.format == "csv" and report.lines == 5
    assert report.inserted["events"] == 2 and report.inserted["acts"] == 5
    assert report.inserted["persons"] == 2 and report.inserted["organisations"] == 1
    with db.session() as s:
        raid = s.scalars(select(Event).where(Event.external_id == "EV-1")).one()
        assert [a.act_type for a in raid.acts] == ["abduction", "torture", "pillage"]
        omar = s.scalars(select(Person).where(Person.external_id == "P-1")).one()
        assert [n.value for n in omar.names] == ["Omar Saleh", "عمر صالح"]
        assert (omar.age, omar.roles, omar.tlp) == (19, ["victim", "witness"], 4)
        assert raid.acts[0].victim_person_id == omar.id == raid.acts[1].victim_person_id
        assert raid.acts[1].perpetrators[0].involvement == "ordered"
        shelling = s.scalars(select(Event).where(Event.external_id == "EV-2")).one()
        assert shelling.start_precision == "approx_month" and shelling.latitude is None
        named = s.scalars(select(Person).where(Person.external_id == "EV-2/victim-2")).one()
        assert named.names[0].value == "Samir Nasser"
        source = s.scalars(select(Source)).one()
        assert (source.title, source.tlp) == ("Interview", 4)
        assert s.scalar(select(func.count()).select_from(SourceLink)) == 2


# ---- bad files ----------------------------------------------------------------------------------


def test_bad_jsonl_writes_nothing_and_names_line_and_field(
    db: Database, make_actor: Any, tmp_path: Path
) -> None:
    lines: list[Any] = [
        *GOOD,
        event_line(2, start="2019-02-30"),
        '{"title": "broken", ',
        event_line(3, acts=[{"act_type": "teleportation"}]),
        event_line(4),
    ]
    actor = make_actor(Role.ADMIN)
    before = counts(db)
    with pytest.raises(ImportFailed) as failed:
        import_cases(db, actor, jsonl(tmp_path / "bad.jsonl", lines))
    assert counts(db) == before
    found = {(p.line, p.field) for p in failed.value.problems}
    assert found == {(7, "start"), (8, ""), (9, "acts[0].act_type")}
    messages = "\n".join(failed.value.describe(p) for p in failed.value.problems)
    assert "line 7: start: '2019-02-30' is not a real date" in messages
    assert "line 8: invalid JSON" in messages
    assert "unknown act type 'teleportation'" in messages


def test_bad_csv_names_row_and_column(db: Database, make_actor: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        CSV_GOOD.replace(",19,", ",190,").replace("O-1,,,,S-1", "O-1,,,whispered,S-1"), "utf-8"
    )
    actor = make_actor(Role.ADMIN)
    before = counts(db)
    with pytest.raises(ImportFailed) as failed:
        import_cases(db, actor, path)
    assert counts(db) == before
    assert {(p.line, p.field) for p in failed.value.problems} == {
        (2, "victim_age"),
        (4, "involvement"),
    }
    path.write_text("event_ref,act_type,victim_shoe_size\nEV-1,killing,44\n", "utf-8")
    with pytest.raises(ImportFailed) as failed:
        import_cases(db, make_actor(Role.ADMIN), path)
    assert [(p.line, p.field) for p in failed.value.problems] == [(1, "victim_shoe_size")]


def test_nul_characters_are_refused(db: Database, make_actor: Any, tmp_path: Path) -> None:
    actor = make_actor(Role.ADMIN)
    with pytest.raises(ImportFailed, match="NUL"):
        import_cases(db, actor, jsonl(tmp_path / "nul.jsonl", [event_line(1, title="a\x00b")]))
    path = tmp_path / "nul.csv"
    path.write_text("event_ref,act_type,event_title\nEV-1,killing,a\x00b\n", "utf-8")
    with pytest.raises(ImportFailed) as failed:
        import_cases(db, actor, path)
    assert [(p.line, p.field) for p in failed.value.problems] == [(2, "event_title")]


def test_person_without_consent_to_be_on_file_is_not_searchable(
    db: Database, make_actor: Any, tmp_path: Path
) -> None:
    refused = {**COMMANDER, "consent": {"use_in_case_file": False, "given_on": "2020-01-01",
                                        "recorded_how": "oral_recorded"}}  # fmt: skip
    import_cases(db, make_actor(Role.ADMIN), jsonl(tmp_path / "p.jsonl", [refused]))
    with db.session() as s:
        assert s.scalars(select(PersonName.search_tokens)).one() == ""


def test_refs_must_resolve_and_be_unique(db: Database, make_actor: Any, tmp_path: Path) -> None:
    lines = [event_line(1, acts=[{"act_type": "killing", "victim": {"person": "P-LATER"}}]),
             {**COMMANDER, "ref": "P-LATER"}, event_line(1),
             event_line(2, source_refs=["S-NOWHERE"])]  # fmt: skip
    with pytest.raises(ImportFailed) as failed:
        import_cases(db, make_actor(Role.ADMIN), jsonl(tmp_path / "refs.jsonl", lines))
    problems = {(p.line, p.field): p.message for p in failed.value.problems}
    assert "declared on line 2" in problems[(1, "acts[0].victim.person")]
    assert "already declared on line 1" in problems[(3, "ref")]
    assert "no source with ref 'S-NOWHERE'" in problems[(4, "source_refs[0]")]
    assert counts(db)["events"] == 0


def test_documenter_imports_reported_events_only(
    db: Database, make_actor: Any, tmp_path: Path
) -> None:
    path = jsonl(tmp_path / "v.jsonl", [event_line(1, status="verified")])
    with pytest.raises(ImportFailed) as failed:
        import_cases(db, make_actor(Role.DOCUMENTER), path)
    assert [p.field for p in failed.value.problems] == ["status"]
    jsonl(path, [event_line(1)])
    assert import_cases(db, make_actor(Role.DOCUMENTER), path).events == 1


@pytest.mark.parametrize("role", [Role.PARTNER_VIEWER, Role.ANALYST])
def test_roles_without_import_are_refused(
    db: Database, make_actor: Any, tmp_path: Path, role: Role
) -> None:
    actor = make_actor(role)
    before = counts(db)
    with pytest.raises(Forbidden):
        import_cases(db, actor, jsonl(tmp_path / "x.jsonl", GOOD))
    assert counts(db) == before


# ---- resuming and batches -----------------------------------------------------------------------


def test_reimport_skips_what_is_already_there(
    db: Database, make_actor: Any, tmp_path: Path
) -> None:
    actor = make_actor(Role.ADMIN)
    path = jsonl(tmp_path / "cases.jsonl", GOOD)
    import_cases(db, actor, path)
    first = counts(db)
    again = import_cases(db, actor, path)
    assert again.inserted == {}
    assert again.skipped == {"events": 1, "organisations": 2, "persons": 2, "sources": 1}
    assert {k: v for k, v in counts(db).items() if k != "audit_log"} == {
        k: v for k, v in first.items() if k != "audit_log"
    }
    # A longer version of the file adds only what is new, linked to what was there.
    torture = {"act_type": "torture", "victim": {"person": "P-17"}}
    jsonl(path, [*GOOD, event_line(2, acts=[torture])])
    more = import_cases(db, actor, path)
    assert more.inserted["events"] == 1 and more.skipped["events"] == 1
    with db.session() as s:
        layla = s.scalars(select(Person.id).where(Person.external_id == "P-17")).one()
        act = s.scalars(select(Act).where(Act.act_type == "torture")).one()
        assert act.victim_person_id == layla


def test_commit_every_commits_batches_and_resumes(
    db: Database, make_actor: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = make_actor(Role.ADMIN)
    path = jsonl(tmp_path / "many.jsonl", [event_line(n) for n in range(7)])
    calls: list[tuple[int, int]] = []
    flush = Writer.flush

    def crash_in_second_batch(writer: Writer) -> None:
        if calls:
            raise RuntimeError("power cut")
        flush(writer)

    monkeypatch.setattr(Writer, "flush", crash_in_second_batch)
    with pytest.raises(RuntimeError):
        import_cases(db, actor, path, commit_every=3, progress=lambda *a: calls.append(a))
    monkeypatch.undo()
    assert calls == [(3, 7)]
    # The first batch was committed; the second one was not, and nothing in between.
    assert counts(db)["events"] == 3 and counts(db)["acts"] == 3
    report = import_cases(db, actor, path, commit_every=3)
    assert report.skipped == {"events": 3} and report.inserted["events"] == 4
    assert report.commits == 2  # 3 new events in the first batch, 1 in the last
    assert counts(db)["events"] == 7
    with db.session() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "import")
                                 .order_by(AuditEntry.id)))  # fmt: skip
    assert [e.detail.get("final") for e in entries] == [False, False, True]


def test_empty_and_unknown_files_are_refused(db: Database, make_actor: Any, tmp_path: Path) -> None:
    actor = make_actor(Role.ADMIN)
    with pytest.raises(ImportFailed, match="no records"):
        import_cases(db, actor, jsonl(tmp_path / "empty.jsonl", ["", "// nothing here"]))
    with pytest.raises(ImportFailed, match="no such file"):
        import_cases(db, actor, tmp_path / "missing.jsonl")
    with pytest.raises(ValidationFailed, match=r"use a \.jsonl or \.csv file"):
        import_cases(db, actor, tmp_path / "cases.xlsx")


def test_demo_dataset_imports(
    db: Database, make_actor: Any, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if "postgres" in request.node.callspec.id:
        pytest.skip("the full demo is imported on SQLite only, to keep the suite quick")
    from tocsin.cases.demo import write_demo

    path = tmp_path / "demo.jsonl"
    write_demo(path)
    report: ImportReport = import_cases(db, make_actor(Role.ADMIN), path)
    assert report.events == 600 and report.skipped == {}


# ---- junk never gets in -------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(["type", "title", "start", "acts", "ref", "names",
                                        "victim", "place", "lat", "tlp", "act_type"])
                      | st.text(max_size=6), inner, max_size=5),
    max_leaves=12,
)  # fmt: skip
JUNK_LINE = st.one_of(
    st.text(max_size=60),
    JSON_VALUES.map(lambda v: json.dumps(v, ensure_ascii=False)),
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
)


@pytest.fixture
def admin(make_actor: Any) -> Actor:
    actor: Actor = make_actor(Role.ADMIN)
    return actor


# Function-scoped fixtures are set up once for all examples, which is what is wanted here: one
# database and one user, and each example checks that its file left the tables as they were.
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=st.lists(JUNK_LINE, min_size=1, max_size=6), as_csv=st.booleans())
def test_junk_is_refused_without_writing(
    db: Database, admin: Actor, tmp_path: Path, lines: list[str], as_csv: bool
) -> None:
    path = tmp_path / ("junk.csv" if as_csv else "junk.jsonl")
    path.write_bytes("\n".join(lines).encode("utf-8", errors="surrogatepass"))
    before = counts(db)
    try:
        import_cases(db, admin, path)
    except ImportFailed:
        assert counts(db) == before
    else:  # only a well-formed record can get in, and then it is audited
        assert counts(db)["audit_log"] == before["audit_log"] + 1
