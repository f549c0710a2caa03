"""What an export may contain, read in batches and shaped as import-format records.

Every query goes through :class:`Selection`, which adds the actor's clearance (and, for a
publication, the exclusion of RED records) to each table, so nothing the actor may not see, or
may not publish, is ever loaded. Persons come out pseudonymised unless they are identified.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, true, union
from sqlalchemy.orm import Session

from tocsin.cases import consent as consents
from tocsin.cases.events import EventFilters, filtered
from tocsin.cases.models import (
    Act,
    ActPerpetrator,
    Consent,
    Event,
    Intervention,
    Organisation,
    Person,
    PersonName,
    Source,
    SourceLink,
)
from tocsin.cases.views import REDACTED, date_text
from tocsin.core.access import Actor, visible
from tocsin.core.crypto import active_keyring
from tocsin.core.tlp import TLP

BATCH = 500
PSEUDONYM_NAME_KIND = "alias"


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None and v != [] and v != {}}


def _place(r: Event | Act) -> dict[str, Any]:
    return _compact({"name": r.place_name, "country": r.country, "admin_area": r.admin_area,
                     "lat": r.latitude, "lon": r.longitude})  # fmt: skip


@dataclass
class Selection:
    """The records an export covers: in the actor's clearance, selected by the event filters."""

    session: Session
    actor: Actor
    filters: EventFilters | None
    publication: bool
    person_refs: dict[str, str] = field(default_factory=dict)  # exported person id -> ref
    org_refs: dict[str, str] = field(default_factory=dict)
    source_refs: dict[str, str] = field(default_factory=dict)

    def scope(self, model: Any) -> ColumnElement[bool]:
        cond = visible(model, self.actor)
        # A publication never carries RED, whatever the clearance of the person exporting.
        return and_(cond, model.tlp < int(TLP.RED)) if self.publication else cond

    def events(self) -> Select[Any]:
        base = filtered(self.session, self.actor, self.filters) if self.filters else select(Event)
        return base.where(self.scope(Event)).order_by(None)

    def _event_ids(self) -> Select[Any]:
        return self.events().with_only_columns(Event.id)

    def _act_ids(self) -> Select[Any]:
        return select(Act.id).where(Act.event_id.in_(self._event_ids()), self.scope(Act))

    def linked_to(self, model: Any) -> ColumnElement[bool]:
        """Without filters: everything in scope. With filters: what the chosen events cite."""
        if self.filters is None:
            return true()
        if model is Organisation:
            ids: Any = select(ActPerpetrator.organisation_id).where(
                ActPerpetrator.act_id.in_(self._act_ids())
            )
            return Organisation.id.in_(ids)
        sources = select(SourceLink.source_id).where(or_(
            and_(SourceLink.target_type == "event", SourceLink.target_id.in_(self._event_ids())),
            and_(SourceLink.target_type == "act", SourceLink.target_id.in_(self._act_ids())),
        ))  # fmt: skip
        if model is Source:
            return Source.id.in_(sources)
        ids = union(
            select(Act.victim_person_id).where(Act.id.in_(self._act_ids())),
            select(ActPerpetrator.person_id).where(ActPerpetrator.act_id.in_(self._act_ids())),
            select(Source.person_id).where(Source.id.in_(sources)),
        )
        return Person.id.in_(ids)

    def batches(self, query: Any, key: Any) -> Iterator[list[Any]]:
        """Keyset pagination on the id: memory stays flat however many rows there are."""
        last: str | None = None
        while True:
            q = query.order_by(key).limit(BATCH)
            rows = list(self.session.execute(q if last is None else q.where(key > last)))
            if not rows:
                return
            yield rows
            first = rows[-1][0]  # an entity, or the id when the query selects columns
            last = first if isinstance(first, str) else first.id
            self.session.expunge_all()


# ---- organisations, persons, sources ----------------------------------------------------------


def organisations(sel: Selection) -> Iterator[dict[str, Any]]:
    """Parents before units, so each line only names refs declared above it."""
    query = select(Organisation).where(sel.scope(Organisation), sel.linked_to(Organisation))
    rows = list(sel.session.scalars(query))
    by_id = {o.id: o for o in rows}
    if sel.filters is not None:  # a unit's parent comes along, if the actor may see it
        parents = {o.parent_id for o in rows if o.parent_id and o.parent_id not in by_id}
        while parents:
            found = list(
                sel.session.scalars(
                    select(Organisation).where(
                        Organisation.id.in_(parents), sel.scope(Organisation)
                    )
                )
            )
            by_id.update({o.id: o for o in found})
            parents = {o.parent_id for o in found if o.parent_id and o.parent_id not in by_id}
    done: set[str] = set()
    for org in sorted(by_id.values(), key=lambda o: o.id):
        yield from _with_parents(org, by_id, done, sel)


def _with_parents(org: Organisation, by_id: dict[str, Organisation], done: set[str],
                  sel: Selection) -> Iterator[dict[str, Any]]:  # fmt: skip
    chain = []
    while org is not None and org.id not in done:
        chain.append(org)
        done.add(org.id)
        org = by_id.get(org.parent_id) if org.parent_id else None  # type: ignore[assignment]
    for o in reversed(chain):
        ref = o.external_id or o.id
        sel.org_refs[o.id] = ref
        yield _compact({
            "type": "organisation", "ref": ref, "name": o.name, "kind": o.kind,
            "parent": sel.org_refs.get(o.parent_id) if o.parent_id else None,
            "country": o.country, "aliases": list(o.aliases or []),
            "description": o.description or None, "tlp": TLP(o.tlp).label,
        })  # fmt: skip


PERSON_COLUMNS = (Person.id, Person.external_id, Person.sex, Person.age, Person.age_min,
                  Person.age_max, Person.nationality, Person.roles, Person.tlp)  # fmt: skip


def persons(sel: Selection, identify: bool, recipient: str,
            identified: list[str]) -> Iterator[dict[str, Any]]:  # fmt: skip
    """Pseudonymised person lines, or identified ones where consent allows ``recipient``.

    Encrypted columns are only read for persons who are identified. ``identified`` collects
    their ids, for the audit trail.
    """
    ring = active_keyring()
    query = select(*PERSON_COLUMNS).where(sel.scope(Person), sel.linked_to(Person))
    for batch in sel.batches(query, Person.id):
        ids = [r.id for r in batch]
        states = consents.states(sel.session, ids) if identify else {}
        named = {pid for pid in ids if identify and consents.allows(states.get(pid), recipient)}
        details = _identities(sel.session, named, states, recipient) if named else {}
        for r in batch:
            base = {"type": "person", "sex": r.sex, "age": r.age, "age_min": r.age_min,
                    "age_max": r.age_max, "nationality": r.nationality,
                    "roles": list(r.roles or []), "tlp": TLP(r.tlp).label}  # fmt: skip
            if r.id in named:
                ref = r.external_id or r.id
                base.update(ref=ref, **details[r.id])
                identified.append(r.id)
            else:
                ref = ring.pseudonym("person", r.id)
                base.update(ref=ref, names=[{"value": ref, "script": "Latn",
                                             "kind": PSEUDONYM_NAME_KIND}])  # fmt: skip
            sel.person_refs[r.id] = ref
            yield _compact(base)


def _identities(session: Session, ids: set[str], states: dict[str, Any],
                recipient: str) -> dict[str, dict[str, Any]]:  # fmt: skip
    internal = recipient == consents.INTERNAL
    out: dict[str, dict[str, Any]] = {pid: {"names": []} for pid in ids}
    rows = session.execute(
        select(Person.id, Person.birth_date, Person.identities, Person.contact, Person.notes).where(
            Person.id.in_(ids)
        )
    )
    for pid, birth, identities, contact, notes in rows:
        # Case notes are the team's working notes, not the person's identity: internal only.
        out[pid].update(birth_date=birth, identities=identities, contact=contact,
                        notes=notes if internal else None)  # fmt: skip
    names = session.scalars(select(PersonName).where(PersonName.person_id.in_(ids))
                            .order_by(PersonName.person_id, PersonName.position))  # fmt: skip
    for n in names:
        out[n.person_id]["names"].append(
            _compact({"value": n.value, "script": n.script, "kind": n.kind, "language": n.language})
        )
    consent_ids = [s.consent_id for pid, s in states.items() if pid in ids and s.consent_id]
    for c in session.scalars(select(Consent).where(Consent.id.in_(consent_ids))):
        out[c.person_id]["consent"] = _compact({
            "use_in_case_file": c.use_in_case_file, "share_with": list(c.share_with or []),
            "given_on": c.given_on.isoformat(), "recorded_how": c.recorded_how,
            "notes": c.notes if internal else None, "tlp": TLP(c.tlp).label,
        })  # fmt: skip
    return out


def sources(sel: Selection) -> Iterator[dict[str, Any]]:
    query = select(Source).where(sel.scope(Source), sel.linked_to(Source))
    for batch in sel.batches(query, Source.id):
        for (s,) in batch:
            ref = s.external_id or s.id
            sel.source_refs[s.id] = ref
            yield _compact({
                "type": "source", "ref": ref, "title": s.title, "source_type": s.source_type,
                "reliability": s.reliability, "credibility": s.credibility, "url": s.url,
                "obtained_on": s.obtained_on.isoformat() if s.obtained_on else None,
                "person": sel.person_refs.get(s.person_id) if s.person_id else None,
                "description": s.description or None, "tlp": TLP(s.tlp).label,
            })  # fmt: skip


# ---- events ------------------------------------------------------------------------------------


def events(sel: Selection) -> Iterator[list[dict[str, Any]]]:
    """Event records with their acts and interventions, one batch at a time."""
    for batch in sel.batches(sel.events(), Event.id):
        evs = [row[0] for row in batch]
        yield _event_records(sel, evs)


def _event_records(sel: Selection, evs: list[Event]) -> list[dict[str, Any]]:
    ids = [e.id for e in evs]
    s = sel.session
    acts = list(s.scalars(select(Act).where(Act.event_id.in_(ids), sel.scope(Act))
                          .order_by(Act.event_id, Act.created_at, Act.id)))  # fmt: skip
    act_ids = [a.id for a in acts]
    perps: dict[str, list[ActPerpetrator]] = {}
    for p in s.scalars(select(ActPerpetrator).where(ActPerpetrator.act_id.in_(act_ids))
                       .order_by(ActPerpetrator.act_id, ActPerpetrator.id)):  # fmt: skip
        perps.setdefault(p.act_id, []).append(p)
    links: dict[str, list[str]] = {}
    rows = s.execute(select(SourceLink.target_id, SourceLink.source_id).where(or_(
        and_(SourceLink.target_type == "event", SourceLink.target_id.in_(ids)),
        and_(SourceLink.target_type == "act", SourceLink.target_id.in_(act_ids)),
    )).order_by(SourceLink.created_at, SourceLink.id))  # fmt: skip
    for target, source in rows:
        if source in sel.source_refs:  # only sources in this export are cited
            links.setdefault(target, []).append(sel.source_refs[source])
    ivs: dict[str, list[Intervention]] = {}
    for iv in s.scalars(select(Intervention).where(Intervention.event_id.in_(ids),
                                                   sel.scope(Intervention))
                        .order_by(Intervention.created_at, Intervention.id)):  # fmt: skip
        ivs.setdefault(iv.event_id or "", []).append(iv)
    by_event: dict[str, list[Act]] = {}
    for a in acts:
        by_event.setdefault(a.event_id, []).append(a)
    return [_event(sel, e, by_event.get(e.id, []), perps, links, ivs.get(e.id, [])) for e in evs]


def _event(sel: Selection, e: Event, acts: list[Act], perps: dict[str, list[ActPerpetrator]],
           links: dict[str, list[str]], ivs: list[Intervention]) -> dict[str, Any]:  # fmt: skip
    return _compact({
        "type": "event", "ref": e.external_id or e.id, "title": e.title,
        "description": e.description or None,
        "start": date_text(e.start_date, e.start_precision),
        "end": date_text(e.end_date, e.end_precision), "place": _place(e),
        "status": e.status, "tlp": TLP(e.tlp).label,
        "acts": [_act(sel, e, a, perps.get(a.id, []), links.get(a.id, [])) for a in acts],
        "source_refs": links.get(e.id, []),
        "interventions": [_compact({
            "type": iv.intervention_type, "on": iv.on_date.isoformat() if iv.on_date else None,
            "status": iv.status, "actor": iv.actor or None, "description": iv.description or None,
            "outcome": iv.outcome or None, "tlp": TLP(iv.tlp).label,
        }) for iv in ivs],
    })  # fmt: skip


def _act(sel: Selection, e: Event, a: Act, perps: list[ActPerpetrator],
         cited: list[str]) -> dict[str, Any]:  # fmt: skip
    same_span = (a.start_date, a.start_precision, a.end_date, a.end_precision) == (
        e.start_date,
        e.start_precision,
        e.end_date,
        e.end_precision,
    )
    victim: dict[str, Any] | None = None
    if a.victim_person_id:
        ref = sel.person_refs.get(a.victim_person_id)
        # A victim the actor may not see still counts; who it was is withheld.
        victim = {"person": ref} if ref else {"group": REDACTED, "count": a.victim_count}
    elif a.victim_group:
        victim = {"group": a.victim_group, "count": a.victim_count}
    perpetrators = []
    for p in perps:
        if p.organisation_id and p.organisation_id in sel.org_refs:
            perpetrators.append(
                {"organisation": sel.org_refs[p.organisation_id], "involvement": p.involvement}
            )
        elif p.person_id and p.person_id in sel.person_refs:
            perpetrators.append(
                {"person": sel.person_refs[p.person_id], "involvement": p.involvement}
            )
    # Perpetrator rows have no order of their own: organisations first, then persons, by ref.
    perpetrators.sort(key=lambda p: ("person" in p, p.get("organisation") or p.get("person")))
    place = _place(a)
    return _compact({
        "act_type": a.act_type,
        "start": None if same_span else date_text(a.start_date, a.start_precision),
        "end": None if same_span else date_text(a.end_date, a.end_precision),
        "place": None if place == _place(e) else place, "victim": victim,
        "perpetrators": perpetrators, "description": a.description or None,
        "sources": cited, "tlp": TLP(a.tlp).label,
    })  # fmt: skip
