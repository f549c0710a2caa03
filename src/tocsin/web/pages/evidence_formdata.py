"""From the evidence and witness statement forms to the vault's input shapes.

Times are typed in ``datetime-local`` inputs, which carry no time zone; the forms label them as
UTC, so a value without an offset is read as UTC. A value that names its offset (a script or a
careful person typing ``+03:00``) keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tocsin.web.pages.event_formdata import PLACE_FIELDS, place_input

EVIDENCE_FIELDS = (
    "kind",
    "collected_by",
    "collected_at",
    "capture_device",
    "source_url",
    "captured_at",
    "notes",
    "tlp",
    *PLACE_FIELDS,
)
STATEMENT_FIELDS = (
    "witness_id",
    "taken_at",
    "interviewer",
    "language",
    "interpreter",
    "informed_consent",
    "consent_notes",
    "text",
    "agreement",
    "agreement_notes",
    "tlp",
    *PLACE_FIELDS,
)
_OFFSET = re.compile(r"(?:[Zz]|[+-]\d\d:?\d\d)$")


def utc_stamp(text: str) -> str | None:
    """A form's date and time as ISO 8601 with its offset; empty is None."""
    text = text.strip()
    if not text:
        return None
    if "T" in text and not _OFFSET.search(text):
        return f"{text}Z"
    return text


def has_place(values: Mapping[str, str]) -> bool:
    return any(values.get(name) for name in PLACE_FIELDS)


def evidence_input(
    values: Mapping[str, str], event_id: str | None, person_id: str | None
) -> dict[str, Any]:
    """The collector's statement for ``EvidenceCreate``, without the file's own name and type."""
    data: dict[str, Any] = {"event_id": event_id, "person_id": person_id}
    for key in ("kind", "collected_by", "capture_device", "source_url", "notes", "tlp"):
        data[key] = values.get(key) or None
    data["collected_at"] = utc_stamp(values.get("collected_at", ""))
    data["captured_at"] = utc_stamp(values.get("captured_at", ""))
    if has_place(values):
        data["place"] = place_input(values)
    if data["tlp"] is None:
        del data["tlp"]  # the schema's default applies
    return data


def statement_input(values: Mapping[str, str], event_id: str | None) -> dict[str, Any]:
    """The posted statement form for ``StatementCreate``. An unticked consent box posts nothing:
    that is a "no", said to the schema so its own message comes back."""
    data: dict[str, Any] = {"event_id": event_id}
    for key in ("witness_id", "interviewer", "language", "text", "agreement"):
        data[key] = values.get(key, "")
    for key in ("interpreter", "consent_notes", "agreement_notes"):
        data[key] = values.get(key) or None
    data["taken_at"] = utc_stamp(values.get("taken_at", "")) or ""
    data["informed_consent"] = values.get("informed_consent") == "yes"
    if values.get("tlp"):
        data["tlp"] = values["tlp"]
    if has_place(values):
        data["place"] = place_input(values)
    return data


def nul_fields(values: Mapping[str, str]) -> list[str]:
    """Fields holding a NUL character. The application refuses NUL at the door for every body
    but a multipart one (an upload is never read whole there), so the upload form checks its
    own text fields."""
    return [name for name, value in values.items() if "\x00" in value]
