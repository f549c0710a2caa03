"""Importing watchlists: each format, bad input refused whole (naming the line or element and
the field), and a re-import that replaces the list's entries and says what changed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from tests.conftest import MakeActor

from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, ValidationFailed
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.crosscheck.names import prepare
from tocsin.crosscheck.watchlists import import_list, list_watchlists, read_list
from tocsin.crosscheck.watchlists.models import WatchlistEntry, WatchlistKey

DATA = Path(__file__).parent / "data"


def raw(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


def refused(fmt: str, text: str | bytes) -> ValidationFailed:
    data = io.BytesIO(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ValidationFailed) as caught:
        read_list(fmt, data)
    return caught.value


def test_ftm_persons_and_organisations_with_other_schemas_counted() -> None:
    parsed = read_list("ftm", (DATA / "entities.ftm.json").open("rb"))
    by_id = {e.external_id: e for e in parsed.entries}
    assert set(by_id) == {"ts-ahmad-hamdani", "ts-yusuf-qasimi", "ts-crimson-front"}
    assert parsed.skipped == {"Sanction": 1, "Address": 1}
    ahmad = by_id["ts-ahmad-hamdani"]
    assert {n["name"]: n["weak"] for n in ahmad.names} == {
        "Ahmad Khalil al-Hamdani": False, "أحمد خليل الحمداني": False, "Abu Khalil": True}
    assert (ahmad.birth_dates, ahmad.nationalities) == (["1971-04-12"], ["IQ"])
    assert ahmad.identifiers == [{"type": "passportNumber", "number": "A 4471 902"}]
    assert ahmad.properties["position"] == ["Commander of a fictional brigade"]
    assert by_id["ts-crimson-front"].schema == "organisation"
    assert by_id["ts-yusuf-qasimi"].nationalities == ["SY"]  # from citizenship


def test_un_consolidated_list_xml() -> None:
    parsed = read_list("un", (DATA / "consolidated.xml").open("rb"))
    by_id = {e.external_id: e for e in parsed.entries}
    hussein, samira, battalion = by_id["900001"], by_id["900002"], by_id["900101"]
    assert hussein.caption == "HUSSEIN ABDEL RAHMAN AL-JUBOURI"
    assert {"name": "حسين عبد الرحمن الجبوري", "weak": False} in hussein.names
    assert {"name": "Abu Ali", "weak": True} in hussein.names  # QUALITY Low
    assert hussein.birth_dates == ["1968-09-01", "1967"]
    assert hussein.identifiers == [{"type": "Passport", "number": "G1234567"}]
    assert hussein.properties["individual_place_of_birth"] == [{"city": "Nowhere",
                                                                "country": "Iraq"}]
    assert samira.birth_dates == ["1975/1977"] and samira.nationalities == ["SY"]
    assert battalion.schema == "organisation" and len(battalion.names) == 2


def test_csv_list() -> None:
    parsed = read_list("csv", (DATA / "list.csv").open("rb"))
    first = parsed.entries[0]
    assert [n["name"] for n in first.names] == ["Mahmoud Salih Darwish", "Abu Salih",
                                                "محمود صالح درويش"]
    assert first.identifiers == [{"type": "passport", "number": "P 998877"}]
    assert first.nationalities == ["IQ"]
    assert first.properties == {"source_note": "a fictional entry"}
    assert [e.schema for e in parsed.entries] == ["person", "person", "organisation"]


@pytest.mark.parametrize(("fmt", "text", "field", "words"), [
    ("ftm", '{"id": "a", "schema": "Person", "properties": {"name": ["A B"]}}\n{oops\n',
     "line 2", "not JSON"),
    ("ftm", '{"id": "a", "schema": "Person", "properties": {"name": "A B"}}\n',
     "line 1 properties.name", "list"),
    ("ftm", '{"id": "a", "schema": "Person", "properties": {"name": ["A"], '
     '"birthDate": ["12/1970"]}}\n', "line 1 properties.birthDate", "not a date"),
    ("ftm", '{"id": "a", "schema": "Person", "properties": {}}\n', "line 1", "no name"),
    ("csv", "id,name\nx1,Ali Hassan\nx1,Omar Said\n", "line 3", "twice"),
    ("csv", "id,name,birth_date\nx1,Ali Hassan,1970-13-01\n", "line 2 birth_date", "not a date"),
    ("csv", "id,name,schema\nx1,Ali Hassan,vessel\n", "line 2 schema", "person or organisation"),
    ("csv", "identifier,name\nx1,Ali\n", "columns", "missing id"),
    ("un", "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>A</FIRST_NAME>"
     "</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>", "INDIVIDUAL[1] DATAID", "missing"),
    ("un", "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A"
     "</FIRST_NAME><INDIVIDUAL_DATE_OF_BIRTH><DATE>1970-02-40</DATE>"
     "</INDIVIDUAL_DATE_OF_BIRTH></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
     "INDIVIDUAL[1] (DATAID 1) INDIVIDUAL_DATE_OF_BIRTH[1] DATE", "not a date"),
    ("un", "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>\n<DATAID>1</DATAID>\n</INDIVIDUALS>",
     "line 3", "well-formed"),
    ("un", "<OTHER_LIST/>", "document", "CONSOLIDATED_LIST"),
])  # fmt: skip
def test_bad_input_names_the_place_and_field(fmt: str, text: str, field: str, words: str) -> None:
    error = refused(fmt, text)
    assert error.errors[0].field == field, error.detail
    assert words in error.errors[0].message


def test_dtd_and_entities_are_refused() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
            "<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>")
    error = refused("un", bomb)
    assert error.errors[0].field == "document" and "refused" in error.errors[0].message
    external = ('<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd">'
                "<CONSOLIDATED_LIST/>")
    assert refused("un", external).errors[0].field == "document"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_readers_never_crash_on_arbitrary_text(text: str) -> None:
    for fmt in ("ftm", "csv", "un"):
        try:
            read_list(fmt, io.BytesIO(text.encode("utf-8", "surrogatepass")))
        except ValidationFailed as exc:
            assert exc.errors and exc.errors[0].field


def _count(db: Database, list_name: str) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(WatchlistEntry).where(
            WatchlistEntry.list_name == list_name)) or 0  # fmt: skip


def test_reimport_replaces_the_list_and_reports_changes(db: Database,
                                                        make_actor: MakeActor) -> None:  # fmt: skip
    documenter = make_actor(Role.DOCUMENTER)
    first = "id,name,birth_date\na,Ali Hassan Omar,1970\nb,Samir Nasser,1980\nc,Omar Said,1990\n"
    with db.session() as s:
        report = import_list(s, documenter, "local", "csv", raw(first))
        import_list(s, documenter, "other", "csv", raw("id,name\nz,Ziad Karim\n"))
    assert (report.added, report.updated, report.removed) == (3, 0, 0)
    second = "id,name,birth_date\na,Ali Hassan Omar,1970\nb,Samir Nasser,1981\nd,Nour Salem,\n"
    with db.session() as s:
        report = import_list(s, documenter, "local", "csv", raw(second))
    assert (report.added, report.updated, report.unchanged, report.removed) == (1, 1, 1, 1)
    assert _count(db, "local") == 3 and _count(db, "other") == 1
    with db.session() as s:
        ids = set(s.scalars(select(WatchlistEntry.external_id).where(
            WatchlistEntry.list_name == "local")))  # fmt: skip
        assert ids == {"a", "b", "d"}
        keys = set(s.scalars(select(WatchlistKey.key)))
        assert {f"n:{k}" for k in prepare("Nour Salem").keys} <= keys
        stale = s.scalar(select(func.count()).select_from(WatchlistKey).where(
            WatchlistKey.entry_id.not_in(select(WatchlistEntry.id))))  # fmt: skip
        assert stale == 0
        summary = {x.list_name: x for x in list_watchlists(s, documenter)}
        assert (summary["local"].entries, summary["local"].persons) == (3, 3)
        audited = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "import", AuditEntry.entity_type == "watchlist"))  # fmt: skip
        assert audited == 3
    # A bad file leaves the list as it was: nothing of it is written.
    with pytest.raises(ValidationFailed), db.session() as s:
        import_list(s, documenter, "local", "csv", raw("id,name\nq,Good Name\nr,\n"))
    assert _count(db, "local") == 3


def test_import_needs_the_import_permission(db: Database, make_actor: MakeActor) -> None:
    with pytest.raises(Forbidden), db.session() as s:
        import_list(s, make_actor(Role.ANALYST), "x", "csv", raw("id,name\na,Ali\n"))
    with pytest.raises(ValidationFailed) as caught, db.session() as s:
        import_list(s, make_actor(Role.ADMIN), "Bad Name!", "csv", raw("id,name\na,Ali\n"))
    assert caught.value.errors[0].field == "list"
