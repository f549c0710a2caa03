"""CAP input: a Tocsin export reads back into the same fields; hostile or broken documents
are refused naming the element, never crash the reader."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.alerts.alert_kit import draft, fields

from seeding import add_user, cheap_hashing
from tocsin.alerts import lifecycle, service
from tocsin.alerts.cap import to_cap_xml
from tocsin.alerts.cap_input import parse_cap
from tocsin.alerts.cap_map import CAP_NS
from tocsin.alerts.schemas import AlertCreate, IssueIn
from tocsin.core.db import Database
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Role

ROUND_TRIP = ("title", "description", "instruction", "severity", "urgency", "certainty",
              "category", "language", "country", "admin_area", "polygon", "tlp", "expires_at",
              "recipients")  # fmt: skip


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


def cap(info: str = "", head: str = "", scope: str = "Public", msg_type: str = "Alert") -> bytes:
    """A small CAP document; ``info`` replaces the default info block's inner elements."""
    info = info or ("<category>Security</category><event>Threat to a community</event>"
                    "<urgency>Immediate</urgency><severity>Severe</severity>"
                    "<certainty>Likely</certainty><headline>Militia near the camp</headline>")
    return (f'<alert xmlns="{CAP_NS}"><identifier>p-1</identifier><sender>ews@p.example'
            f"</sender><sent>2025-03-01T08:00:00+03:00</sent><status>Actual</status>"
            f"<msgType>{msg_type}</msgType><scope>{scope}</scope>{head}"
            f"<info>{info}</info></alert>").encode()  # fmt: skip


CASES: list[dict[str, Any]] = [
    {},
    {"tlp": "CLEAR", "country": None, "polygon": [(15.5, 32.5), (15.7, 32.6), (15.6, 32.8)],
     "language": "fr", "title": "Menaces contre l'école", "category": "school_or_hospital_attack",
     "description": "Des hommes armés « près » de l'école & du dispensaire <nord>.",
     "instruction": "Garder les enfants à la maison.", "severity": "extreme",
     "urgency": "expected", "certainty": "possible"},
    {"tlp": "AMBER+STRICT", "admin_area": "North Darfur", "category": "cultural_property",
     "expires_at": datetime(2030, 5, 1, 6, 30, tzinfo=UTC), "severity": "unknown",
     "urgency": "future", "certainty": "unlikely"},
    {"tlp": "AMBER", "country": "XQ", "language": "ar", "title": "تهديد للمدافعين في الشمال",
     "category": "defender_threat", "urgency": "past", "certainty": "observed"},
    {"tlp": "RED", "category": "other", "severity": "minor", "urgency": "unknown",
     "certainty": "unknown"},
]  # fmt: skip


@pytest.mark.parametrize("case", range(len(CASES)))
def test_an_export_imports_back_into_the_same_fields(db: Database, case: int) -> None:
    coordinator = add_user(db, Role.COORDINATOR, "coord@in.example.org")
    named = add_user(db, Role.ANALYST, "Named@In.example.org")
    extra = dict(CASES[case])
    if extra.get("tlp") == "RED":
        extra["recipients"] = [named.user_id, coordinator.user_id]
    with db.session() as s:
        made = draft(s, coordinator, **extra)
        out = lifecycle.issue(s, coordinator, made.id, IssueIn())
        back = parse_cap(s, to_cap_xml(out))
    want = AlertCreate(**fields(**extra))
    for name in ROUND_TRIP:
        assert getattr(back, name) == getattr(want, name), name


def test_an_imported_document_becomes_a_draft(db: Database) -> None:
    analyst = add_user(db, Role.ANALYST, "analyst@in.example.org")
    head = "<code>TLP:GREEN</code>"
    area = ("<area><areaDesc>Sudan</areaDesc><geocode><valueName>ISO3166-1</valueName>"
            "<value>SD</value></geocode></area>")  # fmt: skip
    info = ("<language>en-GB</language><category>Safety</category><event>Forced displacement"
            "</event><urgency>Expected</urgency><severity>Moderate</severity>"
            f"<certainty>Very Likely</certainty>{area}")  # fmt: skip
    with db.session() as s:
        made = service.import_cap(s, analyst, cap(info, head))
    assert (made.state, made.source, made.created_by) == ("draft", "cap_import", analyst.user_id)
    assert (made.title, made.category, made.certainty) == ("Forced displacement",
                                                           "displacement", "likely")
    assert (made.language, made.country, made.admin_area, made.tlp) == ("en-GB", "SD", None,
                                                                        "GREEN")  # fmt: skip
    assert made.history[0].event == "drafted"


HOSTILE = {
    "dtd": b'<?xml version="1.0"?><!DOCTYPE alert [<!ELEMENT alert ANY>]>'
    b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>',
    "entity": b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxx"><!ENTITY y "&x;&x;&x;">]>'
    b"<a>&y;</a>",
    "external": b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b"<a>&e;</a>",
    "not xml": b"<alert><unclosed></alert>",
    "empty": b"   ",
    "wrong namespace": b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.1"/>',
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_or_broken_documents_are_refused(sqlite_db: Database, name: str) -> None:
    with pytest.raises(ValidationFailed) as err, sqlite_db.session() as s:
        parse_cap(s, HOSTILE[name])
    assert err.value.errors[0].field == "alert"
    assert "root:" not in err.value.detail  # /etc/passwd was never read


def _without(tag: str) -> str:
    base = ("<category>Security</category><event>Threat</event><urgency>Immediate</urgency>"
            "<severity>Severe</severity><certainty>Likely</certainty>")  # fmt: skip
    return base.replace(f"<{tag}>", f"<x{tag}>").replace(f"</{tag}>", f"</x{tag}>")


BAD = [
    (cap(_without("severity")), "alert/info/severity"),
    (cap(_without("category")), "alert/info/category"),
    (cap(_without("event")), "alert/info/event"),
    (cap(_without("urgency").replace("<xurgency>Immediate</xurgency>",
                                     "<urgency>Now</urgency>")), "alert/info/urgency"),
    (cap(msg_type="Cancel"), "alert/msgType"),
    (cap(scope="Everyone"), "alert/scope"),
    (cap(head="<code>TLP:PURPLE</code>"), "alert/code"),
    (cap(scope="Private", head="<addresses>nobody@nowhere.example</addresses>"),
     "alert/addresses"),
    (cap(_without("x") + "<area><areaDesc>Camp</areaDesc><polygon>15,32 16</polygon></area>"),
     "alert/info/area/polygon"),
    (cap(_without("x") + "<area><areaDesc>Camp</areaDesc><polygon>95,32 16,32 16,33 95,32"
                         "</polygon></area>"), "alert/info/area/polygon"),
    (cap(_without("x") + "<area><areaDesc>Camp</areaDesc><geocode><valueName>ISO 3166-1"
                         "</valueName><value>QQQ</value></geocode></area>"),
     "alert/info/area/geocode"),
    (cap(_without("x") + "<expires>tomorrow</expires>"), "alert/info/expires"),
    (cap("<category>Security</category><event>" + "x" * 400 + "</event><urgency>Past"
         "</urgency><severity>Minor</severity><certainty>Likely</certainty>"),
     "alert/info/headline"),
    (cap().replace(b"<sent>2025-03-01T08:00:00+03:00</sent>", b""), "alert/sent"),
]  # fmt: skip


@pytest.mark.parametrize("n", range(len(BAD)))
def test_a_bad_document_is_refused_naming_the_element(sqlite_db: Database, n: int) -> None:
    document, element = BAD[n]
    with pytest.raises(ValidationFailed) as err, sqlite_db.session() as s:
        parse_cap(s, document)
    assert err.value.errors[0].field == element, err.value.detail


ELEMENTS = ["alert", "info", "identifier", "sender", "sent", "status", "msgType", "scope",
            "category", "event", "urgency", "severity", "certainty", "headline", "area",
            "areaDesc", "polygon", "geocode", "valueName", "value", "code", "addresses"]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    cut=st.integers(min_value=0, max_value=600),
    junk=st.text(max_size=30),
    swap=st.sampled_from(ELEMENTS),
    other=st.sampled_from(ELEMENTS),
)
def test_the_reader_never_crashes(
    sqlite_db: Database, cut: int, junk: str, swap: str, other: str
) -> None:
    """Truncated, spliced and renamed documents: a draft's fields or a named refusal."""
    base = cap(_without("x") + "<area><areaDesc>Camp</areaDesc><polygon>15,32 16,32 16,33 15,32"
               "</polygon></area>").decode()  # fmt: skip
    mangled = base.replace(f"<{swap}>", f"<{other}>", 1)
    mangled = mangled[:cut] + junk + mangled[cut:]
    with sqlite_db.session() as s:
        try:
            parse_cap(s, mangled.encode())
        except ValidationFailed as exc:
            assert exc.errors and exc.errors[0].field.startswith("alert")
