"""CAP 1.2 output: every message type validates against the official OASIS schema, and the
rules the schema cannot express (closed polygons, identifiers without spaces or commas,
references as sender,identifier,sent) hold too."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from lxml import etree
from tests.alerts.alert_kit import draft, schema_errors

from seeding import add_user, cheap_hashing
from tocsin.alerts import lifecycle
from tocsin.alerts.cap import to_cap_json, to_cap_json_bytes, to_cap_xml
from tocsin.alerts.cap_map import CAP_NS, CapSite
from tocsin.alerts.schemas import AlertRevise, IssueIn
from tocsin.core.db import Database
from tocsin.core.errors import Conflict
from tocsin.core.roles import Role

NS = {"c": CAP_NS}
SITE = CapSite("https://tocsin.example.org")
TRIANGLE = [(15.5, 32.5), (15.7, 32.6), (15.6, 32.8)]
CAP_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$")
POLYGON = re.compile(r"^-?\d+(\.\d+)?,-?\d+(\.\d+)?( -?\d+(\.\d+)?,-?\d+(\.\d+)?){3,}$")


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


def check_spec_rules(document: bytes) -> etree._Element:
    """What CAP 1.2 section 3.2 asks beyond the XSD."""
    root = etree.fromstring(document)
    for name in ("identifier", "sender"):
        value = root.findtext(f"c:{name}", namespaces=NS) or ""
        assert value and not re.search(r"[\s,<&]", value), (name, value)
    for stamp in root.xpath("//c:sent | //c:expires", namespaces=NS):
        assert CAP_TIME.match(stamp.text), stamp.text
    for polygon in root.findall(".//c:polygon", NS):
        assert POLYGON.match(polygon.text), polygon.text
        pairs = polygon.text.split()
        assert pairs[0] == pairs[-1] and len(pairs) >= 4
    references = root.findtext("c:references", namespaces=NS)
    for triplet in (references or "").split():
        sender, identifier, sent = triplet.split(",")
        assert sender == root.findtext("c:sender", namespaces=NS) and identifier
        assert CAP_TIME.match(sent)
    return root


def test_alert_update_and_cancel_with_a_polygon_validate(db: Database) -> None:
    analyst = add_user(db, Role.ANALYST, "analyst@cap.example.org")
    with db.session() as s:
        made = draft(s, analyst, polygon=TRIANGLE, admin_area="Tawila", tlp="AMBER",
                     description="Armed men on the road to the camp.",
                     instruction="Avoid the southern road.",
                     expires_at=datetime(2031, 1, 1, 12, tzinfo=UTC))  # fmt: skip
        versions = [lifecycle.issue(s, analyst, made.id, IssueIn())]
        versions.append(lifecycle.update(s, analyst, made.id, AlertRevise(certainty="observed")))
        versions.append(lifecycle.cancel(s, analyst, made.id, "the road is open again"))
    identifiers = set()
    for alert, msg_type in zip(versions, ("Alert", "Update", "Cancel"), strict=True):
        document = to_cap_xml(alert, SITE)
        assert schema_errors(document) == []
        root = check_spec_rules(document)
        assert root.findtext("c:msgType", namespaces=NS) == msg_type
        assert root.findtext("c:scope", namespaces=NS) == "Restricted"
        assert "TLP:AMBER" in (root.findtext("c:restriction", namespaces=NS) or "")
        assert root.findtext("c:info/c:web", namespaces=NS) == SITE.page(made.id)
        assert root.findtext("c:info/c:area/c:areaDesc", namespaces=NS) == "Tawila"
        assert root.findtext("c:info/c:area/c:geocode/c:value", namespaces=NS) == "SD"
        assert root.findtext("c:info/c:severity", namespaces=NS) == "Severe"
        identifiers.add(root.findtext("c:identifier", namespaces=NS))
        refs = (root.findtext("c:references", namespaces=NS) or "").split()
        assert len(refs) == alert.version - 1
    assert len(identifiers) == 3  # each message has its own identifier
    polygon = etree.fromstring(to_cap_xml(versions[0], SITE)).findtext(".//c:polygon",
                                                                      namespaces=NS)  # fmt: skip
    assert polygon == "15.5,32.5 15.7,32.6 15.6,32.8 15.5,32.5"


@pytest.mark.parametrize(("tlp", "scope"), [("CLEAR", "Public"), ("GREEN", "Public"),
                                            ("AMBER+STRICT", "Restricted"), ("RED", "Private")])
def test_sharing_level_becomes_scope(db: Database, tlp: str, scope: str) -> None:
    coordinator = add_user(db, Role.COORDINATOR, "coord@cap.example.org")
    named = add_user(db, Role.ANALYST, "named@cap.example.org")
    red = tlp == "RED"
    with db.session() as s:
        made = draft(s, coordinator, tlp=tlp, country=None, category="defender_threat",
                     recipients=[named.user_id] if red else [])  # fmt: skip
        alert = lifecycle.issue(s, coordinator, made.id, IssueIn())
    document = to_cap_xml(alert, SITE)
    assert schema_errors(document) == []
    root = check_spec_rules(document)
    assert root.findtext("c:scope", namespaces=NS) == scope
    assert root.findtext("c:code", namespaces=NS) == f"TLP:{tlp}"
    assert (root.findtext("c:addresses", namespaces=NS) == named.email) is red
    assert (root.find("c:restriction", NS) is not None) is (scope == "Restricted")
    assert [c.text for c in root.findall("c:info/c:category", NS)] == ["Security"]
    assert root.findtext("c:info/c:area/c:areaDesc", namespaces=NS) == "Area not named"


def test_json_carries_the_same_content(db: Database) -> None:
    analyst = add_user(db, Role.ANALYST, "analyst@cap.example.org")
    with db.session() as s:
        alert = lifecycle.issue(s, analyst, draft(s, analyst, polygon=TRIANGLE).id, IssueIn())
    root = etree.fromstring(to_cap_xml(alert, SITE))
    body = json.loads(to_cap_json_bytes(alert, SITE))
    assert body == to_cap_json(alert, SITE)
    msg = body["alert"]
    for name in ("identifier", "sender", "sent", "status", "msgType", "scope"):
        assert msg[name] == root.findtext(f"c:{name}", namespaces=NS)
    info = msg["info"][0]
    assert info["headline"] == root.findtext("c:info/c:headline", namespaces=NS)
    assert info["area"][0]["polygon"] == [root.findtext(".//c:polygon", namespaces=NS)]
    assert info["eventCode"] == [{"valueName": "tocsin:category", "value": "community_threat"}]


def test_a_draft_has_no_cap_message(db: Database) -> None:
    analyst = add_user(db, Role.ANALYST, "analyst@cap.example.org")
    with db.session() as s:
        made = draft(s, analyst)
    with pytest.raises(Conflict):
        to_cap_xml(made, SITE)


def test_the_schema_check_can_fail() -> None:
    """The validator is really applied: a message missing <sent> is refused."""
    bad = f'<alert xmlns="{CAP_NS}"><identifier>x</identifier><sender>y</sender>' \
          "<status>Actual</status><msgType>Alert</msgType><scope>Public</scope></alert>"
    assert schema_errors(bad.encode())
