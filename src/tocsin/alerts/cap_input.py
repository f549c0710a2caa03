"""CAP 1.2 input: a document from another early-warning system, read into an alert draft.

Parsed with defusedxml, DTDs and entities refused (no entity expansion, no external fetch).
The first <info> block and its first <area> are read; a document that cannot make a draft is
refused naming the element at fault (e.g. ``alert/info/severity``). A Tocsin export reads back
into the same fields: our category from its <eventCode>, the sharing level from the TLP <code>,
recipients from <addresses> (the e-mail addresses of users on file).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.alerts.cap_map import (
    CAP_CATEGORIES,
    CAP_NS,
    CATEGORY_CODE,
    CATEGORY_EVENT,
    UNNAMED_AREA,
    country_name,
    our_word,
    tlp_of_scope,
)
from tocsin.alerts.schemas import AlertCreate
from tocsin.alerts.vocab import Category
from tocsin.core.errors import TocsinError, ValidationFailed
from tocsin.core.models import User
from tocsin.core.tlp import TLP

MAX_BYTES = 1_000_000
NS = {"cap": CAP_NS}
MSG_TYPES = ("Alert", "Update")  # a Cancel, Ack or Error carries nothing to draft
STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
SCOPES = ("Public", "Restricted", "Private")
# Where each draft field came from, so a refusal names the CAP element rather than our field.
ELEMENT_OF = {
    "title": "alert/info/headline", "description": "alert/info/description",
    "instruction": "alert/info/instruction", "severity": "alert/info/severity",
    "urgency": "alert/info/urgency", "certainty": "alert/info/certainty",
    "category": "alert/info/eventCode", "language": "alert/info/language",
    "country": "alert/info/area/geocode", "admin_area": "alert/info/area/areaDesc",
    "polygon": "alert/info/area/polygon", "expires_at": "alert/info/expires",
    "tlp": "alert/code", "recipients": "alert/addresses",
}  # fmt: skip


def _refuse(element: str, message: str) -> ValidationFailed:
    return ValidationFailed.on(element, message)


def _read(document: bytes) -> ET.Element:
    if len(document) > MAX_BYTES:
        raise _refuse("alert", f"the document is larger than {MAX_BYTES} bytes")
    if not document.strip():
        raise _refuse("alert", "the document is empty")
    try:
        root: ET.Element = DET.fromstring(document, forbid_dtd=True)
    except DefusedXmlException:
        raise _refuse("alert", "DTDs and entities are not accepted in CAP input") from None
    except ET.ParseError as exc:
        raise _refuse("alert", f"not well-formed XML ({exc})") from None
    if root.tag != f"{{{CAP_NS}}}alert":
        raise _refuse("alert", f"the root element must be <alert> in the {CAP_NS} namespace")
    return root


def _text(parent: ET.Element, name: str, path: str, required: bool = False) -> str | None:
    found = parent.find(f"cap:{name}", NS)
    value = (found.text or "").strip() if found is not None else ""
    if required and not value:
        raise _refuse(f"{path}/{name}", "is missing")
    return value or None


def _choice(parent: ET.Element, name: str, path: str, allowed: tuple[str, ...]) -> str:
    value = _text(parent, name, path, required=True)
    if value not in allowed:
        raise _refuse(f"{path}/{name}", f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _time(parent: ET.Element, name: str, path: str) -> datetime | None:
    value = _text(parent, name, path)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _refuse(f"{path}/{name}", f"{value!r} is not a CAP date and time with offset")
    return moment


def _category(info: ET.Element) -> str:
    for code in info.findall("cap:eventCode", NS):
        if _text(code, "valueName", "") == CATEGORY_CODE:
            value = _text(code, "value", "alert/info/eventCode", required=True)
            if value not in {c.value for c in Category}:
                raise _refuse("alert/info/eventCode", f"unknown Tocsin category {value!r}")
            return str(value)
    event = (_text(info, "event", "alert/info", required=True) or "").casefold()
    for category, label in CATEGORY_EVENT.items():
        if label.casefold() == event:
            return category.value
    return Category.OTHER.value


def _polygon(area: ET.Element) -> list[tuple[float, float]] | None:
    text = _text(area, "polygon", "alert/info/area")
    if text is None:
        return None
    try:
        pairs = [pair.split(",") for pair in text.split()]
        return [(float(lat), float(lon)) for lat, lon in pairs]
    except ValueError:
        raise _refuse("alert/info/area/polygon", 'write "lat,lon" pairs separated by spaces'
                      ) from None


def _area(info: ET.Element) -> dict[str, Any]:
    area = info.find("cap:area", NS)
    if area is None:
        return {}
    out: dict[str, Any] = {"polygon": _polygon(area)}
    for code in area.findall("cap:geocode", NS):
        name = (_text(code, "valueName", "") or "").upper()
        if "3166" in name:
            out["country"] = _text(code, "value", "alert/info/area/geocode", required=True)
    desc = _text(area, "areaDesc", "alert/info/area", required=True)
    country = out.get("country")
    if desc != UNNAMED_AREA and not (country and desc == country_name(str(country).upper())):
        out["admin_area"] = desc
    return out


def _tlp(root: ET.Element, scope: str) -> TLP:
    for code in root.findall("cap:code", NS):
        value = (code.text or "").strip()
        if value.upper().startswith("TLP:"):
            try:
                return TLP.parse(value, "alert/code")
            except TocsinError:
                raise _refuse("alert/code", f"unknown sharing level {value!r}") from None
    return tlp_of_scope(scope)


def _recipients(session: Session, root: ET.Element) -> list[str]:
    text = _text(root, "addresses", "alert")
    if not text:
        return []
    out = []
    for address in (a.strip('"') for a in text.split()):
        user_id = session.scalar(select(User.id).where(func.lower(User.email) == address.lower()))
        if user_id is None:
            raise _refuse("alert/addresses", f"no user on file has the address {address!r}; "
                          "import without it and name the recipients on the draft")  # fmt: skip
        out.append(user_id)
    return out


def parse_cap(session: Session, document: bytes) -> AlertCreate:
    """A draft's fields from a CAP 1.2 XML document."""
    root = _read(document)
    for name in ("identifier", "sender", "sent"):
        _text(root, name, "alert", required=True)
    _time(root, "sent", "alert")
    _choice(root, "status", "alert", STATUSES)
    _choice(root, "msgType", "alert", MSG_TYPES)
    scope = _choice(root, "scope", "alert", SCOPES)
    info = root.find("cap:info", NS)
    if info is None:
        raise _refuse("alert/info", "is missing: there is nothing to draft")
    path = "alert/info"
    if not info.findall("cap:category", NS):
        raise _refuse(f"{path}/category", "is missing")
    for cat in info.findall("cap:category", NS):
        if (cat.text or "").strip() not in CAP_CATEGORIES:
            raise _refuse(f"{path}/category", f"{cat.text!r} is not a CAP category")
    fields: dict[str, Any] = {
        "title": _text(info, "headline", path) or _text(info, "event", path, required=True),
        "description": _text(info, "description", path) or "",
        "instruction": _text(info, "instruction", path) or "",
        "severity": our_word(_text(info, "severity", path, required=True) or ""),
        "urgency": our_word(_text(info, "urgency", path, required=True) or ""),
        "certainty": our_word(_text(info, "certainty", path, required=True) or ""),
        "category": _category(info),
        "language": _text(info, "language", path) or "en",
        "expires_at": _time(info, "expires", path),
        "tlp": _tlp(root, scope).label,
        "recipients": _recipients(session, root),
        **_area(info),
    }
    try:
        return AlertCreate.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "alert"
        raise _refuse(ELEMENT_OF.get(field, "alert"), first["msg"]) from None
