"""Follow the Money entities as JSON lines, the shape of the OpenSanctions exports.

Persons and organisations (Person, Organization, Company, LegalEntity, PublicBody) become
entries; every other schema (addresses, sanctions, ownership...) is skipped and counted.
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO

from tocsin.core.errors import ValidationFailed
from tocsin.crosscheck.watchlists.entries import (
    ORGANISATION,
    PERSON,
    ListEntry,
    Parsed,
    byte_lines,
    clean_text,
)

SCHEMAS = {"Person": PERSON, "Organization": ORGANISATION, "Company": ORGANISATION,
           "LegalEntity": ORGANISATION, "PublicBody": ORGANISATION}  # fmt: skip
NAMES = ("name", "previousName", "alias")
WEAK_NAMES = ("weakAlias",)
PARTS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
COUNTRIES = ("nationality", "citizenship", "country", "jurisdiction", "mainCountry")
IDENTIFIERS = ("idNumber", "passportNumber", "taxNumber", "registrationNumber", "innCode",
               "ogrnCode", "vatCode", "leiCode", "imoNumber", "swiftBic", "socialSecurityNumber")
DATES = ("birthDate", "incorporationDate")


def _values(props: dict[str, Any], key: str, where: str) -> list[str]:
    values = props.get(key, [])
    if not isinstance(values, list):
        raise ValidationFailed.on(f"{where} properties.{key}", "must be a list of text")
    return [clean_text(v, f"{where} properties.{key}") for v in values]


def _entry(record: Any, where: str) -> ListEntry | str:
    """The entry, or the schema's name when it is not a person or an organisation."""
    if not isinstance(record, dict):
        raise ValidationFailed.on(where, "must be a JSON object")
    entity_id = clean_text(record.get("id"), f"{where} id", 200)
    schema = clean_text(record.get("schema"), f"{where} schema", 80)
    if not entity_id:
        raise ValidationFailed.on(f"{where} id", "is empty")
    if schema not in SCHEMAS:
        return schema
    props = record.get("properties", {})
    if not isinstance(props, dict):
        raise ValidationFailed.on(f"{where} properties", "must be a JSON object")
    entry = ListEntry(entity_id, SCHEMAS[schema], "")
    for key in NAMES:
        for name in _values(props, key, where):
            entry.add_name(name)
    for key in WEAK_NAMES:
        for name in _values(props, key, where):
            entry.add_name(name, weak=True)
    parts = [v for key in PARTS for v in _values(props, key, where)[:1]]
    if parts and not entry.names:
        entry.add_name(" ".join(parts))
    for key in DATES if entry.schema == PERSON else ():
        for value in _values(props, key, where):
            entry.add_birth_date(value.split("T", 1)[0], f"{where} properties.{key}")
    for key in COUNTRIES:
        for value in _values(props, key, where):
            entry.add_nationality(value)
    for key in IDENTIFIERS:
        for value in _values(props, key, where):
            entry.add_identifier(key, value)
    caption = record.get("caption")
    entry.caption = (clean_text(caption, f"{where} caption") if isinstance(caption, str)
                     else "") or (entry.names[0]["name"] if entry.names else entity_id)
    used = {*NAMES, *WEAK_NAMES, *COUNTRIES, *IDENTIFIERS, *DATES}
    entry.properties.update({k: v for k, v in props.items() if k not in used})
    entry.properties.update({k: record[k] for k in ("datasets", "referents", "first_seen",
                                                    "last_seen", "target") if k in record})
    return entry


def read(stream: BinaryIO) -> Parsed:
    parsed = Parsed()
    seen: set[str] = set()
    for n, raw in enumerate(byte_lines(stream), 1):
        where = f"line {n}"
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise ValidationFailed.on(where, "is not UTF-8 text") from None
        if not line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValidationFailed.on(where, f"is not JSON ({exc.msg})") from None
        found = _entry(record, where)
        if isinstance(found, str):
            parsed.skip(found)
        else:
            parsed.add(found, where, seen)
    return parsed
