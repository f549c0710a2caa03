"""A list kept as CSV: ``id, schema, name, aliases, birth_date, nationality, identifiers``.

Several aliases, birth dates or nationalities are separated by ``;``; identifiers are
``type:number`` pairs separated by ``;`` (a bare number is an identifier of unknown type).
Other columns are kept as the entry's properties.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from typing import BinaryIO

from tocsin.core.errors import ValidationFailed
from tocsin.crosscheck.watchlists.entries import (
    ORGANISATION,
    PERSON,
    ListEntry,
    Parsed,
    byte_lines,
    clean_text,
)

REQUIRED = ("id", "name")
COLUMNS = ("id", "schema", "name", "aliases", "birth_date", "nationality", "identifiers")
SCHEMAS = {"": PERSON, "person": PERSON, "organisation": ORGANISATION,
           "organization": ORGANISATION, "company": ORGANISATION}  # fmt: skip


def split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def parse_identifiers(value: str) -> list[tuple[str, str]]:
    pairs = []
    for item in split(value):
        kind, sep, number = item.partition(":")
        pairs.append((kind.strip(), number.strip()) if sep else ("id", kind.strip()))
    return pairs


def _lines(stream: BinaryIO) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    for n, raw in enumerate(byte_lines(stream), 1):
        try:
            yield decoder.decode(raw)
        except UnicodeDecodeError:
            raise ValidationFailed.on(f"line {n}", "is not UTF-8 text") from None


def _entry(row: dict[str, str | None], where: str) -> ListEntry:
    def cell(column: str) -> str:
        return clean_text(row.get(column) or "", f"{where} {column}")

    if None in row:
        raise ValidationFailed.on(where, "has more cells than the header has columns")
    external_id = cell("id")
    if not external_id:
        raise ValidationFailed.on(f"{where} id", "is empty")
    schema = cell("schema").casefold()
    if schema not in SCHEMAS:
        raise ValidationFailed.on(f"{where} schema", f"{schema!r}: use person or organisation")
    entry = ListEntry(external_id[:200], SCHEMAS[schema], cell("name"))
    if not entry.caption:
        raise ValidationFailed.on(f"{where} name", "is empty")
    entry.add_name(entry.caption)
    for alias in split(cell("aliases")):
        entry.add_name(alias)
    for value in split(cell("birth_date")):
        entry.add_birth_date(value, f"{where} birth_date")
    for value in split(cell("nationality")):
        entry.add_nationality(value)
    for kind, number in parse_identifiers(cell("identifiers")):
        entry.add_identifier(kind, number)
    entry.properties.update({k: v for k, v in row.items() if k not in COLUMNS and k and v})
    return entry


def read(stream: BinaryIO) -> Parsed:
    reader = csv.DictReader(_lines(stream))
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise ValidationFailed.on("line 1", f"is not CSV ({exc})") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationFailed.on("columns", f"missing {', '.join(missing)} (the header needs "
                                             f"{', '.join(REQUIRED)})")  # fmt: skip
    parsed = Parsed()
    seen: set[str] = set()
    try:
        for row in reader:
            where = f"line {reader.line_num}"
            parsed.add(_entry(row, where), where, seen)
    except csv.Error as exc:
        raise ValidationFailed.on(f"line {reader.line_num}", f"is not CSV ({exc})") from None
    return parsed
