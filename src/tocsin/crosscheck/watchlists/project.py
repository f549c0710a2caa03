"""The project's own perpetrator records as screening candidates, only those the actor may see.

Person names are encrypted at rest, so they cannot be keyed in the database: the records are
read (decrypted by the ORM) and keyed in memory, once per screening run.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Select, Text, cast, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from tocsin.cases import consent as consents
from tocsin.cases.models import Act, ActPerpetrator, Organisation, Person
from tocsin.core.access import Actor, visible
from tocsin.crosscheck.names import prepare
from tocsin.crosscheck.watchlists.candidates import PROJECT, Candidate
from tocsin.crosscheck.watchlists.entries import ORGANISATION, PERSON
from tocsin.crosscheck.watchlists.index import name_keys

PERPETRATOR = "perpetrator"


def _named_in_visible_acts(
    actor: Actor, column: InstrumentedAttribute[str | None]
) -> Select[Any]:
    """Ids named as perpetrators in acts the actor may see (a hidden act reveals nothing)."""
    return (
        select(column)
        .join(Act, Act.id == ActPerpetrator.act_id)
        .where(column.is_not(None), visible(Act, actor))
    )


def _persons(session: Session, actor: Actor) -> list[Candidate]:
    in_acts = _named_in_visible_acts(actor, ActPerpetrator.person_id)
    rows = session.scalars(
        select(Person).options(selectinload(Person.names)).where(
            visible(Person, actor),
            or_(cast(Person.roles, Text).like(f'%"{PERPETRATOR}"%'),
                Person.id.in_(in_acts)),
        ).order_by(Person.id)
    )  # fmt: skip
    people = list(rows)
    states = consents.states(session, [p.id for p in people])
    found = []
    for p in people:
        state = states.get(p.id)
        if state is not None and not state.use_in_case_file:
            # Consent to keep this identity on file was withdrawn (or never given): every page
            # withholds the names, so screening must not hand them out either.
            continue
        names = [(prepare(n.value[:1000]), False) for n in p.names if n.value]
        if names:
            found.append(Candidate(
                PROJECT, "persons", p.id, p.external_id, PERSON, names[0][0].original, names,
                [p.birth_date] if p.birth_date else [],
                [p.nationality] if p.nationality else [], [], p.tlp))  # fmt: skip
    return found


def _organisations(session: Session, actor: Actor) -> list[Candidate]:
    in_acts = _named_in_visible_acts(actor, ActPerpetrator.organisation_id)
    rows = session.scalars(
        select(Organisation).where(visible(Organisation, actor),
                                   Organisation.id.in_(in_acts))
        .order_by(Organisation.id)
    )  # fmt: skip
    return [
        Candidate(PROJECT, "organisations", o.id, o.external_id, ORGANISATION, o.name,
                  [(prepare(n[:1000]), False) for n in [o.name, *(o.aliases or [])] if n],
                  [], [o.country] if o.country else [], [], o.tlp)
        for o in rows
    ]  # fmt: skip


class ProjectIndex:
    """The actor's visible perpetrator records, keyed by name, built on first use."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session, self.actor = session, actor
        self._keys: dict[str, dict[str, list[Candidate]]] | None = None

    def _build(self) -> dict[str, dict[str, list[Candidate]]]:
        index: dict[str, dict[str, list[Candidate]]] = {PERSON: defaultdict(list),
                                                        ORGANISATION: defaultdict(list)}
        for candidate in (*_persons(self.session, self.actor),
                          *_organisations(self.session, self.actor)):
            for key in name_keys(n for n, _ in candidate.names):
                index[candidate.schema][key].append(candidate)
        return index

    def candidates(self, schema: str, keys: set[str]) -> list[Candidate]:
        if self._keys is None:
            self._keys = self._build()
        by_key = self._keys[schema]
        seen: dict[str, Candidate] = {}
        for key in sorted(keys):
            for candidate in by_key.get(key, ()):
                seen.setdefault(candidate.record_id, candidate)
        return list(seen.values())
