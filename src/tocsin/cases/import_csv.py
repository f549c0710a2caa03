"""CSV imports: one row per act, grouped by ``event_ref`` into the same event records as JSON Lines.

A CSV event is turned into the dictionary its JSON line would be, then validated by the same
models; a :class:`CsvOrigin` maps each field of that dictionary back to the row and column it came
from, so a problem is reported where the user typed it ("row 7, victim_age").
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tocsin.cases.import_lines import parse_line
from tocsin.cases.import_read import Item, Problems

if TYPE_CHECKING:
    from tocsin.cases.import_read import FileReader

EVENT_FIELDS = {
    "event_title": "title", "event_description": "description", "event_start": "start",
    "event_end": "end", "event_status": "status", "event_tlp": "tlp",
}  # fmt: skip
PLACE_FIELDS = {
    "place_name": "name", "country": "country", "admin_area": "admin_area",
    "latitude": "lat", "longitude": "lon",
}  # fmt: skip
ACT_FIELDS = {"act_start": "start", "act_end": "end", "act_description": "description",
              "act_tlp": "tlp"}  # fmt: skip
VICTIM_FIELDS = ("victim_name", "victim_name_arabic", "victim_sex", "victim_age", "victim_roles",
                 "victim_tlp")  # fmt: skip
ORG_FIELDS = {"perpetrator_name": "name", "perpetrator_kind": "kind", "perpetrator_tlp": "tlp"}
SOURCE_FIELDS = {"source_title": "title", "source_type": "source_type",
                 "reliability": "reliability", "credibility": "credibility",
                 "source_tlp": "tlp"}  # fmt: skip
REQUIRED = ("event_ref", "act_type")
COLUMNS = frozenset(
    [*REQUIRED, *EVENT_FIELDS, *PLACE_FIELDS, *ACT_FIELDS, *VICTIM_FIELDS, *ORG_FIELDS,
     *SOURCE_FIELDS, "victim_ref", "victim_group", "victim_count", "perpetrator_ref",
     "involvement", "source_ref"]
)  # fmt: skip
ACT_COLUMNS = COLUMNS - {"event_ref", *EVENT_FIELDS, *PLACE_FIELDS}
# Text a spreadsheet would run as a formula; CSV exports write it after a quote (``'=``).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Where a field of the event dictionary came from, by record kind and path (indexes removed).
EVENT_PATHS = {
    **{v: k for k, v in EVENT_FIELDS.items()}, **{f"place.{v}": k for k, v in PLACE_FIELDS.items()},
    "place": "latitude", "ref": "event_ref", "": "event_ref",
}  # fmt: skip
ACT_PATHS = {
    **{v: k for k, v in ACT_FIELDS.items()}, "act_type": "act_type", "victim.person": "victim_ref",
    "victim.group": "victim_group", "victim.count": "victim_count", "victim": "victim_ref",
    "perpetrators.organisation": "perpetrator_ref", "perpetrators.involvement": "involvement",
    "perpetrators": "perpetrator_ref", "sources": "source_ref", "": "act_type",
}  # fmt: skip
PERSON_PATHS = {"ref": "victim_ref", "sex": "victim_sex", "age": "victim_age", "tlp": "victim_tlp",
                "roles": "victim_roles", "names": "victim_name", "": "victim_ref"}  # fmt: skip
ORG_PATHS = {**{v: k for k, v in ORG_FIELDS.items()}, "ref": "perpetrator_ref",
             "": "perpetrator_ref"}  # fmt: skip
SOURCE_PATHS = {**{v: k for k, v in SOURCE_FIELDS.items()}, "ref": "source_ref", "": "source_ref"}
_PART = re.compile(r"^(acts|persons|organisations|sources)\[(\d+)\]\.?(.*)$")
_NAME = re.compile(r"^names\[(\d+)\]")
_INDEX = re.compile(r"\[\d+\]")


def _column(paths: dict[str, str], path: str) -> str:
    """The column behind a path: the longest known prefix of it (``place.lat`` -> latitude)."""
    path = _INDEX.sub("", path)
    while path not in paths:
        path = path.rpartition(".")[0] if "." in path else ""
    return paths[path]


@dataclass
class CsvOrigin:
    first: int
    acts: list[int] = field(default_factory=list)
    persons: list[tuple[int, list[str]]] = field(default_factory=list)
    organisations: list[int] = field(default_factory=list)
    sources: list[int] = field(default_factory=list)

    def locate(self, field_name: str) -> tuple[int, str]:
        m = _PART.match(field_name)
        if m is None:
            return self.first, _column(EVENT_PATHS, field_name)
        part, index, rest = m.group(1), int(m.group(2)), m.group(3)
        if part == "acts" and index < len(self.acts):
            return self.acts[index], _column(ACT_PATHS, rest)
        if part == "persons" and index < len(self.persons):
            row, name_columns = self.persons[index]
            named = _NAME.match(rest)
            if named and int(named.group(1)) < len(name_columns):
                return row, name_columns[int(named.group(1))]
            return row, _column(PERSON_PATHS, rest)
        if part == "organisations" and index < len(self.organisations):
            return self.organisations[index], _column(ORG_PATHS, rest)
        if part == "sources" and index < len(self.sources):
            return self.sources[index], _column(SOURCE_PATHS, rest)
        return self.first, field_name


def _pick(row: dict[str, str], columns: dict[str, str]) -> dict[str, str]:
    return {key: row[col] for col, key in columns.items() if col in row}


class _EventBuilder:
    """The rows of one event_ref as its JSON-line dictionary, and where each field came from."""

    def __init__(self, ref: str, rows: list[tuple[int, dict[str, str]]],
                 seen: dict[tuple[str, str], tuple[int, dict[str, str]]],
                 problems: Problems) -> None:  # fmt: skip
        self.ref, self.rows, self.seen, self.problems = ref, rows, seen, problems
        self.origin = CsvOrigin(rows[0][0])
        self.data: dict[str, Any] = {"type": "event", "ref": ref, "persons": [],
                                     "organisations": [], "sources": [], "acts": []}  # fmt: skip

    def build(self) -> tuple[dict[str, Any], CsvOrigin]:
        first_row, first = self.rows[0]
        self.data.update(_pick(first, EVENT_FIELDS))
        place = _pick(first, PLACE_FIELDS)
        if place:
            self.data["place"] = place
        for row_number, row in self.rows:
            self._same_event(first_row, first, row_number, row)
            if "act_type" in row:
                self._act(row_number, row)
            elif ACT_COLUMNS & row.keys():
                given = ", ".join(sorted(ACT_COLUMNS & row.keys()))
                self.problems.add(row_number, "act_type", f"is required on a row with {given}")
        return self.data, self.origin

    def _same_event(self, first_row: int, first: dict[str, str], number: int,
                    row: dict[str, str]) -> None:  # fmt: skip
        # The event is read from its first row; a later row saying otherwise is a mistake to show.
        for col in (*EVENT_FIELDS, *PLACE_FIELDS):
            if col in row and row[col] != first.get(col):
                self.problems.add(number, col, f"differs from row {first_row}, the first row "
                                               f"of event {self.ref}")  # fmt: skip

    def _declare(self, kind: str, ref: str, number: int, details: dict[str, str]) -> bool:
        """First description of a ref in the file declares it; later ones must agree with it."""
        earlier = self.seen.get((kind, ref))
        if earlier is None:
            self.seen[(kind, ref)] = (number, details)
            return True
        for col, value in details.items():
            if earlier[1].get(col) != value:
                self.problems.add(number, col, f"differs from row {earlier[0]}, where {ref} "
                                               "was first described")  # fmt: skip
        return False

    def _act(self, number: int, row: dict[str, str]) -> None:
        act: dict[str, Any] = {"act_type": row["act_type"], **_pick(row, ACT_FIELDS)}
        victim = self._victim(number, row)
        if victim:
            act["victim"] = victim
        perpetrator = self._linked(number, row, "perpetrator_ref", ORG_FIELDS, "organisations")
        if perpetrator:
            act["perpetrators"] = [
                {"organisation": perpetrator, "involvement": row.get("involvement", "direct")}
            ]
        elif "involvement" in row:
            self.problems.add(number, "perpetrator_ref", "is required when involvement is given")
        source = self._linked(number, row, "source_ref", SOURCE_FIELDS, "sources")
        if source:
            act["sources"] = [source]
        self.data["acts"].append(act)
        self.origin.acts.append(number)

    def _victim(self, number: int, row: dict[str, str]) -> dict[str, Any]:
        details = {col: row[col] for col in VICTIM_FIELDS if col in row}
        ref = row.get("victim_ref")
        if details:
            # A victim named without a ref still needs one to be resumable: derive it.
            ref = ref or f"{self.ref}/victim-{len(self.data['acts']) + 1}"
            if self._declare("person", ref, number, details):
                self._person(number, ref, details)
        given = (("person", ref), ("group", row.get("victim_group")),
                 ("count", row.get("victim_count")))  # fmt: skip
        return {key: value for key, value in given if value}

    def _person(self, number: int, ref: str, details: dict[str, str]) -> None:
        names, name_columns = [], []
        for col, script in (("victim_name", "Latn"), ("victim_name_arabic", "Arab")):
            if col in details:
                names.append({"value": details[col], "script": script})
                name_columns.append(col)
        roles = [r.strip() for r in details.get("victim_roles", "victim").split(";") if r.strip()]
        person: dict[str, Any] = {"ref": ref, "names": names, "roles": roles}
        for col, key in (("victim_sex", "sex"), ("victim_age", "age"), ("victim_tlp", "tlp")):
            if col in details:
                person[key] = details[col]
        self.data["persons"].append(person)
        self.origin.persons.append((number, name_columns))

    def _linked(self, number: int, row: dict[str, str], ref_column: str,
                fields: dict[str, str], part: str) -> str | None:  # fmt: skip
        """An organisation or source by ref, declared inline the first time it is described."""
        ref = row.get(ref_column)
        details = {col: row[col] for col in fields if col in row}
        if ref is None:
            if details:
                given = ", ".join(sorted(details))
                self.problems.add(number, ref_column, f"is required when {given} is given")
            return None
        if details and self._declare(part, ref, number, details):
            self.data[part].append({"ref": ref, **_pick(row, fields)})
            getattr(self.origin, part).append(number)
        return ref


def _rows(reader: FileReader, problems: Problems, digest: Any) -> Iterator[list[str]]:
    """Decoded CSV rows; bytes that are not UTF-8 are reported and replaced so reading goes on."""

    def lines() -> Iterator[str]:
        with reader.path.open("rb") as fh:
            for number, raw in enumerate(fh, 1):
                digest.update(raw)
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    problems.add(0, "", f"line {number} is not UTF-8 text ({exc.reason})")
                    text = raw.decode("utf-8", errors="replace")
                yield text.removeprefix("\ufeff") if number == 1 else text

    parser = csv.reader(lines())
    try:
        yield from parser
    except csv.Error as exc:
        problems.add(0, "", f"not valid CSV near line {parser.line_num}: {exc}")


def _cell(value: str) -> str:
    value = value.strip()
    if value[:1] == "'" and value[1:2] in FORMULA_STARTS:
        return value[1:]  # written by an export to keep spreadsheets from running it
    return value


def _header(cells: list[str], problems: Problems) -> list[str] | None:
    header = [c.strip() for c in cells]
    unknown = [c for c in header if c not in COLUMNS]
    for col in unknown:
        problems.add(1, col or "(empty)", "unknown column; see docs/formats.md for the columns")
    for col in REQUIRED:
        if col not in header:
            problems.add(1, col, "required column is missing")
    repeated = sorted({c for c in header if header.count(c) > 1})
    for col in repeated:
        problems.add(1, col, "column appears more than once")
    return None if unknown or repeated or any(c not in header for c in REQUIRED) else header


def _grouped(reader: FileReader, problems: Problems,
             digest: Any) -> dict[str, list[tuple[int, dict[str, str]]]]:  # fmt: skip
    """Rows by event_ref in order of first appearance (an event's rows need not be adjacent)."""
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    rows = _rows(reader, problems, digest)
    header = _header(next(rows, []), problems)
    if header is None:
        for _ in rows:  # still hash the whole file
            pass
        return groups
    for number, cells in enumerate(rows, 2):
        reader.lines = number - 1
        if len(cells) > len(header):
            problems.add(number, "", f"has {len(cells)} cells; the header has {len(header)}")
            continue
        row = {header[i]: _cell(v) for i, v in enumerate(cells) if v.strip()}
        if not row:
            continue
        nul = [col for col, value in row.items() if "\x00" in value]
        if nul:
            problems.add(number, nul[0], "holds a NUL character, which cannot be stored")
            continue
        if "event_ref" not in row:
            problems.add(number, "event_ref", "is required")
            continue
        groups.setdefault(row["event_ref"], []).append((number, row))
    return groups


def csv_items(reader: FileReader, problems: Problems, digest: Any) -> Iterator[Item]:
    reader.lines = 0
    seen: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}
    for ref, rows in _grouped(reader, problems, digest).items():
        data, origin = _EventBuilder(ref, rows, seen, problems).build()
        parsed = parse_line(data)
        if isinstance(parsed, list):
            for field_name, message in parsed:
                problems.add(*origin.locate(field_name), message)
            reader.rejected += 1
            continue
        yield Item(origin.first, parsed, origin)
