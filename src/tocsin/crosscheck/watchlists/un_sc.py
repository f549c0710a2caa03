"""The UN Security Council consolidated list (XML), read element by element.

The file is parsed incrementally, and a DTD or entity declaration is refused outright: a list
downloaded from elsewhere must not be able to expand itself (billion laughs) or read local
files (external entities).
"""

from __future__ import annotations

from typing import Any, BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from tocsin.core.errors import ValidationFailed
from tocsin.crosscheck.watchlists.entries import (
    ORGANISATION,
    PERSON,
    ListEntry,
    Parsed,
    clean_text,
)

ROOT = "CONSOLIDATED_LIST"
KINDS = {"INDIVIDUAL": PERSON, "ENTITY": ORGANISATION}
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
WEAK_QUALITY = {"low"}
CONSUMED = {"DATAID", *NAME_PARTS, "NAME_ORIGINAL_SCRIPT", "INDIVIDUAL_ALIAS", "ENTITY_ALIAS"}


def _text(elem: Element | None, where: str) -> str:
    if elem is None or elem.text is None:
        return ""
    return clean_text(elem.text, f"{where} {elem.tag}")


def _child(elem: Element, tag: str, where: str) -> str:
    return _text(elem.find(tag), where)


def _birth_dates(entry: ListEntry, elem: Element, where: str) -> None:
    for i, dob in enumerate(elem.findall("INDIVIDUAL_DATE_OF_BIRTH"), 1):
        here = f"{where} INDIVIDUAL_DATE_OF_BIRTH[{i}]"
        date, year = _child(dob, "DATE", here), _child(dob, "YEAR", here)
        first, last = _child(dob, "FROM_YEAR", here), _child(dob, "TO_YEAR", here)
        if date:
            entry.add_birth_date(date.split("T", 1)[0][:10], f"{here} DATE")
        elif year:
            entry.add_birth_date(year, f"{here} YEAR")
        elif first and last:
            entry.add_birth_date(f"{first}/{last}", f"{here} FROM_YEAR/TO_YEAR")
        elif first or last:
            entry.add_birth_date(first or last, f"{here} FROM_YEAR/TO_YEAR")


def _entry(elem: Element, where: str) -> ListEntry:
    data_id = _child(elem, "DATAID", where)
    if not data_id:
        raise ValidationFailed.on(f"{where} DATAID", "is missing")
    where = f"{where} (DATAID {data_id})"
    kind = KINDS[elem.tag]
    entry = ListEntry(data_id, kind, "")
    entry.add_name(" ".join(p for tag in NAME_PARTS if (p := _child(elem, tag, where))))
    entry.add_name(_child(elem, "NAME_ORIGINAL_SCRIPT", where))
    for alias in elem.findall(f"{elem.tag}_ALIAS"):
        quality = _child(alias, "QUALITY", where).casefold()
        entry.add_name(_child(alias, "ALIAS_NAME", where), weak=quality in WEAK_QUALITY)
    for value in elem.findall("NATIONALITY/VALUE"):
        entry.add_nationality(_text(value, f"{where} NATIONALITY"))
    for i, doc in enumerate(elem.findall("INDIVIDUAL_DOCUMENT"), 1):
        here = f"{where} INDIVIDUAL_DOCUMENT[{i}]"
        entry.add_identifier(_child(doc, "TYPE_OF_DOCUMENT", here), _child(doc, "NUMBER", here))
    if kind == PERSON:
        _birth_dates(entry, elem, where)
    entry.caption = entry.names[0]["name"] if entry.names else data_id
    entry.properties = _properties(elem, where)
    return entry


def _properties(elem: Element, where: str) -> dict[str, Any]:
    """Everything else the list says (list type, designation, places, addresses, document
    details), kept as ``{tag: [text or {child tag: text}]}``."""
    kept: dict[str, list[Any]] = {}
    for child in elem:
        if child.tag in CONSUMED:
            continue
        if len(child):
            value: Any = {g.tag.casefold(): _text(g, f"{where} {child.tag}") for g in child
                          if g.text and g.text.strip()}  # fmt: skip
        else:
            value = _text(child, where)
        if value:
            kept.setdefault(child.tag.casefold(), []).append(value)
    return kept


def read(stream: BinaryIO) -> Parsed:
    parsed = Parsed()
    seen: set[str] = set()
    counts = dict.fromkeys(KINDS, 0)
    depth = 0
    try:
        for event, elem in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                if depth == 0 and elem.tag != ROOT:
                    raise ValidationFailed.on("document", f"expected <{ROOT}>, not <{elem.tag}>")
                depth += 1
                continue
            depth -= 1
            if depth == 2 and elem.tag in KINDS:
                counts[elem.tag] += 1
                where = f"{elem.tag}[{counts[elem.tag]}]"
                parsed.add(_entry(elem, where), where, seen)
                elem.clear()  # keeps memory flat on a list of any length
            elif depth == 2:
                parsed.skip(elem.tag)
                elem.clear()
    except DefusedXmlException as exc:
        raise ValidationFailed.on("document", f"refused: {exc}") from None
    except ParseError as exc:
        line, column = exc.position
        raise ValidationFailed.on(f"line {line}", f"is not well-formed XML (column {column})"
                                  ) from None  # fmt: skip
    return parsed
