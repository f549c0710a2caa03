"""Second pass of an import: validated lines become rows, written with bulk Core inserts.

Rows go through the ORM tables' column types, so names and other identifying fields are
encrypted by their TypeDecorators on the way in; ids are made here (``new_id``), so a whole
batch is one ``executemany`` per table with no round trip per record.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from tocsin.cases.events import span_columns
from tocsin.cases.import_lines import (
    ActLine,
    EventLine,
    InterventionLine,
    OrganisationLine,
    PersonLine,
    SourceLine,
)
from tocsin.cases.import_read import Item
from tocsin.cases.models import (
    Act,
    ActPerpetrator,
    Consent,
    Event,
    EventStatusChange,
    Intervention,
    Organisation,
    Person,
    PersonName,
    Source,
    SourceLink,
)
from tocsin.cases.persons import search_tokens
from tocsin.cases.schemas import PlaceIn
from tocsin.core.access import Actor
from tocsin.core.bulk import bulk_insert
from tocsin.core.clock import utcnow
from tocsin.core.ids import new_id
from tocsin.core.tlp import TLP

# Parents before children, so every foreign key points at a row already written.
ORDER: tuple[Any, ...] = (
    Organisation, Person, PersonName, Consent, Source, Event, EventStatusChange, Act,
    ActPerpetrator, SourceLink, Intervention,
)  # fmt: skip
COUNTED = {Organisation: "organisations", Person: "persons", PersonName: "names",
           Consent: "consents", Source: "sources", Event: "events", Act: "acts",
           ActPerpetrator: "perpetrators", SourceLink: "source_links",
           Intervention: "interventions"}  # fmt: skip
PLACE_KEYS = ("place_name", "country", "admin_area", "latitude", "longitude")
# Line models hold canonical labels already (TLPLabel), so a dict lookup is enough here.
RANKS = {t.label: int(t) for t in TLP}
TOKEN_MEMO_SIZE = 100_000


def _rank(label: str) -> int:
    return RANKS[label]


def _place(place: PlaceIn, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Place columns; an act's place keeps the event's values for the fields it leaves out."""
    given = {"place_name": place.name, "country": place.country, "admin_area": place.admin_area,
             "latitude": place.lat, "longitude": place.lon}  # fmt: skip
    if base is None:
        return given
    set_ = place.model_fields_set
    keep = {"place_name": "name", "country": "country", "admin_area": "admin_area",
            "latitude": "lat", "longitude": "lon"}  # fmt: skip
    return {col: given[col] if keep[col] in set_ else base[col] for col in PLACE_KEYS}


class Writer:
    """Buffers rows per table and writes them in bulk; skips refs already in the database."""

    def __init__(self, session: Session, actor: Actor, known: dict[str, dict[str, str]]) -> None:
        self.session = session
        self.user = actor.user_id
        self.ids = known  # kind -> ref -> id, grows as records are written
        self.rows: dict[Any, list[dict[str, Any]]] = {model: [] for model in ORDER}
        self.inserted: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self.buffered = 0
        self.events_since_commit = 0
        self.now = utcnow()
        self._tick = 0
        self._tokens: dict[str, str] = {}

    # ---- public --------------------------------------------------------------------------------

    def add(self, item: Item) -> None:
        record = item.record
        self.buffered += 1
        if isinstance(record, EventLine):
            self._event(record)
        elif isinstance(record, PersonLine):
            self._person(record)
        elif isinstance(record, OrganisationLine):
            self._organisation(record)
        else:
            self._source(record)

    def flush(self) -> None:
        for model in ORDER:
            rows = self.rows[model]
            if rows:
                table: Table = model.__table__
                bulk_insert(self.session, table, rows)
                if model in COUNTED:
                    self.inserted[COUNTED[model]] += len(rows)
                self.rows[model] = []
        self.buffered = 0

    # ---- rows ----------------------------------------------------------------------------------

    def _stamp(self, tlp: int) -> dict[str, Any]:
        return {"id": new_id(), "tlp": tlp, "created_at": self.now, "updated_at": self.now,
                "created_by": self.user, "updated_by": self.user}  # fmt: skip

    def _ordered_stamp(self) -> dict[str, datetime]:
        # Rows of one import share a clock reading; a microsecond apart they keep file order
        # (an event's acts, interventions and source links are listed by created_at).
        self._tick += 1
        at = self.now + timedelta(microseconds=self._tick)
        return {"created_at": at, "updated_at": at}

    def _new(self, kind: str, ref: str | None) -> bool:
        if ref is not None and ref in self.ids[kind]:
            self.skipped[f"{kind}s"] += 1
            return False
        return True

    def _organisation(self, o: OrganisationLine) -> None:
        if not self._new("organisation", o.ref):
            return
        row = self._stamp(_rank(o.tlp))
        row.update(
            name=o.name,
            kind=o.kind,
            country=o.country,
            aliases=list(o.aliases),
            description=o.description,
            external_id=o.ref,
            parent_id=self._id("organisation", o.parent),
        )
        self._keep("organisation", o.ref, row)
        self.rows[Organisation].append(row)

    def _person(self, p: PersonLine) -> None:
        if not self._new("person", p.ref):
            return
        row = self._stamp(_rank(p.tlp))
        row.update(
            sex=p.sex,
            age=p.age,
            age_min=p.age_min,
            age_max=p.age_max,
            birth_date=p.birth_date or None,
            nationality=p.nationality,
            identities=dict(p.identities) or None,
            contact=dict(p.contact) or None,
            notes=p.notes,
            roles=sorted(set(p.roles)),
            external_id=p.ref,
        )
        self._keep("person", p.ref, row)
        self.rows[Person].append(row)
        names = self.rows[PersonName]
        # As in consent.create: a person not consenting to be on file is not findable by name.
        searchable = p.consent is None or p.consent.use_in_case_file
        for i, n in enumerate(p.names):
            names.append(
                {
                    "id": new_id(),
                    "person_id": row["id"],
                    "value": n.value,
                    "script": n.script,
                    "kind": n.kind,
                    "language": n.language,
                    "position": i,
                    "search_tokens": self._search_tokens(n.value) if searchable else "",
                }
            )
        if p.consent is not None:
            c = p.consent
            consent = self._stamp(_rank(c.tlp))
            consent.update(person_id=row["id"], use_in_case_file=c.use_in_case_file,
                           share_with=sorted(set(c.share_with)), given_on=c.given_on,
                           recorded_how=c.recorded_how, recorded_by=self.user, notes=c.notes,
                           withdrawn_at=None, withdrawn_reason=None,
                           withdrawn_recorded_by=None)  # fmt: skip
            self.rows[Consent].append(consent)

    def _search_tokens(self, value: str) -> str:
        # Names recur (families, common given names); normalising and HMAC-ing each token is
        # the costliest part of a person row, so the result is remembered for this import.
        tokens = self._tokens.get(value)
        if tokens is None:
            if len(self._tokens) >= TOKEN_MEMO_SIZE:
                self._tokens.clear()
            tokens = self._tokens[value] = search_tokens(value)
        return tokens

    def _source(self, s: SourceLine) -> None:
        if not self._new("source", s.ref):
            return
        row = self._stamp(_rank(s.tlp))
        row.update(
            title=s.title,
            source_type=s.source_type,
            reliability=s.reliability.upper(),
            credibility=s.credibility,
            description=s.description,
            url=s.url,
            obtained_on=s.obtained_on,
            external_id=s.ref,
            person_id=self._id("person", s.person),
        )
        self._keep("source", s.ref, row)
        self.rows[Source].append(row)

    def _id(self, kind: str, ref: str | None) -> str | None:
        """The id of a ref; validation guaranteed it is in the file or the database."""
        return self.ids[kind][ref] if ref is not None else None

    def _keep(self, kind: str, ref: str | None, row: dict[str, Any]) -> None:
        if ref is not None:
            self.ids[kind][ref] = row["id"]

    def _event(self, e: EventLine) -> None:
        # Inline records are independent of their event: each is skipped only if it exists.
        for o in e.organisations:
            self._organisation(o)
        for p in e.persons:
            self._person(p)
        for s in e.sources:
            self._source(s)
        if not self._new("event", e.ref):
            return
        self.events_since_commit += 1  # batches count events written, not ones skipped
        tlp = _rank(e.tlp)
        row = self._stamp(tlp)
        row.update(
            title=e.title,
            description=e.description,
            status=e.status,
            external_id=e.ref,
            **span_columns(e.start, e.end),
            **_place(e.place),
        )
        self._keep("event", e.ref, row)
        self.rows[Event].append(row)
        self.rows[EventStatusChange].append(
            {
                "id": new_id(),
                "event_id": row["id"],
                "from_status": None,
                "to_status": e.status,
                "reason": "imported",
                "changed_by": self.user,
                "changed_at": self.now,
            }
        )
        self._links("event", row["id"], e.source_refs)
        for act in e.acts:
            self._act(e, row, act)
        for iv in e.interventions:
            self._intervention(row["id"], tlp, iv)

    def _act(self, e: EventLine, event: dict[str, Any], a: ActLine) -> None:
        row = self._stamp(_rank(a.tlp) if a.tlp else event["tlp"])
        if a.start or a.end:
            span = span_columns(a.start or e.start, a.end)
        else:
            span = {k: event[k] for k in ("start_date", "start_precision", "end_date",
                                          "end_precision")}  # fmt: skip
        place = _place(a.place, event) if a.place else {k: event[k] for k in PLACE_KEYS}
        victim = a.victim
        row.update(event_id=event["id"], act_type=a.act_type, description=a.description,
                   victim_person_id=self._id("person", victim.person if victim else None),
                   victim_group=victim.group if victim else None,
                   victim_count=victim.count if victim else 1,
                   **self._ordered_stamp(), **span, **place)  # fmt: skip
        self.rows[Act].append(row)
        perpetrators = self.rows[ActPerpetrator]
        for p in a.perpetrators:
            perpetrators.append({
                "id": new_id(), "act_id": row["id"], "involvement": p.involvement,
                "organisation_id": self._id("organisation", p.organisation),
                "person_id": self._id("person", p.person),
            })  # fmt: skip
        self._links("act", row["id"], a.sources)

    def _links(self, target_type: str, target_id: str, refs: list[str]) -> None:
        links = self.rows[SourceLink]
        for ref in dict.fromkeys(refs):  # a source named twice is linked once
            links.append({"id": new_id(), "source_id": self.ids["source"][ref],
                          "target_type": target_type, "target_id": target_id, "note": "",
                          "created_at": self._ordered_stamp()["created_at"],
                          "created_by": self.user})  # fmt: skip

    def _intervention(self, event_id: str, event_tlp: int, iv: InterventionLine) -> None:
        row = self._stamp(_rank(iv.tlp) if iv.tlp else event_tlp)
        row.update(event_id=event_id, person_id=None, intervention_type=iv.type,
                   status=iv.status, on_date=iv.on, actor=iv.actor, description=iv.description,
                   outcome=iv.outcome, **self._ordered_stamp())  # fmt: skip
        self.rows[Intervention].append(row)
