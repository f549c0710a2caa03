"""An issued alert as a CAP 1.2 message, in XML (``to_cap_xml``) and in JSON (``to_cap_json``).

Both are rendered from one content tree (``cap_message``) whose keys are CAP's element names in
the order the schema's sequences want, so the two never say different things. Only the alert's
own text and public fields go out: never linked records, never a person's name (the service
checks the text before a version is issued, ``protection``).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from tocsin.alerts.cap_map import (
    CAP_NS,
    CATEGORY_CODE,
    CATEGORY_EVENT,
    CATEGORY_TO_CAP,
    GEOCODE_COUNTRY,
    RESTRICTIONS,
    SENDER_NAME,
    STATUS,
    UNNAMED_AREA,
    CapSite,
    cap_time,
    cap_word,
    coordinate,
    country_name,
    message_identifier,
    scope_of,
)
from tocsin.alerts.schemas import AlertPublic
from tocsin.alerts.vocab import Category
from tocsin.core.errors import Conflict
from tocsin.core.tlp import TLP

LOCAL = CapSite()


def area_desc(alert: AlertPublic) -> str:
    if alert.admin_area:
        return alert.admin_area
    return country_name(alert.country) if alert.country else UNNAMED_AREA


def _references(alert: AlertPublic, site: CapSite) -> str:
    out = []
    for ref in alert.references:
        identifier, version, sent = ref.split(",", 2)
        out.append(f"{site.sender},{message_identifier(identifier, int(version))},{sent}")
    return " ".join(out)


def _address(email: str) -> str:
    return f'"{email}"' if " " in email else email


def cap_message(alert: AlertPublic, site: CapSite = LOCAL) -> dict[str, Any]:
    """The content of the alert's current version, keyed by CAP element name."""
    if alert.msg_type is None or alert.sent_at is None:
        raise Conflict("a draft has no CAP message: issue it first")
    tlp = TLP.parse(alert.tlp)
    msg: dict[str, Any] = {
        "identifier": message_identifier(alert.identifier, alert.version),
        "sender": site.sender,
        "sent": cap_time(alert.sent_at),
        "status": STATUS,
        "msgType": alert.msg_type,
        "scope": scope_of(tlp),
    }
    if tlp in RESTRICTIONS:
        msg["restriction"] = RESTRICTIONS[tlp]
    if tlp >= TLP.RED:
        msg["addresses"] = " ".join(_address(r.email) for r in alert.recipients)
    msg["code"] = [f"TLP:{tlp.label}"]
    if alert.references:
        msg["references"] = _references(alert, site)
    msg["info"] = [_info(alert, site)]
    return msg


def _info(alert: AlertPublic, site: CapSite) -> dict[str, Any]:
    category = Category(alert.category)
    info: dict[str, Any] = {
        "language": alert.language,
        "category": list(CATEGORY_TO_CAP[category]),
        "event": CATEGORY_EVENT[category],
        "urgency": cap_word(alert.urgency),
        "severity": cap_word(alert.severity),
        "certainty": cap_word(alert.certainty),
        "eventCode": [{"valueName": CATEGORY_CODE, "value": category.value}],
    }
    if alert.expires_at is not None:
        info["expires"] = cap_time(alert.expires_at)
    info["senderName"] = SENDER_NAME
    info["headline"] = alert.title
    if alert.description:
        info["description"] = alert.description
    if alert.instruction:
        info["instruction"] = alert.instruction
    info["web"] = site.page(alert.id)
    area: dict[str, Any] = {"areaDesc": area_desc(alert)}
    if alert.polygon:
        area["polygon"] = [" ".join(f"{coordinate(lat)},{coordinate(lon)}"
                                    for lat, lon in alert.polygon)]  # fmt: skip
    if alert.country:
        area["geocode"] = [{"valueName": GEOCODE_COUNTRY, "value": alert.country}]
    info["area"] = [area]
    return info


def _append(parent: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _append(parent, name, item)
        return
    child = ET.SubElement(parent, f"{{{CAP_NS}}}{name}")
    if isinstance(value, dict):
        for key, inner in value.items():
            _append(child, key, inner)
    else:
        child.text = str(value)


def to_cap_xml(alert: AlertPublic, site: CapSite = LOCAL) -> bytes:
    """The alert's current version as a CAP 1.2 XML document (UTF-8, with declaration)."""
    root = ET.Element(f"{{{CAP_NS}}}alert")
    for key, value in cap_message(alert, site).items():
        _append(root, key, value)
    out: bytes = ET.tostring(
        root, encoding="utf-8", xml_declaration=True, default_namespace=CAP_NS
    )
    return out


def to_cap_json(alert: AlertPublic, site: CapSite = LOCAL) -> dict[str, Any]:
    """The same content as JSON: element names as keys, repeatable elements as lists."""
    return {"alert": cap_message(alert, site)}


def to_cap_json_bytes(alert: AlertPublic, site: CapSite = LOCAL) -> bytes:
    return json.dumps(to_cap_json(alert, site), ensure_ascii=False).encode()
