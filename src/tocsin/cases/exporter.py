"""Export case records as JSON Lines (the import format), CSV (one row per act) or GeoJSON.

Exports are pseudonymised by default: a person is a stable pseudonym and nothing that names
them. With ``identify=True`` a person's identity is written only where their consent allows the
recipient; every identification is audited. Records come in batches, so memory stays flat.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import IO, Any, Literal

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from tocsin.cases import export_load as load
from tocsin.cases.consent import INTERNAL
from tocsin.cases.events import EventFilters
from tocsin.cases.import_csv import COLUMNS as CSV_COLUMNS
from tocsin.cases.import_csv import FORMULA_STARTS
from tocsin.cases.vocabulary import Vocabularies
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.db import Database
from tocsin.core.errors import ValidationFailed
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Permission

__all__ = ["FORMATS", "ExportReport", "export_cases"]

Format = Literal["jsonl", "csv", "geojson"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "geojson")
PUBLICATION = "publication"
Progress = Callable[[int, int], None]


@dataclass
class ExportReport:
    format: str
    recipient: str
    identify: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def events(self) -> int:
        return self.counts.get("events", 0)


# ---- sinks: one per format -------------------------------------------------------------------


class JsonLinesSink:
    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def record(self, rec: dict[str, Any]) -> None:
        self.out.write(json.dumps(rec, ensure_ascii=False) + "\n")

    def close(self) -> None:
        pass


CSV_HEADER = [
    "event_ref", "event_title", "event_description", "event_start", "event_end", "event_status",
    "event_tlp", "place_name", "country", "admin_area", "latitude", "longitude", "act_type",
    "act_start", "act_end", "act_description", "act_tlp", "victim_ref", "victim_name",
    "victim_name_arabic", "victim_sex", "victim_age", "victim_roles", "victim_tlp",
    "victim_group", "victim_count", "perpetrator_ref", "perpetrator_name", "perpetrator_kind",
    "perpetrator_tlp", "involvement", "source_ref", "source_title", "source_type",
    "reliability", "credibility", "source_tlp",
]  # fmt: skip
assert set(CSV_HEADER) == CSV_COLUMNS, "the CSV export writes exactly the columns import reads"


def defuse(value: Any) -> Any:
    """Keep a spreadsheet from running text as a formula (CSV injection): ``=cmd`` -> ``'=cmd``.

    Names and titles come from sources nobody controls; the CSV importer removes the quote again.
    """
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


class CsvSink:
    """One row per act. Persons, organisations and sources are remembered by ref and written
    into the rows that cite them; CSV carries one perpetrator organisation and one source per act.
    """

    def __init__(self, out: IO[str]) -> None:
        self.writer = csv.DictWriter(out, CSV_HEADER, lineterminator="\n")
        self.writer.writeheader()
        self.known: dict[tuple[str, str], dict[str, Any]] = {}

    def record(self, rec: dict[str, Any]) -> None:
        if rec["type"] != "event":
            self.known[(rec["type"], rec["ref"])] = rec
            return
        event = self._event_columns(rec)
        for act in rec.get("acts") or [None]:  # an event without acts is one row without act
            row = {**event, **(self._act_columns(act) if act else {})}
            self.writer.writerow({k: defuse(v) for k, v in row.items()})

    @staticmethod
    def _event_columns(e: dict[str, Any]) -> dict[str, Any]:
        place = e.get("place", {})
        return {"event_ref": e["ref"], "event_title": e["title"],
                "event_description": e.get("description"), "event_start": e.get("start"),
                "event_end": e.get("end"), "event_status": e["status"], "event_tlp": e["tlp"],
                "place_name": place.get("name"), "country": place.get("country"),
                "admin_area": place.get("admin_area"), "latitude": place.get("lat"),
                "longitude": place.get("lon")}  # fmt: skip

    def _act_columns(self, a: dict[str, Any]) -> dict[str, Any]:
        row = {"act_type": a["act_type"], "act_start": a.get("start"), "act_end": a.get("end"),
               "act_description": a.get("description"), "act_tlp": a.get("tlp")}  # fmt: skip
        victim = a.get("victim", {})
        if "person" in victim:
            row.update(self._victim(victim["person"]))
        elif victim:
            row.update(victim_group=victim["group"], victim_count=victim["count"])
        org = next((p for p in a.get("perpetrators", []) if "organisation" in p), None)
        if org:
            o = self.known.get(("organisation", org["organisation"]), {})
            row.update(perpetrator_ref=org["organisation"], perpetrator_name=o.get("name"),
                       perpetrator_kind=o.get("kind"), perpetrator_tlp=o.get("tlp"),
                       involvement=org["involvement"])  # fmt: skip
        if a.get("sources"):
            s = self.known.get(("source", a["sources"][0]), {})
            row.update(source_ref=a["sources"][0], source_title=s.get("title"),
                       source_type=s.get("source_type"), reliability=s.get("reliability"),
                       credibility=s.get("credibility"), source_tlp=s.get("tlp"))  # fmt: skip
        return row

    def _victim(self, ref: str) -> dict[str, Any]:
        p = self.known.get(("person", ref), {})
        names = p.get("names", [])
        latin = next((n["value"] for n in names if n.get("script", "Latn") != "Arab"), None)
        arabic = next((n["value"] for n in names if n.get("script") == "Arab"), None)
        return {"victim_ref": ref, "victim_name": latin, "victim_name_arabic": arabic,
                "victim_sex": p.get("sex"), "victim_age": p.get("age"),
                "victim_roles": ";".join(p.get("roles", [])) or None,
                "victim_tlp": p.get("tlp")}  # fmt: skip

    def close(self) -> None:
        pass


class GeoJsonSink:
    """A FeatureCollection streamed feature by feature: one Point per event with coordinates."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.features = 0
        out.write('{"type": "FeatureCollection", "features": [\n')

    def record(self, rec: dict[str, Any]) -> None:
        place = rec.get("place", {})
        if rec["type"] != "event" or "lat" not in place:
            return
        acts = rec.get("acts", [])
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
            "properties": {
                "id": rec["ref"], "title": rec["title"], "start": rec.get("start"),
                "end": rec.get("end"), "status": rec["status"],
                "act_types": sorted({a["act_type"] for a in acts}),
                "victim_count": sum(a.get("victim", {}).get("count", 1) for a in acts
                                    if "victim" in a),
                "tlp": rec["tlp"],
            },
        }  # fmt: skip
        self.out.write((",\n" if self.features else "") + json.dumps(feature, ensure_ascii=False))
        self.features += 1

    def close(self) -> None:
        self.out.write("\n]}\n")


SINKS: dict[str, Callable[[IO[str]], Any]] = {
    "jsonl": JsonLinesSink, "csv": CsvSink, "geojson": GeoJsonSink,
}  # fmt: skip


# ---- the export -------------------------------------------------------------------------------


def export_cases(
    db: Database,
    actor: Actor,
    out: IO[str] | Path,
    fmt: Format,
    *,
    identify: bool = False,
    recipient: str = INTERNAL,
    filters: EventFilters | None = None,
    progress: Progress | None = None,
) -> ExportReport:
    """Write the records ``actor`` may see to ``out``; see the module docstring for identities.

    ``recipient`` is ``internal`` or a ``consent_recipient`` code: it decides whose identity
    may be written, and a ``publication`` never carries RED records.
    """
    actor.require(Permission.EXPORT)
    if identify:
        actor.require(Permission.IDENTIFY)
    if fmt not in SINKS:
        raise ValidationFailed.on("fmt", f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    with db.sessions() as session:
        _check_recipient(session, recipient)
    started = perf_counter()
    report = ExportReport(fmt, recipient, identify)
    identified: list[str] = []
    completed = False
    try:
        with db.sessions() as session, _opened(out) as stream:
            sel = load.Selection(session, actor, filters, recipient == PUBLICATION)
            _run(sel, SINKS[fmt](stream), report, identify, recipient, identified, progress)
            session.rollback()  # an export only reads
        completed = True
    finally:
        report.seconds = perf_counter() - started
        # Audited even when the export failed half-way: some of it may have been written.
        _audit(db, actor, report, identified, out, completed)
    return report


def _check_recipient(session: Session, recipient: str) -> None:
    if recipient == INTERNAL:
        return
    codes = Vocabularies.load(session).codes.get("consent_recipient", set())
    if recipient not in codes:
        known = ", ".join([INTERNAL, *sorted(codes)])
        raise ValidationFailed.on("recipient", f"unknown {recipient!r}; use one of {known}")


def _run(sel: load.Selection, sink: Any, report: ExportReport, identify: bool, recipient: str,
         identified: list[str], progress: Progress | None) -> None:  # fmt: skip
    counts = report.counts
    if not isinstance(sink, GeoJsonSink):  # a map needs events only
        for kind, records in (
            ("organisations", load.organisations(sel)),
            ("persons", load.persons(sel, identify, recipient, identified)),
            ("sources", load.sources(sel)),
        ):
            counts[kind] = _drain(records, sink)
    total = sel.session.scalar(
        select(func.count()).select_from(sel.events().subquery())) or 0  # fmt: skip
    counts.update(events=0, acts=0)
    for batch in load.events(sel):
        for rec in batch:
            sink.record(rec)
            counts["acts"] += len(rec.get("acts", []))
        counts["events"] += len(batch)
        if progress:
            progress(counts["events"], total)
    sink.close()
    counts["identified"] = len(identified)
    if isinstance(sink, GeoJsonSink):
        counts["features"] = sink.features


def _drain(records: Iterator[dict[str, Any]], sink: Any) -> int:
    n = 0
    for rec in records:
        sink.record(rec)
        n += 1
    return n


@contextmanager
def _opened(out: IO[str] | Path) -> Iterator[IO[str]]:
    """A stream as given, or a file written beside its name and renamed when complete."""
    if not isinstance(out, Path):
        yield out
        return
    part = out.with_name(out.name + ".part")
    try:
        with part.open("w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)


def _audit(db: Database, actor: Actor, report: ExportReport, identified: list[str],
           out: IO[str] | Path, completed: bool) -> None:  # fmt: skip
    detail: dict[str, Any] = {
        "format": report.format, "recipient": report.recipient, "identify": report.identify,
        "counts": report.counts, "completed": completed,
        "file": out.name if isinstance(out, Path) else "",
    }  # fmt: skip
    with db.session() as s:
        audit.record(
            s,
            actor,
            audit.Action.EXPORT,
            "export",
            "",
            detail,
            f"exported {report.events} events as {report.format}",
        )
        if not report.identify:
            return
        audit.record(
            s,
            actor,
            audit.Action.IDENTIFY,
            "export",
            "",
            detail,
            f"identified {len(identified)} persons for {report.recipient}",
        )
        # One entry per person named, so "who has seen X's identity?" has an answer.
        now = utcnow()
        rows = [{"at": now, "user_id": actor.user_id, "user_email": actor.email, "ip": actor.ip,
                 "action": audit.Action.IDENTIFY, "entity_type": "person", "entity_id": pid,
                 "detail": {"via": "export", "recipient": report.recipient}, "summary": ""}
                for pid in identified]  # fmt: skip
        if rows:
            s.execute(insert(AuditEntry), rows)
